"""Validating a large snapshot a few thousand resources at a time (issue #14).

pydantic's ``model_validate_json`` first parses the whole document into its own tree, then builds the model
objects while that tree is alive: for the 140 MB xl estate the tree was about 400 MB at the peak, more than the
objects it becomes. Above ``engine.snapshot.LEAN_FROM_CHARS`` a snapshot is therefore read with the standard
library's JSON decoder one list element at a time, and each list field is validated in chunks of ``CHUNK``
elements by the same models (pydantic's Python mode, the same rules as its JSON mode for every type the
snapshot uses): at most one chunk of plain dicts exists besides the objects already made. Smaller files keep
the one-pass JSON path, which is faster when memory is not the limit.

Errors carry the same JSON path (``Instances[78739].PrivateIpAddress``) as the one-pass path.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from engine.model import Snapshot

CHUNK = 2000
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_SPACES = frozenset(" \t\n\r")


class ChunkInvalid(Exception):
    """A chunk failed validation: its first error with the full JSON path, and how many errors it had."""

    def __init__(self, first: ErrorDetails, count: int) -> None:
        super().__init__(first["msg"])
        self.first, self.count = first, count


def validate_in_chunks(text: str) -> Snapshot:
    """The snapshot in ``text`` (one JSON object). Raises json.JSONDecodeError, RecursionError (nesting too
    deep for the decoder), ChunkInvalid, or pydantic's ValidationError for the fields outside lists."""
    pos = _skip(text, 0)
    if text[pos:pos + 1] != "{":
        raise json.JSONDecodeError("Expecting '{'", text, pos)
    fields: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {}  # validated here, by field name
    pos = _skip(text, pos + 1)
    if text[pos:pos + 1] == "}":
        return Snapshot.model_validate(fields)
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        if not isinstance(key, str):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
        pos = _skip(text, _expect(text, _skip(text, pos), ":"))
        field = _list_field(key)
        if field is not None and text[pos:pos + 1] == "[":
            lists[field[0]], pos = _validate_list(text, pos, key, field[1])
        else:
            fields[key], pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos = _skip(text, pos + 1)
            continue
        pos = _expect(text, pos, "}")
        break
    if _skip(text, pos) != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)
    # The lists are put in without a second pass: validating them again as Snapshot fields would run every
    # element's "after" validators once more.
    return Snapshot.model_validate(fields).model_copy(update=lists)


def _validate_list(text: str, pos: int, key: str, adapter: TypeAdapter[Any]) -> tuple[list[Any], int]:
    """The list starting at ``pos`` (its ``[``), validated CHUNK elements at a time; and the position after it."""
    out: list[Any] = []
    batch: list[Any] = []
    pos = _skip(text, pos + 1)
    if text[pos:pos + 1] == "]":
        return out, pos + 1
    while True:
        item, pos = _DECODER.raw_decode(text, pos)
        batch.append(item)
        if len(batch) == CHUNK:
            out += _validate_chunk(adapter, batch, key, len(out))
            batch = []
        if text[pos:pos + 1] in _SPACES:  # a written snapshot has none: skip the regex then
            pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos += 1
            if text[pos:pos + 1] in _SPACES:
                pos = _skip(text, pos)
            continue
        pos = _expect(text, pos, "]")
        break
    out += _validate_chunk(adapter, batch, key, len(out))
    return out, pos


def _validate_chunk(adapter: TypeAdapter[Any], batch: list[Any], key: str, offset: int) -> list[Any]:
    try:
        return adapter.validate_python(batch)  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        index, *rest = first["loc"]
        first["loc"] = (key, offset + int(index), *rest)
        raise ChunkInvalid(first, exc.error_count()) from None


@cache
def _list_field(key: str) -> tuple[str, TypeAdapter[Any]] | None:
    """The list field called ``key`` in JSON (or by its Python name) and a validator for it; None for others."""
    for name, info in Snapshot.model_fields.items():
        annotation = info.annotation
        if key in (name, info.alias) and annotation is not None and getattr(annotation, "__origin__", None) is list:
            return name, TypeAdapter(annotation)
    return None


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # "*" always matches


def _expect(text: str, pos: int, char: str) -> int:
    if text[pos:pos + 1] != char:
        raise json.JSONDecodeError(f"Expecting {char!r}", text, pos)
    return pos + 1
