"""``reachbot``: ask, demo, collect, serve, synth (interfaces.md fixes the first four).

Every ReachbotError becomes a one-paragraph message on stderr and exit status 2; no traceback ever.
``ask`` and ``demo`` import neither boto3 nor Slack: those load only for ``collect`` and ``serve``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from engine.errors import QuestionError, ReachbotError

EXIT_OK, EXIT_BAD_INPUT = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad flags already; make its message match ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(_fail(f"{message}. Run `{self.prog} --help` for the accepted flags."))


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="reachbot", description="Why can this instance not reach that bucket or service?")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = sub.add_parser("ask", help="answer a question about the snapshot")
    ask.add_argument("question", nargs="?", help='e.g. "why can web-osaka-a not reach bucket app-data"')
    ask.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin)")
    _snapshot_flag(ask)
    ask.add_argument("--json", action="store_true", help="print the JSON answer")
    ask.add_argument("--runtime", help="client runtime: python (AWS CLI, default), curl, requests, go, java, node")
    ask.add_argument("--action", help="S3 action to judge (default s3:GetObject)")
    ask.add_argument("--no-fixes", action="store_true", help="skip the search for proven fixes")

    demo = sub.add_parser("demo", help="answer the article's ten cases on the bundled estate")
    demo.add_argument("--json", action="store_true")

    col = sub.add_parser("collect", help="read live AWS configuration into a snapshot")
    col.add_argument("--region", action="append", help="repeat for several regions")
    col.add_argument("--profile")
    col.add_argument("--role-arn", action="append", help="assume this role for another account (repeatable)")
    col.add_argument("--org-role", metavar="ROLE_NAME", help="organisation mode: assume ROLE_NAME in every account")
    col.add_argument("--endpoint-url", help="one AWS-compatible endpoint for every client (an emulator)")
    col.add_argument("--out", help="file or s3://bucket/key (default: the file ask/serve read by default)")
    col.add_argument("--from-dir", help="offline: read saved describe_* JSON from this directory")
    col.add_argument("--ssm-prefix", default="/reachbot/proxy", help="SSM prefix for per-instance proxy settings")
    col.add_argument("--overlay", help="JSON file of proxy settings by instance id, Name pattern, subnet or VPC")
    col.add_argument("--max-workers", type=int, default=8, help="(account, region) pairs collected at once")
    col.add_argument("--quiet", action="store_true")

    serve = sub.add_parser("serve", help="run the Slack app")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help="HTTP mode: POST /slack/events (default)")
    mode.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="0.0.0.0")
    _snapshot_flag(serve)

    syn = sub.add_parser("synth", help="write a synthetic enterprise estate (for benchmarks)")
    syn.add_argument("--size", choices=["small", "large", "xl"], default="small")
    syn.add_argument("--seed", type=int, default=7)
    syn.add_argument("--out", required=True)
    return p


def _snapshot_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--snapshot", metavar="PATH", help="snapshot file or s3://bucket/key "
                   "(default: $REACHBOT_SNAPSHOT, the collected file, else the bundled article estate)")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
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


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "ask":
        from engine.cli.ask import run_ask

        return run_ask(args)
    if args.command == "demo":
        from engine.cli.ask import run_demo

        return run_demo(args)
    if args.command == "collect":
        from engine.collect.cli import run as run_collect

        return run_collect(args)
    if args.command == "serve":
        from bot.cli import run as run_serve

        return run_serve(args)
    from engine.estates.synth import run as run_synth

    return run_synth(args)


def _fail(message: str) -> int:
    print(f"reachbot: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
