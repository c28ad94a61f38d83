"""What the subcommands share: the exit statuses, JSON on stdout, the ``--snapshot`` flag."""

from __future__ import annotations

import argparse
import json
import sys

from engine.question_ja import language_of
from engine.wording import LANGUAGES, Wording, wording_for

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def add_snapshot_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--snapshot", metavar="PATH", help="snapshot file or s3://bucket/key "
                   "(default: $REACHBOT_SNAPSHOT, the collected file, else the bundled article estate)")


def add_lang_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGUAGES, help="language of the answer (default: the question's: Japanese for a"
                   " question written with kana or kanji, else English); codes, ids, JSON keys stay as they are")


def wording_of(lang: str | None, question: str) -> Wording:
    """``--lang`` when given, else the language the question is written in."""
    return wording_for(lang or language_of(question))
