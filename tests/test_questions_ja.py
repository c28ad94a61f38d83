"""Japanese questions (issue #15): the forms people type read as their English twins, roles from particles,
width folded where it cannot change a name, and bad input refused in Japanese with the closest reading.

The fold is checked against ``unicodedata.normalize("NFKC")`` (Unicode Standard Annex #15): for the full-width
ASCII forms U+FF01-FF5E and U+3000 it is exactly NFKC.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine, QuestionError
from engine.question_ja import fold_width, is_japanese, language_of

TWINS = [
    ("web-osaka-a から app-data に届かない", "why can web-osaka-a not reach bucket app-data"),
    ("web-osaka-a から app-data バケットに届かないのはなぜ", "why can web-osaka-a not reach bucket app-data"),
    ("なぜ web-osaka-a は s3://app-data に接続できない？", "why can web-osaka-a not reach s3://app-data"),
    ("web-tokyo-a は app-data-tokyo に接続できない", "web-tokyo-a -> app-data-tokyo"),
    ("batch-tokyo-b から ssm.ap-northeast-1.amazonaws.com へアクセスできない",
     "why can batch-tokyo-b not reach ssm.ap-northeast-1.amazonaws.com"),
    ("web-tokyo-a → squid-proxy-osaka ポート 3128", "web-tokyo-a -> squid-proxy-osaka port 3128"),
    ("batch-osaka-b で app-data-tokyo に行けない", "batch-osaka-b -> app-data-tokyo"),
    ("web-osaka-aからapp-dataに届かないのはなぜですか。", "web-osaka-a -> app-data"),
    ("「web-osaka-a」から「app-data」に届かない！", "web-osaka-a -> app-data"),
    ("（なぜ）web-osaka-a　から　バケット app-data に届かない", "web-osaka-a -> app-data"),
    ("ｗｅｂ－ｏｓａｋａ－ａ から ａｐｐ－ｄａｔａ に届かない", "web-osaka-a -> app-data"),
    ("バケット app-data に web-osaka-a から届かない", "web-osaka-a -> app-data"),
    ("web-tokyo-a から ホスト ssm.ap-northeast-1.amazonaws.com に接続できない、なぜでしょうか？",
     "web-tokyo-a -> ssm.ap-northeast-1.amazonaws.com"),
    ("web-tokyo-a から squid-proxy-osaka の 22番ポート に接続できない", "web-tokyo-a -> squid-proxy-osaka port 22"),
    ("web-tokyo-a から squid-proxy-osaka にポート２２で接続できない", "web-tokyo-a -> squid-proxy-osaka port 22"),
    ("web-osaka-a から app-data に書き込めない", "web-osaka-a -> app-data (s3:PutObject)"),
    ("web-osaka-a から app-data に届かない (s3:ListBucket) as curl", "web-osaka-a -> app-data (s3:ListBucket) as curl"),
    ("ﾊﾞｹｯﾄ app-data に web-tokyo-a から届かない", "web-tokyo-a -> app-data"),
    ("web-osaka-a から curl で app-data に届かない", "web-osaka-a -> app-data as curl"),
    ("web-tokyo-a から app-data への接続ができないのですが", "web-tokyo-a -> app-data"),
    ("web-tokyo-a から squid-proxy-osaka のポート22番に接続できない", "web-tokyo-a -> squid-proxy-osaka port 22"),
    ("送信元 web-osaka-a、宛先：app-data で届かない", "web-osaka-a -> app-data"),
    ("宛先 app-data に 送信元 web-tokyo-a から接続できない", "web-tokyo-a -> app-data"),
    ("web-tokyo-a から app-data と通信できない", "web-tokyo-a -> app-data"),
]


@pytest.mark.parametrize("ja, en", TWINS)
def test_a_japanese_question_reads_as_its_english_twin(article_engine: Engine, ja: str, en: str) -> None:
    q, twin = article_engine.parse(ja), article_engine.parse(en)
    assert (q.source.instance_id, q.destination, q.action, q.runtime) == (
        twin.source.instance_id, twin.destination, twin.action, twin.runtime)
    assert q.text == " ".join(ja.split())  # repeated back as asked


def test_full_width_ids_and_ips_are_folded(article_engine: Engine) -> None:
    """An IME's full-width digits and dots in an IP, and letters in an instance id, mean the ASCII ones."""
    inst = article_engine.topology.instances_by_name["web-tokyo-a"][0]
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in inst.private_ip_address)
    wide_id = "".join(chr(ord(c) + 0xFEE0) for c in inst.instance_id)
    for text in (f"{wide} から app-data に届かない", f"{wide_id}→app-data"):
        assert article_engine.parse(text).source.instance_id == inst.instance_id


@pytest.mark.parametrize("text", ["web-osaka-a から app-data² に届かない", "web-osaka-a から app-dataﬁ に届かない",
                                  "web-osaka-a から ａｐｐ－ｄａｔａ① に届かない"])
def test_compatibility_characters_in_a_name_are_not_folded_into_another_name(article_engine: Engine,
                                                                           text: str) -> None:
    """NFKC would make ``app-data²`` into ``app-data2`` and ``①`` into ``1``: another name, never asked for."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    assert err.value.kind == "unknown" and "スナップショットにありません" in str(err.value)


def test_a_url_path_is_never_folded_because_an_object_key_is_any_utf8(article_engine: Engine) -> None:
    """S3 object keys are UTF-8 (S3 user guide, "Naming Amazon S3 objects"): ｆｉｌｅ and file are two objects."""
    q = article_engine.parse("web-osaka-a から「s3://app-data/ｒｅｐｏｒｔ/レポート.csv」に届かない")
    assert q.destination.key == "ｒｅｐｏｒｔ/レポート.csv" and q.destination.id == "app-data"


@pytest.mark.parametrize("text", ["web-osaka-a は app-data", "web-osaka-a から batch-osaka-b から届かない",
                                  "web-osaka-a に app-data に届かない", "web-osaka-a と app-data で通信できない",
                                  "送信元 web-osaka-a に app-data から届かない"])
def test_names_whose_roles_the_particles_do_not_settle_are_refused(article_engine: Engine, text: str) -> None:
    """Swapping source and destination answers another question, perhaps ``reachable``: never guessed."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    assert "送信元" in str(err.value) and "もしかして: web-osaka-a から" in str(err.value)


