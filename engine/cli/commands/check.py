"""``reachbot check FILE``: connectivity intents (``engine/intents.py``) checked over a snapshot, for CI.

Exit status 0 when every intent holds, 1 when one is violated or its answer is ``unknown`` (``--unknown-ok``
lets unknown pass), 2 for a bad file or a source/destination the snapshot does not know. Every intent is
resolved and answered before anything is printed, so a bad file prints nothing but its message. Output is the
list shape of ``engine/cli/answers.py`` (the one ``ask --batch`` and ``demo`` use), as text, ``--json`` or
``--junit OUT`` (one test case per intent and source instance; the text goes to stdout as well).
"""

from __future__ import annotations

import argparse
from typing import Any

from engine.cli.answers import Answered, json_item, text_item
from engine.cli.common import add_snapshot_flag, load_snapshot, print_json
from engine.cli.intents_file import read_intents_file
from engine.cli.junit import write_junit
from engine.engine import Engine
from engine.intents import Result, check, parse_intents

HELP = "check connectivity intents (YAML or JSON) over the snapshot, for CI"
EXIT_VIOLATED = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="intents: a YAML (or .json) list of {name, source, destination, "
                   "expect: reachable|blocked, code?, runtime?, action?}; see examples/intents.yaml")
    add_snapshot_flag(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help='print {"intents": [{"name", "source", "destination", "expect", "got", "ok", …}], '
                          '"violations": N}')
    out.add_argument("--junit", metavar="OUT", help="also write JUnit XML to OUT: one test case per intent and "
                     "source instance, so CI shows each as a test")
    p.add_argument("--unknown-ok", action="store_true",
                   help="let an intent whose answer is unknown (the snapshot cannot tell) pass instead of fail")


def run(args: argparse.Namespace) -> int:
    intents = parse_intents(read_intents_file(args.file), args.file)
    loaded = load_snapshot(args)
    results = check(Engine(loaded.snapshot, loaded.origin), intents)
    items = [_item(r, args.unknown_ok) for r in results]
    violations = sum(1 for i in items if not i.context["ok"])
    if args.json:
        print_json({"intents": [json_item(i) for i in items], "violations": violations,
                    "snapshot": loaded.origin})
    else:
        if args.junit:
            write_junit(args.junit, args.file, results, args.unknown_ok)
        print("\n".join(text_item(i, answer=not i.context["ok"]) for i in items), end="")
        print(_summary(results, violations, args.unknown_ok))
    return EXIT_VIOLATED if violations else 0


def _item(r: Result, unknown_ok: bool) -> Answered:
    ok = r.status == "holds" or (r.status == "unknown" and unknown_ok)
    blocked_by = r.answer.blocked_by
    context: dict[str, Any] = {
        "name": r.intent.name, "source": r.intent.source, "instance": r.instance.instance_id,
        "destination": r.intent.destination, "expect": r.intent.expect, "code": r.intent.code,
        "got": r.answer.verdict, "got_code": blocked_by.code if blocked_by else None, "ok": ok, "status": r.status,
    }
    mark = "PASS" if ok else "FAIL"
    label = r.instance.name or r.instance.instance_id
    expected = f"{r.intent.expect} {r.intent.code}" if r.intent.code else r.intent.expect
    title = f"{mark}  {r.intent.name} [{label}]: expected {expected}, got {r.got}"
    return Answered(r.answer.question, r.answer, context=context, title=title)


def _summary(results: list[Result], violations: int, unknown_ok: bool) -> str:
    held = sum(1 for r in results if r.status == "holds")
    unknown = sum(1 for r in results if r.status == "unknown")
    names = len({r.intent.name for r in results})
    tail = " (--unknown-ok: unknown passes)" if unknown_ok and unknown else ""
    return (f"reachbot check: {names} intents, {len(results)} results: {held} hold, {violations} "
            f"violation{'s' if violations != 1 else ''}, {unknown} unknown{tail}")
