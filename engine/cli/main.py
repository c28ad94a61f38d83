"""``reachbot``: ask, demo, check, collect, serve, synth (interfaces.md fixes ask, demo, collect, serve).

The application layer: the one place that wires the engine, ``engine.collect`` (boto3) and ``bot`` (Slack).
Each subcommand is a module in ``engine/cli/commands/`` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` names them, and only the one that runs is imported (pip's
``commands_dict`` does the same), so ``ask`` and ``demo`` import neither boto3 nor Slack.
Every ReachbotError becomes a one-paragraph message on stderr and exit status 2; no traceback ever.
Bare ``reachbot`` prints the help on stdout and exits 0: nothing was asked, so nothing failed (``docker`` and
``kubectl`` do the same); ``-v`` / ``-vv`` log reachbot's own steps on stderr, for every subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Protocol, cast

from engine.cli.common import EXIT_BAD_INPUT, EXIT_OK
from engine.errors import QuestionError, ReachbotError

log = logging.getLogger("engine.cli")

COMMANDS: dict[str, str] = {  # subcommand → its module, in the order `reachbot --help` lists them
    "ask": "engine.cli.commands.ask",
    "demo": "engine.cli.commands.demo",
    "check": "engine.cli.commands.check",
    "collect": "engine.cli.commands.collect",
    "serve": "engine.cli.commands.serve",
    "synth": "engine.cli.commands.synth",
    "diff": "engine.cli.commands.diff",
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


class _HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default, when it has one worth showing.

    argparse's ArgumentDefaultsHelpFormatter would also print "(default: None)" and "(default: False)" for
    every flag without a default, which says nothing.
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and action.option_strings
        return f"{text} (default: %(default)s)" if shown and "%(default)" not in text else text


class _Version(argparse.Action):
    """``--version``: the metadata is read only when asked for (reading it costs a fresh ``ask`` ~60 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _verbosity(p: argparse.ArgumentParser, default: object) -> None:
    p.add_argument("-v", "--verbose", action="count", default=default,
                   help="log reachbot's steps on stderr (-vv for debug detail)")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given ``command``, only that subcommand's module is imported and given its flags."""
    p = _Parser(prog="reachbot", description="Why can this instance not reach that bucket or service?",
                formatter_class=_HelpFormatter)
    p.add_argument("--version", action=_Version, nargs=0, default=argparse.SUPPRESS,
                   help="print reachbot's version and exit")
    _verbosity(p, 0)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    for name in COMMANDS:
        if command is None or name == command:
            cmd = load(name)
            parser = sub.add_parser(name, help=cmd.HELP, description=cmd.HELP, formatter_class=_HelpFormatter)
            _verbosity(parser, argparse.SUPPRESS)  # SUPPRESS: `reachbot -v ask …` keeps the count given before
            cmd.add_arguments(parser)
        else:
            sub.add_parser(name)  # a choice only: argv names another subcommand, so this one is never parsed
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # reachbot uses no pydantic plugins; looking for them reads every installed package's metadata when the
    # first validator is made (about 70 ms of a 0.3 s cold start, issue #14). An explicit setting is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        if not argv:
            build_parser().print_help(sys.stdout)
            return EXIT_OK
        args = build_parser(_command_in(argv)).parse_args(argv)
        _configure_logging(args.verbose)
        started = time.perf_counter()
        if log.isEnabledFor(logging.INFO):
            log.info("reachbot %s: %s", _version(), args.command)
        status = load(args.command).run(args)
        log.info("%s: exit status %d after %.2f s", args.command, status, time.perf_counter() - started)
        return status
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
    """The subcommand argv names after any ``-v``; otherwise (``-h``, a typo) the full parser says what to do."""
    words = [a for a in argv if a not in ("-v", "-vv", "--verbose")]
    return words[0] if words and words[0] in COMMANDS else None


def _version() -> str:
    """From the installed package's metadata (pyproject.toml's ``version``), so there is one place to bump it."""
    import importlib.metadata

    try:
        return importlib.metadata.version("reachbot")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: run `pip install .` to give it a version)"


def _configure_logging(verbose: int) -> None:
    """``-v``: reachbot's own loggers at INFO, ``-vv`` at DEBUG; other libraries stay at WARNING.

    Only ``engine`` and ``bot`` are raised: botocore's DEBUG output holds raw API responses, SSM parameter
    values (proxy URLs with credentials) among them, which must never reach a terminal or a CI log.
    """
    if not verbose:
        return
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("engine", "bot"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


def load(command: str) -> Command:
    """Import the subcommand's module (and with it whatever that subcommand needs at its top)."""
    return cast(Command, importlib.import_module(COMMANDS[command]))


def _fail(message: str) -> int:
    print(f"reachbot: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
