"""The machinery of wording: a catalog of templates per language, and the renderer over typed records."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.codes import Code, Reason
from engine.dns import Address
from engine.walk.record import Caveat, Finding, HopRecord

Template = str | Callable[["Wording", Mapping[str, Any]], str]
# A sentence kept as a label key and its facts (e.g. a fix's summary), to be said in any catalog's language.
Said = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Catalog:
    lang: str
    hops: Mapping[str, Template]  # hop note key → template
    codes: Mapping[Code, Template]
    reasons: Mapping[Reason, Template]
    labels: Mapping[str, str]  # small vocabulary: "none", DNS answerers, resource kinds, …
    address: Callable[[Address], str]


class Wording:
    """Renders records in one catalog's language."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @property
    def lang(self) -> str:
        return self.catalog.lang

    def hop_note(self, hop: HopRecord) -> str:
        return self.render(self.catalog.hops[hop.note], hop.facts)

    def detail(self, finding: Finding) -> str:
        return self.render(self.catalog.codes[finding.code], finding.facts)

    def caveat(self, caveat: Caveat) -> str:
        return self.render(self.catalog.codes[caveat.code], caveat.facts)

    def label(self, key: str) -> str:
        return self.catalog.labels.get(key, key)

    def age(self, age: str) -> str:
        """A snapshot's age (``engine.snapshot.snapshot_age``: ``27d``, ``5h``) in this language's units."""
        number, unit = age[:-1], age[-1:]
        key = f"age.{unit}"
        if not number.isdigit() or key not in self.catalog.labels:
            return age
        return self.fmt(self.catalog.labels[key], {"n": number})

    def say(self, said: Said) -> str:
        """A :data:`Said` sentence in this catalog's language."""
        key, facts = said
        return self.fmt(self.label(key), dict(facts))

    def render(self, template: Template, facts: Mapping[str, Any]) -> str:
        if callable(template):
            return template(self, facts)
        return self.fmt(template, facts)

    def fmt(self, template: str, facts: Mapping[str, Any]) -> str:
        """``template`` over ``facts``, rendering values as :meth:`value` does (for callable templates)."""
        out: list[str] = []
        for literal, name, repr_it in _pieces(template):
            out.append(literal)
            if name:
                value = facts.get(name, _ABSENT)
                text = "?" if value is _ABSENT else self.value(value, facts)
                out.append(repr(text) if repr_it else text)
        return "".join(out)

    def value(self, value: Any, facts: Mapping[str, Any]) -> str:
        if type(value) is str:  # most facts are ids and names: the hot path of every answer's rendering
            return value
        if isinstance(value, Code):
            return self.render(self.catalog.codes[value], facts)
        if isinstance(value, Reason):
            return self.render(self.catalog.reasons[value], facts)
        if isinstance(value, Address):
            return self.catalog.address(value)
        if value is None:
            return self.label("none")
        if isinstance(value, list | tuple | set | frozenset):
            return ", ".join(str(v) for v in value)
        return str(value)


_ABSENT = object()


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str, bool], ...]:
    """A template split once into (literal text, field name, !r) pieces. Templates name facts and nothing more
    (no attribute access, indexing or format spec): a catalog that needs more renders with a function."""
    pieces = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if spec or conversion not in (None, "r") or (name and not name.isidentifier()):
            raise ValueError(f"template {template[:60]!r}: use plain {{fact}} or {{fact!r}} fields only")
        pieces.append((literal, name or "", conversion == "r"))
    return tuple(pieces)
