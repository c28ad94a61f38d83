"""``reachbot ask`` and ``reachbot demo``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from engine.cli.main import print_json
from engine.cli.render import render
from engine.engine import Engine
from engine.errors import QuestionError, ReachbotError
from engine.estates import CASES
from engine.snapshot import choose_snapshot, load_bundled


def run_ask(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.batch):
        raise QuestionError('give one question, or --batch FILE: reachbot ask "why can web-osaka-a not reach '
                            'bucket app-data"')
    loaded = choose_snapshot(args.snapshot)
    eng = Engine(loaded.snapshot, loaded.origin)
    if args.batch:
        return _batch(eng, args)
    answer = eng.ask(args.question, runtime=args.runtime, action=args.action, fixes=not args.no_fixes)
    if args.json:
        print_json(answer.to_json_dict())
    else:
        print(render(answer))
    return 0


def _batch(eng: Engine, args: argparse.Namespace) -> int:
    for line in _lines(args.batch):
        try:
            answer = eng.ask(line, runtime=args.runtime, action=args.action, fixes=not args.no_fixes)
        except QuestionError as exc:
            if args.json:
                print(json.dumps({"question": line, "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                print(f"? {line}\nreachbot: {exc}\n", flush=True)
            continue
        if args.json:
            print(json.dumps(answer.to_json_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"? {line}\n{render(answer, compact=True)}\n", flush=True)
    return 0


def _lines(path: str) -> Iterable[str]:
    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise ReachbotError(f"cannot read batch file {path}: {exc.strerror}") from exc
    with fh:
        for raw in fh:
            line = raw.strip()
            if line and not line.startswith("#"):
                yield line


def demo_questions() -> list[tuple[int, str]]:
    return [(n, f"why can {src} not reach bucket {bucket}") for n, src, bucket in CASES]


def run_demo(args: argparse.Namespace) -> int:
    eng = Engine(load_bundled(), "bundled:article-estate")
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
