"""What the subcommands share: the exit statuses, JSON on stdout, the ``--snapshot`` flag."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def add_snapshot_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--snapshot", metavar="PATH", help="snapshot file or s3://bucket/key (default: "
                   "$REACHBOT_SNAPSHOT, the collected file, else the bundled article estate; 'bundled' names it)")
