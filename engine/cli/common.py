"""What the subcommands share: the exit statuses, JSON on stdout, the ``--snapshot`` and ``--at`` flags."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from engine.question_ja import language_of
from engine.wording import LANGUAGES, Wording, wording_for

if TYPE_CHECKING:
    from engine.snapshot import LoadedSnapshot

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def add_snapshot_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--snapshot", metavar="PATH", help="snapshot file or s3://bucket/key (default: "
                   "$REACHBOT_SNAPSHOT, the collected file, else the bundled article estate; 'bundled' names it)")
    p.add_argument("--at", metavar="TIME", help="the newest snapshot kept at or before TIME, from the history of "
                   "--snapshot (or of the default): 2026-11-27T09:00 (UTC), yesterday, 2h, 3d "
                   "(default: the current one)")


def load_snapshot(args: argparse.Namespace) -> LoadedSnapshot:
    """The snapshot ``--snapshot`` and ``--at`` name (engine.history for the second)."""
    from engine.snapshot import choose_snapshot

    if not getattr(args, "at", None):
        return choose_snapshot(args.snapshot)
    from engine.history import base_location, load_at, parse_time

    return load_at(base_location(args.snapshot), parse_time(args.at))


def snapshot_location(args: argparse.Namespace) -> str | None:
    """Where ``--snapshot`` and ``--at`` point, for a command that loads (and reloads) the snapshot itself."""
    if not getattr(args, "at", None):
        return args.snapshot  # type: ignore[no-any-return]
    from engine.errors import SnapshotError
    from engine.history import base_location, entries_for, parse_time, pick

    base = base_location(args.snapshot)
    entry = pick(entries_for(base), parse_time(args.at), base)
    if entry.version is not None:
        raise SnapshotError(f"--at {args.at} picks {entry.describe()}, an S3 object version, which a server cannot "
                            "follow; copy it to a file (aws s3api get-object --version-id …) and pass --snapshot FILE.")
    return entry.location


def add_lang_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGUAGES, help="language of the answer (default: the question's: Japanese for a"
                   " question written with kana or kanji, else English); codes, ids, JSON keys stay as they are")


def wording_of(lang: str | None, question: str) -> Wording:
    """``--lang`` when given, else the language the question is written in."""
    return wording_for(lang or language_of(question))
