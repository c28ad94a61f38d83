"""Words for typed evidence: the one place where reachbot's prose lives.

The walk records codes, reasons and facts (``engine.walk.record``); a :class:`Wording` turns them into the
``note``, ``detail`` and caveat strings of the JSON answer, which the terminal renderer and the Slack bot quote
as they are. Each language is one catalog (``en.py``); a test keeps every catalog complete (every code, every
reason, every hop note) and its placeholders the same as English's.

A template is a string naming facts as ``{fact}`` (or ``{fact!r}``), or a function ``(wording, facts) -> str`` where
the sentence depends on the evidence (which layer, which kind of resource). Fact values render by type: a
:class:`~engine.codes.Code` or :class:`~engine.codes.Reason` through its own template (with the same facts), an
:class:`~engine.dns.Address` as the catalog labels it, ``None`` as the catalog's word for none, a list joined.
A missing fact renders as "?", never as an exception in the middle of an incident.
"""

from __future__ import annotations

from engine.wording.catalog import Catalog, Template, Wording
from engine.wording.en import CATALOG as ENGLISH

EN = Wording(ENGLISH)
CATALOGS: dict[str, Catalog] = {EN.lang: EN.catalog}


def wording_for(lang: str | None) -> Wording:
    """The wording of a language code; English for anything without a catalog."""
    catalog = CATALOGS.get((lang or "en").lower())
    return Wording(catalog) if catalog is not None else EN


__all__ = ["CATALOGS", "EN", "Catalog", "Template", "Wording", "wording_for"]
