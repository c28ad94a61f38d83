"""One set of codes, words for every code in every catalog, and no raw code where a sentence belongs."""

from __future__ import annotations

import re
import string

import pytest

from engine import Engine, load_bundled
from engine.codes import CLIENT_FAILURES, POLICY_REFUSALS, REFUSALS, Code, Kind, Layer, Reason, refusal_of_layer
from engine.proxy.model import REASONS as PROXY_REASONS
from engine.walk.record import Caveat, Finding
from engine.wording import CATALOGS, EN

# interfaces.md: blocked_by.code comes from one documented enum with at least these members.
DOCUMENTED_REFUSALS = {
    "NO_ROUTE", "NO_RETURN_ROUTE", "IGW_NO_PUBLIC_IP", "SG_EGRESS_DENY", "SG_INGRESS_DENY", "NACL_DENY",
    "DNS_NO_ANSWER", "PROXY_UNREACHABLE", "ENDPOINT_POLICY_DENY", "BUCKET_POLICY_DENY", "IDENTITY_POLICY_DENY",
}


def _fields(template: object) -> set[str]:
    if not isinstance(template, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_code_reason_and_hop_note_has_words_in_every_catalog(lang: str) -> None:
    catalog = CATALOGS[lang]
    assert set(catalog.codes) == set(Code)
    assert set(catalog.reasons) == set(Reason)
    assert set(catalog.hops) == set(EN.catalog.hops)


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_catalog_placeholders_match_english(lang: str) -> None:
    """A translated template uses exactly the facts the English one does (no fact silently dropped)."""
    catalog, english = CATALOGS[lang], EN.catalog
    for table, base in ((catalog.codes, english.codes), (catalog.reasons, english.reasons),
                        (catalog.hops, english.hops)):
        for key, template in table.items():
            if isinstance(template, str) and isinstance(base[key], str):  # type: ignore[index]
                assert _fields(template) == _fields(base[key]), key  # type: ignore[index]


def test_documented_refusals_are_refusal_codes() -> None:
    assert {str(c) for c in REFUSALS} >= DOCUMENTED_REFUSALS


def test_code_tables_are_derived_from_the_enum() -> None:
    """Kinds and layers live on the members; the sets scripts and renderers use are derived from them."""
    assert all(isinstance(c.kind, Kind) for c in Code)
    assert {Code.ENDPOINT_POLICY_DENY, Code.BUCKET_POLICY_DENY, Code.IDENTITY_POLICY_DENY,
            Code.PERMISSIONS_BOUNDARY_DENY, Code.SCP_DENY, Code.RCP_DENY, Code.SESSION_POLICY_DENY,
            Code.RESOURCE_POLICY_DENY} == POLICY_REFUSALS
    assert all(refusal_of_layer(layer).layer is layer for layer in Layer)
    # Two codes share the resource layer: S3's is the one the layer stands for.
    assert refusal_of_layer(Layer.BUCKET) is Code.BUCKET_POLICY_DENY
    assert refusal_of_layer(Layer.ENDPOINT) is Code.ENDPOINT_POLICY_DENY
    assert {Code.CGI_REFUSED, Code.PROXY_URL_UNSUPPORTED} == CLIENT_FAILURES
    assert all(c == c.name for c in Code)


def test_every_proxy_reason_is_a_code_with_a_sentence() -> None:
    """Proxy reasons used to reach users raw ("python connects directly: NO_PROXY_CONFIGURED")."""
    for reason in PROXY_REASONS:
        assert isinstance(reason, Code)
        text = EN.detail(Finding(Code.DIRECT_CONNECTION, "i-0abc", {"runtime": "python", "why": reason,
                                                                    "variable": "NO_PROXY", "entry": "*",
                                                                    "host": "h", "url_host": "h"}))
        assert str(reason) not in text and "?" not in text, text


@pytest.mark.parametrize("note", [Code.ACCOUNT_PRINCIPAL_DELEGATES, Code.NOTPRINCIPAL_ROLE_SESSION,
                                  Code.POLICY_VARIABLE_UNRESOLVED])
def test_policy_notes_are_sentences_not_codes(note: Code) -> None:
    """POLICY_NOTE carried the raw note code as its detail ("POLICY_NOTE: ACCOUNT_PRINCIPAL_DELEGATES")."""
    text = EN.detail(Finding(Code.POLICY_NOTE, "app-data", {"note": note}))
    assert str(note) not in text and len(text) > 30


def test_every_caveat_code_renders_with_missing_facts_as_a_question_mark() -> None:
    """A fact the walk forgot renders as "?", never as an exception in the middle of an incident."""
    for code in (c for c in Code if c.kind is Kind.CAVEAT):
        assert EN.caveat(Caveat(code, {}))


def test_no_answer_on_the_bundled_estate_shows_a_raw_code_in_its_sentences() -> None:
    """Across every source × bucket of the article estate, details, notes and caveats are words, not codes."""
    snap = load_bundled()
    eng = Engine(snap, "bundled")
    codes = {str(c) for c in Code}
    for inst in snap.instances:
        for bucket in snap.buckets:
            for runtime in ("python", "curl", "go", "java"):
                a = eng.ask(f"{inst.instance_id} -> {bucket.name}", runtime=runtime, fixes=False)
                texts = [h.note for h in a.hops] + [e.detail for e in a.explanations] + list(a.caveats)
                texts += [a.blocked_by.detail] if a.blocked_by else []
                for text in texts:
                    assert not any(code in text.split() for code in codes), text


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_string_template_names_plain_facts_only(lang: str) -> None:
    """The renderer splits templates into text and ``{fact}`` fields once; anything richer is a function."""
    from engine.wording.catalog import _pieces

    catalog = CATALOGS[lang]
    for table in (catalog.codes, catalog.reasons, catalog.hops):
        for key, template in table.items():
            if isinstance(template, str):
                assert _pieces(template) is not None, key


def _label_fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_catalog_has_every_label_with_the_same_fields(lang: str) -> None:
    """The labels renderers put around the sentences (terminal, Slack, handoff) exist in every language, and a
    translated label names exactly the fields the English one does."""
    labels, english = CATALOGS[lang].labels, EN.catalog.labels
    assert set(labels) == set(english)
    for key, text in labels.items():
        assert _label_fields(text) == _label_fields(english[key]), key


def test_japanese_answers_on_the_bundled_estate_are_japanese_sentences_with_codes_and_ids_as_they_are() -> None:
    """Every note, detail and caveat of a Japanese answer is written in Japanese, and keeps the resource ids of
    its English twin (codes, ids and commands are not translated)."""
    import re

    from engine.wording import JA

    snap = load_bundled()
    eng = Engine(snap, "bundled")
    kana = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for inst in snap.instances:
        for bucket in snap.buckets:
            q = f"{inst.instance_id} -> {bucket.name}"
            ja, en = eng.ask(q, fixes=False, wording=JA), eng.ask(q, fixes=False)
            assert (ja.verdict, [h.id for h in ja.hops]) == (en.verdict, [h.id for h in en.hops])
            texts = [h.note for h in ja.hops] + [e.detail for e in ja.explanations] + list(ja.caveats)
            texts += [ja.blocked_by.detail] if ja.blocked_by else []
            for text in texts:
                assert kana.search(text), text
            if en.blocked_by is not None:
                ids = set(re.findall(r"\b(?:vpce|rtb|pcx|igw|nat|subnet|vpc)-[0-9a-f]+\b", en.blocked_by.detail))
                assert ids <= set(re.findall(r"\b(?:vpce|rtb|pcx|igw|nat|subnet|vpc)-[0-9a-f]+\b",
                                             ja.blocked_by.detail))


def test_every_change_kind_has_its_owner_in_the_catalog_as_the_change_says_it() -> None:
    """A fix's owner is said in the asker's language: the English label is the change's own owner text."""
    from engine import patch

    kinds = {cls.kind: cls.owner for cls in vars(patch).values()
             if isinstance(cls, type) and issubclass(cls, patch.Change) and "kind" in vars(cls)}
    for kind, owner in kinds.items():
        assert EN.label(f"owner.{kind}") == owner, kind


def test_a_japanese_answers_fixes_are_said_in_japanese_with_commands_as_they_are() -> None:
    from engine.wording import JA

    eng = Engine(load_bundled(), "bundled")
    ja = eng.ask("web-osaka-a から app-data に届かない", wording=JA)
    en = eng.ask("web-osaka-a -> app-data")
    assert [(f.kind, f.command, f.change) for f in ja.fixes] == [(f.kind, f.command, f.change) for f in en.fixes]
    for fix in ja.fixes:
        assert re.search(r"[\u3040-\u30ff]", fix.summary) and re.search(r"[\u3040-\u30ff]", fix.owner), fix
    assert any("NO_PROXY" in f.summary and "設定します" in f.summary for f in ja.fixes)
