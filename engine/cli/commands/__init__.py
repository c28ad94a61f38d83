"""One module per ``reachbot`` subcommand, each exposing ``HELP``, ``add_arguments(parser)`` and ``run(args)``.

``engine.cli.main.COMMANDS`` names them; main imports only the one that runs (all of them for ``--help``).
"""
