"""``reachbot diff OLD NEW [QUESTION ...]``: what changed between two snapshots, and which change flipped a flow.

OLD and NEW are snapshot files, ``s3://`` objects, ``bundled``, or times (``yesterday``, ``2h``,
``2026-11-27T09:00``) picked from the history of ``--snapshot`` (engine.history). docs/diff.md has the JSON.
"""

from __future__ import annotations

import argparse

from engine.cli.common import add_lang_flag, print_json, wording_of

HELP = "what changed between two snapshots, and which change broke (or fixed) a flow"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", help="snapshot file, s3://bucket/key, bundled, or a time: 2026-11-27T09:00 "
                   "(UTC), yesterday, 2h, 3d (the newest kept snapshot at or before it)")
    p.add_argument("new", metavar="NEW", help="the same forms; `now` is the newest kept snapshot")
    p.add_argument("questions", metavar="QUESTION", nargs="*",
                   help='e.g. "can web-osaka-a reach bucket app-data" (default: the estate\'s common flows)')
    p.add_argument("--snapshot", metavar="PATH", help="whose history a time picks from: a snapshot file (its "
                   "history/ directory beside it), a history directory, s3://bucket/key (its versions) or "
                   "s3://bucket/prefix/ (default: $REACHBOT_SNAPSHOT, else the file collect writes)")
    p.add_argument("--json", action="store_true", help="print the JSON diff (docs/diff.md)")
    p.add_argument("--runtime", help="client runtime for the questions: python (default), curl, requests, go, …")
    p.add_argument("--action", help="action to judge (default s3:GetObject)")
    add_lang_flag(p)


def run(args: argparse.Namespace) -> int:
    from engine.diff import diff_snapshots
    from engine.diff_render import render_diff
    from engine.engine import Engine
    from engine.history import base_location, resolve

    base = base_location(args.snapshot)
    old, new = resolve(args.old, base), resolve(args.new, base)
    found = diff_snapshots(Engine(old.snapshot, old.origin), Engine(new.snapshot, new.origin), args.questions,
                           runtime=args.runtime, action=args.action)
    if args.json:
        print_json(found.to_json_dict())
    else:
        print(render_diff(found, wording_of(args.lang, " ".join(args.questions))))
    return 0
