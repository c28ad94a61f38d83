"""``reachbot serve``: the Slack app. ``bot`` (and with it Slack's libraries) loads inside :func:`run` only."""

from __future__ import annotations

import argparse

from engine.cli.common import add_snapshot_flag, snapshot_location

HELP = "run the Slack app"


def add_arguments(p: argparse.ArgumentParser) -> None:
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help="HTTP mode: POST /slack/events (default)")
    mode.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    p.add_argument("--port", type=int, default=3000, help="HTTP mode: the port to listen on")
    p.add_argument("--host", default="0.0.0.0", help="HTTP mode: the address to listen on")
    add_snapshot_flag(p)


def run(args: argparse.Namespace) -> int:
    from bot.cli import serve

    return serve(socket=args.socket, host=args.host or "0.0.0.0", port=args.port or 3000,
                 snapshot=snapshot_location(args))
