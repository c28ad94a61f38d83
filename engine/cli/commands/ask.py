"""``reachbot ask``: one question, or ``--batch FILE`` of them, against the chosen snapshot."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from engine.answer import Answer
from engine.cli.answers import EXIT_BY_VERDICT, Answered, json_item, text_item, worst_exit
from engine.cli.common import add_lang_flag, add_snapshot_flag, load_snapshot, print_json, wording_of
from engine.cli.render import render
from engine.engine import Engine
from engine.errors import QuestionError, ReachbotError
from engine.names import mask_secrets
from engine.wording import Wording

HELP = "answer a question about the snapshot"
FORMATS = ("text", "json", "mermaid", "dot", "png")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="?", help='e.g. "why can web-osaka-a not reach bucket app-data"')
    p.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin)")
    add_snapshot_flag(p)
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="text (default), json, or the route drawn as mermaid, dot (Graphviz) or png (needs --out)")
    p.add_argument("--out", metavar="FILE", help="write the answer (or picture) to FILE instead of stdout")
    p.add_argument("--json", action="store_true", help="print the JSON answer (same as --format json)")
    p.add_argument("--runtime", help="client runtime: python (AWS CLI, default), curl, requests, go, java, node")
    p.add_argument("--action", help="action to judge (default s3:GetObject; e.g. kms:Decrypt for a KMS host)")
    p.add_argument("--resource", metavar="ARN", help="the KMS key (or alias) or Secrets Manager secret the request"
                   " is for, so its resource policy is evaluated (must match the destination's service and Region)")
    p.add_argument("--no-fixes", action="store_true", help="skip the search for proven fixes")
    p.add_argument("--exit-code", action="store_true", help="exit 0 if reachable, 1 if blocked, 3 if unknown "
                   "(2 stays bad input); with --batch the worst line's, a line that cannot be asked counting as 2")
    add_lang_flag(p)


def run(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.batch):
        raise QuestionError('give one question, or --batch FILE: reachbot ask "why can web-osaka-a not reach '
                            'bucket app-data"')
    fmt = _format(args)
    loaded = load_snapshot(args)
    eng = Engine(loaded.snapshot, loaded.origin)
    if args.batch:
        return _batch(eng, args)
    wording = wording_of(args.lang, args.question)
    answer = eng.ask(args.question, runtime=args.runtime, action=args.action, fixes=not args.no_fixes,
                     resource=args.resource, wording=wording)
    if fmt == "json" and not args.out:
        print_json(answer.to_json_dict())
    elif fmt == "text" and not args.out:
        print(render(answer, wording=wording))
    else:
        _write(args.out, _output(answer, fmt, wording))
    return EXIT_BY_VERDICT[answer.verdict] if args.exit_code else 0


def _format(args: argparse.Namespace) -> str:
    """The output format, checked before any work: ``--json`` is ``--format json``; a picture is of one answer;
    a PNG is binary and goes to a file."""
    if args.json and args.format not in (None, "json"):
        raise QuestionError(f"--json and --format {args.format} disagree: give one of them")
    fmt: str = "json" if args.json else args.format or "text"
    if args.batch and fmt not in ("text", "json"):
        raise QuestionError(f"--format {fmt} draws one answer: ask one question, without --batch")
    if args.batch and args.out:
        raise QuestionError("--out writes one answer: ask one question, without --batch")
    if fmt == "png" and not args.out:
        raise QuestionError('--format png writes an image: give the file with --out, e.g. --format png --out '
                            'route.png')
    return fmt


def _output(answer: Answer, fmt: str, wording: Wording) -> str | bytes:
    if fmt == "text":
        return render(answer, wording=wording) + "\n"
    if fmt == "json":
        return json.dumps(answer.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
    from engine.picture import draw  # drawing loads only when asked for (Pillow for a PNG)

    return draw(answer, fmt)


def _write(path: str | None, data: str | bytes) -> None:
    if path is None:
        assert isinstance(data, str)
        sys.stdout.write(data)
        return
    try:
        with open(path, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise ReachbotError(f"cannot write {path}: {exc.strerror}; give a writable file with --out") from exc


def _batch(eng: Engine, args: argparse.Namespace) -> int:
    """Each line printed as soon as it is answered (a long batch shows progress), in the shape of answers.py."""
    items: list[Answered] = []
    for number, line, problem in _lines(args.batch):
        wording = wording_of(args.lang, line)
        try:
            if problem:
                raise QuestionError(problem)
            answer = eng.ask(line, runtime=args.runtime, action=args.action, fixes=not args.no_fixes,
                             resource=args.resource, wording=wording)
            item = Answered(answer.question, answer, context={"line": number})
        except QuestionError as exc:
            item = Answered(mask_secrets(line), error=str(exc), context={"line": number})
        items.append(item)
        if args.json or args.format == "json":  # interfaces.md: one JSON answer per line; a bad line is the
            shown = item.answer.to_json_dict() if item.answer else json_item(item)  # error item of answers.py
            print(json.dumps(shown, ensure_ascii=False), flush=True)
        else:
            print(text_item(item, wording=wording), flush=True)
    return worst_exit(items) if args.exit_code else 0


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
