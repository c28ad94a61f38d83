"""``reachbot demo``: the article's ten cases on the bundled estate."""

from __future__ import annotations

import argparse

from engine.cli.common import add_lang_flag, print_json
from engine.engine import Engine
from engine.estates import CASES
from engine.snapshot import BUNDLED, load_bundled
from engine.wording import wording_for

HELP = "answer the article's ten cases on the bundled estate"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    add_lang_flag(p)


def demo_questions(lang: str | None = None) -> list[tuple[int, str]]:
    """The article's cases as questions, asked the way the article's readers ask them (``--lang ja``: in
    Japanese)."""
    if lang == "ja":
        return [(n, f"{src} から {bucket} バケットに届かないのはなぜ") for n, src, bucket in CASES]
    return [(n, f"why can {src} not reach bucket {bucket}") for n, src, bucket in CASES]


def run(args: argparse.Namespace) -> int:
    eng = Engine(load_bundled(), BUNDLED)
    w = wording_for(args.lang)
    answers = [(n, q, eng.ask(q, wording=w)) for n, q in demo_questions(args.lang)]
    if args.json:
        print_json([{"case": n, "question": q, "answer": a.to_json_dict()} for n, q, a in answers])
        return 0
    for n, q, a in answers:
        route = " → ".join(f"{h.kind} {h.id}" for h in a.hops if h.kind not in ("dns", "route-table"))
        refusal = w.fmt(w.label("cli.demo-refusal"), {"code": a.blocked_by.code, "resource": a.blocked_by.resource}) \
            if a.blocked_by else ""
        fix = next((f for f in a.fixes if f.verified), None)
        case = w.fmt(w.label("cli.case"), {"n": f"{n:>2}", "question": q})
        print(f"{case}\n  {w.label('cli.' + a.verdict)}{refusal}\n  {route}")
        if fix:
            print("  " + w.fmt(w.label("cli.proven-fix"), {"summary": fix.summary}))
        print()
    return 0
