"""``reachbot demo``: the article's ten cases, on the bundled estate or ``--snapshot PATH``.

Printed in the shape ``ask --batch`` and ``check`` use (``engine/cli/answers.py``): a case whose question the
chosen snapshot cannot answer (its instance is not there) is that case's error, and the run goes on.
"""

from __future__ import annotations

import argparse

from engine.cli.answers import Answered, json_item, text_item
from engine.cli.common import add_lang_flag, print_json
from engine.engine import Engine
from engine.errors import QuestionError
from engine.estates import CASES
from engine.snapshot import BUNDLED, choose_snapshot
from engine.wording import Wording, wording_for

HELP = "answer the article's ten cases on the bundled estate"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help='print a JSON list of {"case", "question", "answer"}')
    p.add_argument("--snapshot", metavar="PATH", default=BUNDLED,
                   help="snapshot file or s3://bucket/key to answer the cases on (the cases name the article "
                        "estate's instances and buckets)")
    add_lang_flag(p)


def demo_questions(lang: str | None = None) -> list[tuple[int, str]]:
    """The article's cases as questions, asked the way the article's readers ask them (``--lang ja``: in
    Japanese)."""
    if lang == "ja":
        return [(n, f"{src} から {bucket} バケットに届かないのはなぜ") for n, src, bucket in CASES]
    return [(n, f"why can {src} not reach bucket {bucket}") for n, src, bucket in CASES]


def run(args: argparse.Namespace) -> int:
    loaded = choose_snapshot(args.snapshot)
    eng = Engine(loaded.snapshot, loaded.origin)
    w = wording_for(args.lang)
    items = [_case(eng, n, q, w) for n, q in demo_questions(args.lang)]
    if args.json:
        print_json([json_item(i) for i in items])
    else:
        print("\n".join(text_item(i, wording=w) for i in items), end="")
    return 0


def _case(eng: Engine, number: int, question: str, w: Wording) -> Answered:
    title = w.fmt(w.label("cli.case"), {"n": number})
    try:
        return Answered(question, eng.ask(question, wording=w), context={"case": number}, title=title)
    except QuestionError as exc:
        return Answered(question, error=str(exc), context={"case": number}, title=title)
