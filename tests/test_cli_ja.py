"""``reachbot ask`` in Japanese (issue #15): the Japanese forms answer as their English twins, with the same
verdicts and codes, in Japanese; ``--lang`` overrides the question's script; bad input exits 2 in Japanese."""

from __future__ import annotations

import json
import re

import pytest

from engine.cli.main import main
from tests.test_article_cases import REFUSAL, VERDICT

KANA = re.compile(r"[\u3040-\u30ff]")

TWINS = [
    ("web-osaka-a から app-data バケットに届かないのはなぜ", "why can web-osaka-a not reach bucket app-data"),
    ("なぜ web-osaka-a は s3://app-data に接続できない？", "why can web-osaka-a not reach s3://app-data"),
    ("web-tokyo-a から app-data-tokyo へアクセスできない", "web-tokyo-a -> app-data-tokyo"),
    ("batch-osaka-b で app-data-tokyo に行けない", "batch-osaka-b -> app-data-tokyo"),
    ("batch-tokyo-b は ssm.ap-northeast-1.amazonaws.com に接続できない",
     "why can batch-tokyo-b not reach ssm.ap-northeast-1.amazonaws.com"),
    ("web-tokyo-a→squid-proxy-osaka ポート 22", "web-tokyo-a -> squid-proxy-osaka port 22"),
    ("（なぜ）「ｂａｔｃｈ－ｔｏｋｙｏ－ｂ」から「app-data」に届かない！", "batch-tokyo-b -> app-data"),
]


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(["ask", *argv, "--json", "--no-fixes"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("ja, en", TWINS)
def test_ask_answers_a_japanese_question_like_its_english_twin_in_japanese(
        capsys: pytest.CaptureFixture[str], ja: str, en: str) -> None:
    a, b = _json(capsys, ja), _json(capsys, en)
    assert (a["verdict"], a["blocked_by"] and a["blocked_by"]["code"]) == (b["verdict"],
                                                                          b["blocked_by"] and b["blocked_by"]["code"])
    assert [(h["kind"], h["id"]) for h in a["hops"]] == [(h["kind"], h["id"]) for h in b["hops"]]
    assert all(KANA.search(h["note"]) for h in a["hops"]) and not any(KANA.search(h["note"]) for h in b["hops"])
    assert a["question"] == " ".join(ja.split())


def test_the_terminal_answer_is_japanese_throughout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "web-osaka-a から app-data バケットに届かないのはなぜ"]) == 0
    out = capsys.readouterr().out
    assert "ブロック: vpce-" in out and "ENDPOINT_POLICY_DENY" in out and "経路:" in out
    assert "拒否しているもの:" in out and "スナップショット: bundled:article-estate" in out
    assert "エンドポイントポリシー" in out and "修正案" in out


def test_lang_flag_overrides_the_questions_script(capsys: pytest.CaptureFixture[str]) -> None:
    ja = _json(capsys, "why can web-osaka-a not reach bucket app-data", "--lang", "ja")
    en = _json(capsys, "web-osaka-a から app-data に届かない", "--lang", "en")
    assert KANA.search(ja["blocked_by"]["detail"]) and not KANA.search(en["blocked_by"]["detail"])
    assert ja["blocked_by"]["code"] == en["blocked_by"]["code"] == "ENDPOINT_POLICY_DENY"


def test_bad_japanese_input_exits_2_with_a_japanese_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "web-osaka-a から app-dat に届かない"]) == 2
    err = capsys.readouterr().err
    assert "宛先「app-dat」はスナップショットにありません。近い名前: app-data" in err and "Traceback" not in err


def test_batch_answers_each_line_in_its_own_language(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "q.txt"
    lines = ["web-osaka-a から app-data に届かない", "web-osaka-a -> app-data", "web-osaka-a から nope に届かない"]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--no-fixes"]) == 0
    out = capsys.readouterr().out
    assert "ブロック: vpce-" in out and "BLOCKED: ENDPOINT_POLICY_DENY" in out and "3 行目: 宛先「nope」" in out


@pytest.mark.parametrize("n", sorted(VERDICT))
def test_the_article_cases_asked_in_japanese_reproduce_the_articles_table(
        capsys: pytest.CaptureFixture[str], n: int) -> None:
    """``demo --lang ja`` asks the ten cases in Japanese: same verdicts and refusal codes as the article."""
    assert main(["demo", "--lang", "ja", "--json"]) == 0
    cases = {c["case"]: c for c in json.loads(capsys.readouterr().out)}
    answer = cases[n]["answer"]
    assert KANA.search(cases[n]["question"])
    assert answer["verdict"] == VERDICT[n]
    assert (answer["blocked_by"]["code"] if answer["blocked_by"] else None) == REFUSAL.get(n)
    assert all(KANA.search(h["note"]) for h in answer["hops"])


def test_the_readmes_japanese_example_prints_what_the_readme_shows(capsys: pytest.CaptureFixture[str]) -> None:
    """README, "In Japanese": the command runs on the bundled estate and its first lines are those shown."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In Japanese", 1)[1].split("\n## ", 1)[0]
    question = re.search(r'reachbot ask "([^"]+)"', section)
    assert question is not None
    shown = section.split("```\n```\n", 1)[1].split("\n```", 1)[0].splitlines()  # the output block
    assert main(["ask", question.group(1), "--no-fixes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == shown[:2]
    assert any(line.startswith(shown[3]) for line in out) and any(line.startswith(shown[4][:-3]) for line in out)
