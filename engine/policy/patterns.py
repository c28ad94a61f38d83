"""Wildcards and policy variables, compiled once.

A policy string is parsed into a *template*: literal text in which ``*`` and ``?`` are wildcards, plus
``${key}`` / ``${key, 'default'}`` variables and the escapes ``${*}``, ``${?}``, ``${$}``
(IAM User Guide, "IAM policy elements: Variables and tags"). A template without variables is turned into
a regex at compile time; one with variables is resolved per request and its regex comes from a small cache,
so evaluation never compiles the same pattern twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A run of text and whether its * and ? are wildcards (False for substituted values and ${*}-style escapes).
Segment = tuple[str, bool]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # lowercased context key name
    default: str | None


Part = str | Variable | tuple[str]  # wildcard-active text | variable | literal escape (one-tuple)


def parse_template(text: str, *, variables: bool) -> tuple[Part, ...]:
    """Split ``text`` into parts. With ``variables=False`` (policy Version 2008-10-17 or absent, or an
    operator that takes no variables), ``${...}`` is plain text, as the IAM guide's Version page says."""
    if not variables or "${" not in text:
        return (text,)
    parts: list[Part] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(_parse_variable(m.group(1)))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def _parse_variable(body: str) -> Part:
    if body in _ESCAPES:
        return (_ESCAPES[body],)
    m = _DEFAULT.match(body)
    if m:
        # Default values are quoted with single quotes; '' inside stands for one quote.
        return Variable(m.group(1).lower(), m.group(2).replace("''", "'"))
    return Variable(body.strip().lower(), None)


def has_variables(parts: tuple[Part, ...]) -> bool:
    return any(isinstance(p, Variable) for p in parts)


def static_segments(parts: tuple[Part, ...]) -> tuple[Segment, ...]:
    """Segments of a template known to have no variables."""
    return tuple(
        (p, True) if isinstance(p, str) else (p[0], False) for p in parts if not isinstance(p, Variable)
    )


def resolve(parts: tuple[Part, ...], keys: Mapping[str, Any]) -> tuple[Segment, ...] | None:
    """Substitute variables from the request's keys; None when one cannot be resolved. A multivalued key
    cannot be a variable (IAM guide, "Single-valued vs. multivalued context keys")."""
    out: list[Segment] = []
    for p in parts:
        if isinstance(p, str):
            out.append((p, True))
        elif isinstance(p, tuple):
            out.append((p[0], False))
        else:
            value = keys.get(p.key)
            if value is None or isinstance(value, list | tuple) or not isinstance(value, str | int | float):
                if p.default is None:
                    return None
                value = p.default
            out.append((scalar_text(value), False))
    return tuple(out)


def scalar_text(value: Any) -> str:
    """A request value as the string IAM compares: booleans are ``true`` / ``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def joined(segments: tuple[Segment, ...]) -> str:
    return "".join(text for text, _ in segments)


def _glob_body(segments: tuple[Segment, ...], star: str, one: str) -> str:
    out: list[str] = []
    for text, active in segments:
        if not active:
            out.append(re.escape(text))
            continue
        for ch in text:
            out.append(star if ch == "*" else one if ch == "?" else re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=4096)
def glob_regex(segments: tuple[Segment, ...], ignore_case: bool = False) -> re.Pattern[str]:
    """``*`` matches any run of characters (``/`` and ``:`` included), ``?`` exactly one."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_glob_body(segments, ".*", "."), flags)


@lru_cache(maxsize=4096)
def arn_regex(segments: tuple[Segment, ...]) -> re.Pattern[str] | None:
    """ArnLike: each of the six colon-separated ARN parts is matched on its own, so a wildcard in the first
    five cannot run over a colon (IAM User Guide, "Condition operators", ARN condition operators).
    None when the value is not a six-part ARN (it can then match nothing)."""
    text = joined(segments)
    if text == "*":
        return re.compile(".*", re.DOTALL)
    if text.count(":") < 5:
        return None
    pieces = _split_segments(segments, 5)
    body = ":".join(
        _glob_body(p, "[^:]*" if i < 5 else ".*", "[^:]" if i < 5 else ".") for i, p in enumerate(pieces)
    )
    return re.compile(body, re.DOTALL)


def _split_segments(segments: tuple[Segment, ...], maxsplit: int) -> list[tuple[Segment, ...]]:
    pieces: list[list[Segment]] = [[]]
    for text, active in segments:
        chunks = text.split(":", maxsplit - (len(pieces) - 1)) if len(pieces) <= maxsplit else [text]
        for i, chunk in enumerate(chunks):
            if i:
                pieces.append([])
            pieces[-1].append((chunk, active))
    return [tuple(p) for p in pieces]
