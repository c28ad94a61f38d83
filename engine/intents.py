"""Connectivity intents: flows that must (or must not) work, checked against a snapshot (``reachbot check``).

An intent is ``{name, source, destination, expect: reachable | blocked, code?, runtime?, action?}``. The source
is an instance id, a ``Name`` tag or private IP (as in a question), a tag selector ``tag:Key=Value`` or a subnet
id; a selector or a subnet stands for every instance it matches, and each of them gives one result. ``code``
(only with ``expect: blocked``) is the refusal that must block it: the answer's ``blocked_by.code``, the first
thing on the route that refuses.

An intent holds when the verdict is the expected one (and, given a code, so is the refusal). ``unknown`` holds
nothing: the snapshot cannot tell, and CI must not read that as a pass unless told to (``unknown_ok``).

Reading the file (YAML or JSON) is the CLI's job; this module gets each entry as plain data with the line it
stood on, so every message can say where the problem is.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine import model as m
from engine.answer import Answer
from engine.codes import REFUSALS
from engine.engine import Engine
from engine.errors import QuestionError, ReachbotError
from engine.proxy import normalize_runtime
from engine.question import find_instance
from engine.topology import Topology

FIELDS = ("name", "source", "destination", "expect", "code", "runtime", "action")
REQUIRED = ("name", "source", "destination", "expect")
EXPECTATIONS = ("reachable", "blocked")
TAG_PREFIX = "tag:"
Status = Literal["holds", "violated", "unknown"]


class IntentError(ReachbotError):
    """The intents file is not a list of valid intents (exit status 2, as any bad input)."""


@dataclass(frozen=True)
class Entry:
    """One intent as read from the file: its data, the line it starts on and the line of each field."""

    data: Any
    line: int | None = None
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def where(self, key: str | None = None) -> str:
        line = self.field_lines.get(key, self.line) if key else self.line
        return f"line {line}" if line is not None else "an entry"


@dataclass(frozen=True)
class Intent:
    name: str
    source: str
    destination: str
    expect: str
    code: str | None = None
    runtime: str | None = None
    action: str | None = None
    line: int | None = None
    origin: str = ""  # the file it was read from

    @property
    def at(self) -> str:
        return f"{self.origin}, line {self.line}: intent {self.name!r}"


@dataclass(frozen=True)
class Result:
    """One intent for one source instance: the question asked, its answer and whether the intent holds."""

    intent: Intent
    instance: m.Instance
    question: str
    answer: Answer

    @property
    def got(self) -> str:
        """The verdict, with the refusal when blocked: what to compare with ``expect`` and ``code``."""
        b = self.answer.blocked_by
        return f"blocked {b.code}" if b is not None and self.answer.verdict == "blocked" else self.answer.verdict

    @property
    def status(self) -> Status:
        verdict = self.answer.verdict
        if verdict == "unknown":
            return "unknown"
        if verdict != self.intent.expect:
            return "violated"
        b = self.answer.blocked_by
        if self.intent.code and (b is None or b.code != self.intent.code):
            return "violated"
        return "holds"


def parse_intents(entries: Sequence[Entry], origin: str) -> list[Intent]:
    """Each entry checked field by field; the first problem raises IntentError naming its line and field."""
    if not entries:
        raise IntentError(f"{origin} holds no intents; write a list of "
                          "{name, source, destination, expect: reachable|blocked}.")
    intents = [_intent(e, origin) for e in entries]
    seen: dict[str, Intent] = {}
    for intent in intents:
        if intent.name in seen:
            raise IntentError(f"{origin}, line {intent.line}: the name {intent.name!r} is already used at line "
                              f"{seen[intent.name].line}; each intent needs its own name (CI reports show it).")
        seen[intent.name] = intent
    return intents


def _intent(entry: Entry, origin: str) -> Intent:
    at = f"{origin}, {entry.where()}"
    if not isinstance(entry.data, Mapping):
        raise IntentError(f"{at}: an intent is a mapping {{name, source, destination, expect}}, "
                          f"not {type(entry.data).__name__}.")
    for key in entry.data:
        if key not in FIELDS:
            close = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise IntentError(f"{origin}, {entry.where(str(key))}: unknown field {key!r}; an intent has "
                              f"{', '.join(FIELDS)}.{hint}")
    values = {key: _text(entry, key, origin) for key in FIELDS}
    for key in REQUIRED:
        if values[key] is None:
            raise IntentError(f"{at}: the intent has no {key!r}; it needs {', '.join(REQUIRED)}.")
    return Intent(
        name=str(values["name"]), source=str(values["source"]), destination=str(values["destination"]),
        expect=_expect(entry, values["expect"], origin), code=_code(entry, values, origin),
        runtime=_runtime(entry, values["runtime"], origin), action=values["action"], line=entry.line,
        origin=origin,
    )


def _text(entry: Entry, key: str, origin: str) -> str | None:
    value = entry.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise IntentError(f"{origin}, {entry.where(key)}: {key!r} must be a non-empty string, got {value!r}.")
    return value.strip()


def _expect(entry: Entry, value: str | None, origin: str) -> str:
    if value not in EXPECTATIONS:
        raise IntentError(f"{origin}, {entry.where('expect')}: expect is {value!r}; use reachable or blocked "
                          "(a refusal code goes in 'code').")
    return value


def _code(entry: Entry, values: Mapping[str, str | None], origin: str) -> str | None:
    code = values["code"]
    if code is None:
        return None
    if values["expect"] != "blocked":
        raise IntentError(f"{origin}, {entry.where('code')}: 'code' names the refusal that blocks, so it goes "
                          "with expect: blocked.")
    if code not in REFUSALS:
        close = difflib.get_close_matches(code.upper(), sorted(REFUSALS), n=3)
        hint = f" Closest: {', '.join(close)}." if close else " The refusal codes are in engine/codes.py."
        raise IntentError(f"{origin}, {entry.where('code')}: {code!r} is not a refusal code.{hint}")
    return code


def _runtime(entry: Entry, value: str | None, origin: str) -> str | None:
    if value is None:
        return None
    try:
        return normalize_runtime(value)
    except QuestionError as exc:
        raise IntentError(f"{origin}, {entry.where('runtime')}: {exc}") from None


def sources(topo: Topology, intent: Intent) -> list[m.Instance]:
    """The instances an intent's source stands for, in snapshot order; none is a bad intent (exit 2)."""
    token = intent.source
    if token.startswith(TAG_PREFIX):
        key, eq, value = token[len(TAG_PREFIX):].partition("=")
        if not eq or not key:
            raise IntentError(f"{intent.at}: source {token!r} is not a tag "
                              "selector; write tag:Key=Value (e.g. tag:Role=web).")
        found = [i for i in topo.snap.instances if any(t.key == key and t.value == value for t in i.tags)]
        what = f"no instance has the tag {key}={value}"
    elif token in topo.subnets:
        found = [i for i in topo.snap.instances if i.subnet_id == token]
        what = f"subnet {token} holds no instance"
    else:
        try:
            return [find_instance(topo, token)]
        except QuestionError as exc:
            raise IntentError(f"{intent.at}: {exc}") from None
    if not found:
        # An empty selector would make the intent pass without checking anything: refuse it instead.
        raise IntentError(f"{intent.at}: {what} in the snapshot, so the intent "
                          "would check nothing.")
    return found


def check(eng: Engine, intents: Sequence[Intent]) -> list[Result]:
    """Every intent for every instance its source stands for, in file order. Every source is resolved before
    any question is asked, so a bad source costs no answers; a destination the snapshot does not know (or a
    bad action) is a bad intent too, raised as IntentError when its question is parsed."""
    expanded = [(intent, inst) for intent in intents for inst in sources(eng.topology, intent)]
    return [_result(eng, intent, inst) for intent, inst in expanded]


def _result(eng: Engine, intent: Intent, inst: m.Instance) -> Result:
    question = f"{inst.instance_id} -> {intent.destination}"
    try:
        answer = eng.ask(question, runtime=intent.runtime, action=intent.action, fixes=False)
    except QuestionError as exc:
        raise IntentError(f"{intent.at}: {exc}") from None
    return Result(intent, inst, question, answer)
