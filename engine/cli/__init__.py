"""The ``reachbot`` command line. Kept apart so the engine imports without it."""
