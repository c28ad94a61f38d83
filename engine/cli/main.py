"""``reachbot``: ask, demo, collect, serve, synth (interfaces.md fixes the first four).

The application layer: the one place that wires the engine, ``engine.collect`` (boto3) and ``bot`` (Slack).
Each subcommand is a module in ``engine/cli/commands/`` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` names them, and only the one that runs is imported (pip's
``commands_dict`` does the same), so ``ask`` and ``demo`` import neither boto3 nor Slack.
Every ReachbotError becomes a one-paragraph message on stderr and exit status 2; no traceback ever.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from engine.cli.common import EXIT_BAD_INPUT, EXIT_OK
from engine.errors import QuestionError, ReachbotError

COMMANDS: dict[str, str] = {  # subcommand → its module, in the order `reachbot --help` lists them
    "ask": "engine.cli.commands.ask",
    "demo": "engine.cli.commands.demo",
    "collect": "engine.cli.commands.collect",
    "serve": "engine.cli.commands.serve",
    "synth": "engine.cli.commands.synth",
}


class Command(Protocol):
    """What a module in ``engine/cli/commands/`` provides."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad flags already; make its message match ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(_fail(f"{message}. Run `{self.prog} --help` for the accepted flags."))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given ``command``, only that subcommand's module is imported and given its flags."""
    p = _Parser(prog="reachbot", description="Why can this instance not reach that bucket or service?")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        if command is None or name == command:
            cmd = load(name)
            cmd.add_arguments(sub.add_parser(name, help=cmd.HELP))
        else:
            sub.add_parser(name)  # a choice only: argv names another subcommand, so this one is never parsed
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # reachbot uses no pydantic plugins; looking for them reads every installed package's metadata when the
    # first validator is made (about 70 ms of a 0.3 s cold start, issue #14). An explicit setting is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        args = build_parser(_command_in(argv)).parse_args(argv)
        return load(args.command).run(args)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except QuestionError as exc:
        return _fail(str(exc))
    except ReachbotError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand argv starts with, if any; otherwise (``-h``, a typo) the full parser says what to do."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def load(command: str) -> Command:
    """Import the subcommand's module (and with it whatever that subcommand needs at its top)."""
    return cast(Command, importlib.import_module(COMMANDS[command]))


def _fail(message: str) -> int:
    print(f"reachbot: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
