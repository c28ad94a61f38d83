"""The machinery of wording: a catalog of templates per language, and the renderer over typed records."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.codes import Code, Reason
from engine.dns import Address
from engine.evidence import admitted_by
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

    def hop_note(self, hop: HopRecord, admitted: list[str] | None = None) -> str:
        """The hop's note, then the rules that admitted it (``admitted``: their words, when already made)."""
        note = self.render(self.catalog.hops[hop.note], hop.facts)
        if not hop.admitted:
            return note
        texts = admitted if admitted is not None else [self.admission(d) for d in admitted_by(hop.admitted)]
        rules = "; ".join(texts)
        return _plain(self.catalog.hops["admitted-by"], _Facts(note=note, rules=rules))

    def admission(self, rule: Mapping[str, Any]) -> str:
        """One admitting rule (an ``engine.evidence`` dict) in words: its template is chosen by kind and direction,
        and the rule's protocol and ports read as one phrase. Every value is a plain id, number or CIDR, so the
        template is applied by ``str.format_map`` (this runs for most hops of every answer)."""
        hops = self.catalog.hops
        if rule["kind"] == "route":
            return _plain(hops["admitted-route"], _Facts(rule, how=self.label(f"route-{rule['how']}")))
        peers = ", ".join(rule["cidrs"] + rule["groups"] + rule["prefix_lists"]) if "cidrs" in rule else ""
        text = _plain(hops[f"admitted-{rule['kind']}-{rule['direction']}"],
                      _Facts(rule, rule=self._ports(rule), peers=peers))
        return _plain(hops["admitted-reply"], _Facts(text=text)) if rule.get("packet") == "reply" else text

    def _ports(self, rule: Mapping[str, Any]) -> str:
        protocol, lo, hi = rule["protocol"], rule["from_port"], rule["to_port"]
        if protocol == "all":
            return self.label("all-traffic")
        if lo is None or lo == -1:
            return str(protocol)
        return f"{protocol} {lo}" if lo == hi else f"{protocol} {lo}-{hi}"

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


class _Facts(dict[str, Any]):
    """Facts for :func:`_plain`: a missing one renders as "?", as :meth:`Wording.fmt` does."""

    def __missing__(self, key: str) -> str:
        return "?"


def _plain(template: Template, facts: _Facts) -> str:
    """A plain-string template over facts that are already text, ids or numbers (the admitted-by templates;
    a test keeps them plain strings in every catalog)."""
    assert isinstance(template, str), template
    return template.format_map(facts)


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
