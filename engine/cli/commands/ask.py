"""``reachbot ask``: one question, or ``--batch FILE`` of them, against the chosen snapshot."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from engine.cli.common import add_lang_flag, add_snapshot_flag, print_json, wording_of
from engine.cli.render import render
from engine.engine import Engine
from engine.errors import QuestionError, ReachbotError
from engine.names import mask_secrets
from engine.snapshot import choose_snapshot

HELP = "answer a question about the snapshot"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="?", help='e.g. "why can web-osaka-a not reach bucket app-data"')
    p.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin)")
    add_snapshot_flag(p)
    p.add_argument("--json", action="store_true", help="print the JSON answer")
    p.add_argument("--runtime", help="client runtime: python (AWS CLI, default), curl, requests, go, java, node")
    p.add_argument("--action", help="action to judge (default s3:GetObject; e.g. kms:Decrypt for a KMS host)")
    p.add_argument("--resource", metavar="ARN", help="the KMS key (or alias) or Secrets Manager secret the request"
                   " is for, so its resource policy is evaluated (must match the destination's service and Region)")
    p.add_argument("--no-fixes", action="store_true", help="skip the search for proven fixes")
    add_lang_flag(p)


def run(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.batch):
        raise QuestionError('give one question, or --batch FILE: reachbot ask "why can web-osaka-a not reach '
                            'bucket app-data"')
    loaded = choose_snapshot(args.snapshot)
    eng = Engine(loaded.snapshot, loaded.origin)
    if args.batch:
        return _batch(eng, args)
    wording = wording_of(args.lang, args.question)
    answer = eng.ask(args.question, runtime=args.runtime, action=args.action, fixes=not args.no_fixes,
                     resource=args.resource, wording=wording)
    if args.json:
        print_json(answer.to_json_dict())
    else:
        print(render(answer, wording=wording))
    return 0


def _batch(eng: Engine, args: argparse.Namespace) -> int:
    for number, line, problem in _lines(args.batch):
        wording = wording_of(args.lang, line)
        try:
            if problem:
                raise QuestionError(problem)
            answer = eng.ask(line, runtime=args.runtime, action=args.action, fixes=not args.no_fixes,
                             resource=args.resource, wording=wording)
        except QuestionError as exc:
            shown = mask_secrets(line)
            if args.json:
                print(json.dumps({"question": shown, "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                error = wording.fmt(wording.label("cli.batch-error"), {"number": number, "error": exc})
                print(f"? {shown}\nreachbot: {error}\n", flush=True)
            continue
        if args.json:
            print(json.dumps(answer.to_json_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"? {answer.question}\n{render(answer, compact=True, wording=wording)}\n", flush=True)
    return 0


def _lines(path: str) -> Iterator[tuple[int, str, str | None]]:
    """(line number, question, why the line cannot be a question or None) for each non-blank, non-# line.

    The file is read as bytes and each line decoded on its own, so one line that is not UTF-8 is that line's
    error (with the byte offset) and the run goes on.
    """
    try:
        fh = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise ReachbotError(f"cannot read batch file {path}: {exc.strerror}") from exc
    with fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line, problem = raw.decode("utf-8").strip(), None
            except UnicodeDecodeError as exc:
                line = raw.decode("utf-8", "backslashreplace").strip()
                problem = f"the line is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})."
            if line and not line.startswith("#"):
                yield number, line, problem
