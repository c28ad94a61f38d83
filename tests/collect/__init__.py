"""Helpers for the collect tests: the moto emulator, the seeded estate, botocore fault injection."""