@pytest.mark.parametrize("text, word", [
    ("web-osaka-a から app-data に届かない よろしく", "よろしく"),
    ("web-osaka-a から app-data を改ざんできない", "改ざん"),
])
def test_unknown_japanese_is_refused_with_the_closest_reading(article_engine: Engine, text: str, word: str) -> None:
    """A verb the reader does not know may name another action than s3:GetObject: refused, never defaulted."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    assert word in str(err.value) and "こう読めます: web-osaka-a から app-data に届かない" in str(err.value)


def test_a_write_verb_is_judged_as_a_write(article_engine: Engine) -> None:
    """書き込めない asks about s3:PutObject; conflicting verbs are refused rather than one of them chosen."""
    assert article_engine.parse("web-osaka-a から app-data にアップロードできない").action == "s3:PutObject"
    with pytest.raises(QuestionError, match="1 つの操作"):
        article_engine.parse("web-osaka-a から app-data に書き込めないし削除もできない")
    # "cannot reach, but can write": the write is not what is asked about; judging it could answer reachable
    with pytest.raises(QuestionError, match="どのリクエストについての質問か"):
        article_engine.parse("web-osaka-a から app-data に届かない、でも書き込みはできる")


@pytest.mark.parametrize("text, fragment", [
    ("web-osaka-x から app-data に届かない",
     "「web-osaka-x」というインスタンスはスナップショットにありません。近い名前: web-osaka-a"),
    ("web-osaka-a から app-dat に届かない", "宛先「app-dat」はスナップショットにありません。近い名前: app-data"),
    ("web-osaka-a から app-data にポート 22 で届かない", "バケットにはポートを指定できません"),
    ("web-tokyo-a から squid-proxy-osaka にポート 99999 で届かない", "1 から 65535"),
    ("「web-osaka-a から app-data に届かない", "閉じていません"),
    ("web-osaka-a から 10.0.0.0/8 に届かない", "アドレス範囲 (CIDR) は宛先になりません"),
    ("web-osaka-a から ftp://example.com/x に届かない", "http、https（と s3://）"),
    ("web-osaka-a から app-data に届かない as cobol", "ランタイムは python"),
    ("web-osaka-a から a..b に届かない", "ホスト名として正しくありません"),
])
def test_bad_japanese_input_is_answered_in_japanese(article_engine: Engine, text: str, fragment: str) -> None:
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    assert fragment in str(err.value)


def test_language_follows_the_script() -> None:
    assert language_of("web-osaka-a から app-data") == "ja" and language_of("web-osaka-a -> app-data") == "en"
    assert not is_japanese("ｗｅｂ－ｏｓａｋａ－ａ -> app-data")  # full-width Latin is no Japanese word


@given(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E) | st.just("\u3000"))
def test_the_width_fold_is_nfkc_on_the_full_width_forms(ch: str) -> None:
    assert fold_width(ch) == unicodedata.normalize("NFKC", ch)


def _ascii(name: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in name).strip("「」")


JA_SOURCES = ["web-osaka-a", "ｗｅｂ－ｔｏｋｙｏ－ａ", "「batch-tokyo-b」", "10.30.1.31", "i-0nope", "app-data"]
JA_DESTS = ["app-data", "app-data-tokyo", "s3://app-data/キー", "ssm.ap-northeast-1.amazonaws.com", "squid-proxy-osaka",
            "ａｐｐ－ｄａｔａ", "app-data²", "localhost", "10.0.0.0/8", "web-osaka-a"]
JA_GLUE = ["から", "は", "で", "に", "へ", "→", " ", "が", "まで", "と"]
JA_TAILS = ["に届かない", "に接続できない", "へアクセスできないのはなぜ？", "に書き込めない", "ポート 22 に届かない",
            "に届かない (s3:PutObject)", "を壊せない", "", "に届かない as curl", "に届かないよろしく"]


@settings(max_examples=200, deadline=None)
@given(src=st.sampled_from(JA_SOURCES), g=st.sampled_from(JA_GLUE), dest=st.sampled_from(JA_DESTS),
       tail=st.sampled_from(JA_TAILS), noise=st.text(max_size=6), at=st.integers(0, 60))
def test_a_japanese_question_answers_as_its_english_reading_or_is_refused(
        article_engine: Engine, src: str, g: str, dest: str, tail: str, noise: str, at: int) -> None:
    """Whatever is typed: one QuestionError, or the answer its own reading (source, destination, port and
    action as named) gives, so a refused request never reads as another, reachable one."""
    text = src + g + dest + tail
    text = text[:at] + noise + text[at:] if noise else text
    try:
        q = article_engine.parse(text)
    except QuestionError as exc:
        assert str(exc)
        return
    assert q.source.instance_id in article_engine.topology.instances
    if not noise:  # the particle decides which name is the source, never the order alone
        named = dest if g.strip() in ("に", "へ", "まで") else src
        assert q.source.instance_id == article_engine.parse(f"{_ascii(named)} -> app-data").source.instance_id
    if "書き込" in text and "(s3:" not in text:
        assert q.action == "s3:PutObject"
    if "ポート 22" in text and q.destination.kind != "s3-bucket":
        assert q.destination.port == 22
