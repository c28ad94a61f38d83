"""``reachbot demo``: the article's ten cases on the bundled estate."""

from __future__ import annotations

import argparse

from engine.cli.common import print_json
from engine.engine import Engine
from engine.estates import CASES
from engine.snapshot import BUNDLED, load_bundled

HELP = "answer the article's ten cases on the bundled estate"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def demo_questions() -> list[tuple[int, str]]:
    return [(n, f"why can {src} not reach bucket {bucket}") for n, src, bucket in CASES]


def run(args: argparse.Namespace) -> int:
    eng = Engine(load_bundled(), BUNDLED)
    answers = [(n, q, eng.ask(q)) for n, q in demo_questions()]
    if args.json:
        print_json([{"case": n, "question": q, "answer": a.to_json_dict()} for n, q, a in answers])
        return 0
    for n, q, a in answers:
        route = " → ".join(f"{h.kind} {h.id}" for h in a.hops if h.kind not in ("dns", "route-table"))
        refusal = f" — {a.blocked_by.code} at {a.blocked_by.resource}" if a.blocked_by else ""
        fix = next((f for f in a.fixes if f.verified), None)
        print(f"Case {n:>2}: {q}\n  {a.verdict.upper()}{refusal}\n  {route}")
        if fix:
            print(f"  proven fix: {fix.summary}")
        print()
    return 0
