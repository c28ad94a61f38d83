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

    def render(self, template: Template, facts: Mapping[str, Any]) -> str:
        if callable(template):
            return template(self, facts)
        return self.fmt(template, facts)

    def fmt(self, template: str, facts: Mapping[str, Any]) -> str:
        """``template`` over ``facts``, rendering values as :meth:`value` does (for callable templates)."""
        pieces = _pieces(template)
        if pieces is None:  # attribute access, indexing or a format spec: str.format's own machinery
            return template.format_map(_Facts(self, facts))
        out: list[str] = []
        for literal, name, repr_it in pieces:
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


class _Facts(dict[str, Any]):
    def __init__(self, wording: Wording, facts: Mapping[str, Any]) -> None:
        super().__init__()
        self._wording, self._facts = wording, facts

    def __missing__(self, key: str) -> str:
        value = self._facts.get(key, _ABSENT)
        if value is _ABSENT:
            return "?"
        return self._wording.value(value, self._facts)


_ABSENT = object()


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str, bool], ...] | None:
    """A template split once into (literal text, field name, !r) pieces, or None when it uses more of the
    format mini-language than plain fields: rendering every hop of every answer through ``format_map`` and a
    ``__missing__`` per field was the largest part of an answer's rendering."""
    pieces = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if spec or conversion not in (None, "r") or (name and not name.isidentifier()):
            return None
        pieces.append((literal, name or "", conversion == "r"))
    return tuple(pieces)
