"""Japanese over signed HTTP (issue #15): a Japanese question is answered in Japanese, with the same verdict,
code and resources as its English twin; an English question follows the channel's setting, then the asker's
Slack locale (users.info with include_locale); codes, ids and JSON stay as they are."""

from __future__ import annotations

import json
import re

import pytest
from bot_harness import Bot, block_action, mention_event, message_shortcut, serve, settings_for, unique
from fake_slack import FakeSlack
from test_bot_slash import CASE_3, answer_via_response_url, proxy_side_endpoint, texts

from bot.language import parse_channel_langs
from engine import ReachbotError

KANA = re.compile(r"[\u3040-\u30ff]")
CASE_3_JA = "web-osaka-a から app-data バケットに届かないのはなぜ"


def buttons(blocks: list[dict]) -> dict[str, str]:
    return {e["action_id"]: e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_slash_with_a_japanese_question_answers_in_japanese_like_its_english_twin(bot: Bot, channel):
    """Article case 3 asked in Japanese: the proxy-side endpoint refuses (ENDPOINT_POLICY_DENY), and every
    label, note and detail the user reads is Japanese; codes and ids are as in English."""
    _, url = bot.slash(CASE_3_JA, channel)
    ja = answer_via_response_url(bot, url)
    _, url = bot.slash(CASE_3, channel)
    en = answer_via_response_url(bot, url)
    body, vpce = texts(ja["blocks"]), proxy_side_endpoint()
    assert ja["blocks"][0]["text"]["text"].startswith(":no_entry: ブロック: web-osaka-a → バケット app-data")
    assert f"*拒否しているもの* `{vpce}`" in body and "`ENDPOINT_POLICY_DENY`" in body
    assert "エンドポイントポリシー" in body and "*経路*" in body and "*修正案*" in body
    assert "拒否しているステートメント:" in body and "aws:SourceVpce" in body
    assert buttons(ja["blocks"]) == {"reach_show_full_route": "経路の全体", "reach_show_full_policy": "ポリシーの全文",
                                     "reach_post_to_channel": "チャンネルに投稿"}
    assert set(buttons(en["blocks"])) == set(buttons(ja["blocks"]))
    assert vpce in ja["text"] and "ENDPOINT_POLICY_DENY" in ja["text"] and KANA.search(ja["text"])
    assert "Blocked" in en["blocks"][0]["text"]["text"] and not KANA.search(texts(en["blocks"]).split("\n", 1)[1]
                                                                            .replace("バケット", ""))


def test_the_buttons_of_a_japanese_answer_answer_in_japanese(bot: Bot, channel):
    """The button carries the question as asked; pressed, it is answered in the question's language."""
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_show_full_route", json.dumps({"q": CASE_3_JA}), channel, url))
    body = texts(answer_via_response_url(bot, url)["blocks"])
    assert "名前解決はプロキシが行い" in body and body.count("\n*") >= 9


def test_a_japanese_question_with_a_typo_is_answered_in_japanese_with_the_closest_name(bot: Bot, channel):
    _, url = bot.slash("web-osaka-z から app-data に届かない", channel)
    reply = answer_via_response_url(bot, url)
    body = texts(reply["blocks"])
    assert "「web-osaka-z」というインスタンスはスナップショットにありません" in body
    assert "*もしかして:* `web-osaka-a`" in body and "`/reach help` で質問できる内容" in body


def test_help_asked_in_japanese_is_japanese_with_japanese_examples_that_parse(bot: Bot, channel):
    reply, _ = bot.slash("ヘルプ", channel)
    body = texts(reply.json()["blocks"])
    assert "質問例" in body and "バケットに届かないのはなぜ" in body
    example = re.search(r"`/reach ([^`]*バケットに届かないのはなぜ)`", body)
    assert example is not None
    _, url = bot.slash(example.group(1), channel)
    assert KANA.search(answer_via_response_url(bot, url)["blocks"][0]["text"]["text"])


def test_an_english_question_from_a_user_whose_slack_locale_is_japanese_is_answered_in_japanese(bot: Bot, channel):
    """users.info with include_locale reports ja-JP: the answer is Japanese; the locale is looked up once."""
    user = unique("U")
    bot.fake.locales[user] = "ja-JP"
    for _ in range(2):
        _, url = bot.slash(CASE_3, channel, user=user)
        assert answer_via_response_url(bot, url)["blocks"][0]["text"]["text"].startswith(":no_entry: ブロック")
    lookups = [c for c in bot.fake.of("users.info") if c.params.get("user") == user]
    assert len(lookups) == 1


def test_a_mention_in_japanese_is_answered_in_the_thread_in_japanese(bot: Bot, channel):
    event = mention_event("<@UREACHBOT> web-tokyo-a から app-data に接続できない", channel,
                          ts="1700003000.000100", event_id=unique("Ev"))
    assert bot.send_json(event).status == 200
    reply = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    body = texts(reply["blocks"])
    assert reply["thread_ts"] == "1700003000.000100" and proxy_side_endpoint() in body and "拒否しているもの" in body
    assert reply["metadata"]["event_payload"]["question"] == "web-tokyo-a から app-data に接続できない"


def test_a_channel_set_to_japanese_answers_english_questions_in_japanese(fake: FakeSlack):
    """REACHBOT_CHANNEL_LANGS: a channel whose replies everyone reads in Japanese; others keep English."""
    ja_channel, en_channel = unique("C"), unique("C")
    server, url = serve(settings_for(fake, channel_langs={ja_channel: "ja"}))
    try:
        bot = Bot(url, fake)
        _, ja_url = bot.slash(CASE_3, ja_channel)
        _, en_url = bot.slash(CASE_3, en_channel)
        assert "ブロック" in answer_via_response_url(bot, ja_url)["blocks"][0]["text"]["text"]
        assert "Blocked" in answer_via_response_url(bot, en_url)["blocks"][0]["text"]["text"]
    finally:
        server.close()


def test_a_handoff_of_a_japanese_thread_is_in_japanese(bot: Bot, channel):
    root = "1700004000.000100"
    bot.fake.threads[(channel, root)] = [
        {"type": "message", "user": "U0DEV", "ts": root, "text": "web-osaka-a から S3 に AccessDenied が出ます"},
        {"type": "message", "user": "U0DEV", "ts": "1700004010.000100", "thread_ts": root,
         "text": "うーん。web-osaka-a から app-data に届かないのはなぜ？"},
        {"type": "message", "user": "U0NET", "ts": "1700004020.000100", "thread_ts": root,
         "text": "web-tokyo-a の NO_PROXY に .amazonaws.com を追加して再起動しましたが、変わりません"},
    ]
    url = bot.fake.response_url()
    assert bot.interaction(message_shortcut(channel, root, url, thread_ts=root)).status == 200
    posted = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    body = texts(posted["blocks"])
    assert "引き継ぎサマリー" in body and ":no_entry: *ブロック*" in body and "*拒否:*" in body
    assert "ENDPOINT_POLICY_DENY" in body and "判定: blocked" in body  # the verdict's code, for the ticket
    tried = body.split("このスレッドで試したこと", 1)[1]
    assert "NO_PROXY に .amazonaws.com を追加" in tried and "<@U0NET>" in tried


@pytest.mark.parametrize("raw", ["C1=fr", "C1", ":ja", "C1:ja,C2"])
def test_a_bad_channel_language_setting_names_the_variable(raw: str):
    with pytest.raises(ReachbotError, match="REACHBOT_CHANNEL_LANGS"):
        parse_channel_langs(raw)


def test_channel_language_setting_reads_channels_and_the_workspace_default():
    assert parse_channel_langs("C1:ja, C2:EN,*:ja") == {"C1": "ja", "C2": "en", "*": "ja"}


def test_without_the_users_read_scope_an_english_question_is_answered_in_the_workspace_default(fake: FakeSlack):
    """users.info refused (missing_scope): no locale, so the `*` entry decides; the answer comes all the same."""
    user, channel = unique("U"), unique("C")
    fake.user_errors[user] = "missing_scope"
    server, url = serve(settings_for(fake, channel_langs={"*": "ja"}))
    try:
        bot = Bot(url, fake)
        _, reply_url = bot.slash(CASE_3, channel, user=user)
        assert "ブロック" in answer_via_response_url(bot, reply_url)["blocks"][0]["text"]["text"]
        assert any(c.params.get("user") == user for c in fake.of("users.info"))
    finally:
        server.close()


def test_the_full_policy_of_a_japanese_answer_names_policies_and_owners_in_japanese(bot: Bot, channel):
    """The refusing endpoint policy in full, titled and owned in Japanese; the document itself as written."""
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_show_full_policy", json.dumps({"q": CASE_3_JA}), channel, url))
    body = texts(answer_via_response_url(bot, url)["blocks"])
    assert f"{proxy_side_endpoint()} のエンドポイントポリシー" in body and "所有者 アカウント 111122223333" in body
    assert '"Sid": "AllowOnlySharedServicesBuckets"' in body and "*リクエストコンテキスト*" in body
