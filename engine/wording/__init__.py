"""Words for typed evidence: the one place where reachbot's prose lives.

The walk records codes, reasons and facts (``engine.walk.record``); a :class:`Wording` turns them into the
``note``, ``detail`` and caveat strings of the JSON answer, which the terminal renderer and the Slack bot quote
as they are, and labels those renderers put around them (``en_screen.py``). Each language is one catalog
(``en.py``, ``ja.py``); a test keeps every catalog complete (every code, every
reason, every hop note) and its placeholders the same as English's.

A template is a string naming facts as ``{fact}`` (or ``{fact!r}``), or a function ``(wording, facts) -> str`` where
the sentence depends on the evidence (which layer, which kind of resource). Fact values render by type: a
:class:`~engine.codes.Code` or :class:`~engine.codes.Reason` through its own template (with the same facts), an
:class:`~engine.dns.Address` as the catalog labels it, ``None`` as the catalog's word for none, a list joined.
A missing fact renders as "?", never as an exception in the middle of an incident.
"""

from __future__ import annotations

from typing import Any

from engine.wording.catalog import Catalog, Said, Template, Wording
from engine.wording.en import CATALOG as ENGLISH
from engine.wording.ja import CATALOG as JAPANESE

EN = Wording(ENGLISH)
JA = Wording(JAPANESE)
CATALOGS: dict[str, Catalog] = {EN.lang: EN.catalog, JA.lang: JA.catalog}
LANGUAGES = tuple(CATALOGS)  # what --lang and a channel's setting may name


def fix_summary(key: str, **facts: object) -> dict[str, Any]:
    """``summary=`` (English) and ``said=`` (the label and its facts, for other languages) of a fix's change."""
    said: Said = (key, tuple((name, str(value)) for name, value in facts.items()))
    return {"summary": EN.say(said), "said": said}


def wording_for(lang: str | None) -> Wording:
    """The wording of a language code or locale (``ja``, ``ja-JP``, ``en-US``); English for anything without a
    catalog."""
    catalog = CATALOGS.get((lang or "en").lower().replace("_", "-").split("-")[0])
    return Wording(catalog) if catalog is not None else EN


__all__ = ["CATALOGS", "EN", "JA", "LANGUAGES", "Catalog", "Said", "Template", "Wording", "fix_summary", "wording_for"]
