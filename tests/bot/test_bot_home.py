"""The App Home tab over signed HTTP: published on app_home_opened with how to ask, the snapshot in use and
the user's recent questions (verdicts, masked, newest first, each with "Ask again"), within the access map."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from bot_harness import Bot, mention_event, running, unique
from test_bot_slash import CASE_3, answer_via_response_url, proxy_side_endpoint, texts

from bot.access import AccessMap
from bot.home import RecentQuestion, RecentQuestions
from bot.render.home import HOME_REASK
from engine import load_bundled, model
from engine.estates import APP_ACCOUNT, NETWORK_ACCOUNT
from engine.snapshot import dump_snapshot

CASE_4 = "batch-osaka-b -> app-data"  # NO_PROXY covers S3: reachable


def home_opened(user: str, tab: str = "home") -> dict:
    """Slack's app_home_opened event callback (https://api.slack.com/events/app_home_opened)."""
    return {"token": "legacy-unused", "team_id": "T0TEAM", "api_app_id": "A0REACHBOT", "type": "event_callback",
            "event_id": unique("Ev"), "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab,
                      "event_ts": f"{time.time():.6f}"}}


def home_action(user: str, value: str) -> dict:
    """A button pressed on the Home tab: block_actions from a view, with no channel and no response_url."""
    return {"type": "block_actions", "team": {"id": "T0TEAM", "domain": "fake"}, "user": {"id": user},
            "api_app_id": "A0REACHBOT", "token": "legacy-unused", "trigger_id": "1.2.3",
            "container": {"type": "view", "view_id": f"VHOME{user}"},
            "view": {"id": f"VHOME{user}", "type": "home", "blocks": []},
            "actions": [{"type": "button", "action_id": HOME_REASK, "block_id": "b1", "value": value,
                         "text": {"type": "plain_text", "text": "Ask again"}, "action_ts": str(time.time())}]}


def published(bot: Bot, user: str, count: int = 1) -> dict:
    """The ``count``-th Home view published for ``user``."""
    calls = bot.fake.wait_for("views.publish", count, where=lambda c: c.params.get("user_id") == user)
    return calls[count - 1].params["view"]


def reask_values(view: dict) -> list[dict]:
    return [json.loads(b["accessory"]["value"]) for b in view["blocks"]
            if b.get("accessory", {}).get("action_id") == HOME_REASK]


def test_opening_the_home_tab_publishes_how_to_ask_and_the_snapshot_in_use(bot: Bot):
    user = unique("U")
    assert bot.send_json(home_opened(user)).status == 200
    view = published(bot, user)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    body = texts(view["blocks"])
    assert "`/reach QUESTION`" in body and "`@reachbot QUESTION`" in body and "Handoff summary" in body
    assert "why can web-osaka-a not reach bucket app-data" in body  # an example from this snapshot
    assert "*Source:* `bundled:article-estate`" in body and " old)" in body
    assert f"{NETWORK_ACCOUNT} (network-shared), {APP_ACCOUNT} (app-prod)" in body
    assert "*Regions:* ap-northeast-1, ap-northeast-3" in body and "*Gaps:* none" in body
    assert "None yet" in body and "memory only" in body


def test_a_user_whose_slack_locale_is_japanese_gets_the_home_tab_in_japanese(bot: Bot):
    """app_home_opened carries no locale: users.info (include_locale) says ja-JP, so the tab is in Japanese,
    its example questions in the Japanese grammar; ids and commands stay as they are."""
    user = unique("U")
    bot.fake.locales[user] = "ja-JP"
    assert bot.send_json(home_opened(user)).status == 200
    body = texts(published(bot, user)["blocks"])
    assert "`/reach 質問`" in body and "使用中のスナップショット" in body and "`bundled:article-estate`" in body
    assert "web-osaka-a からバケット app-data に届かないのはなぜ" in body


def test_the_messages_tab_opening_publishes_nothing(bot: Bot, channel):
    user = unique("U")
    bot.send_json(home_opened(user, tab="messages"))
    bot.send_json(home_opened(user))  # a later Home opening is published: the first one was not
    assert len(bot.fake.wait_for("views.publish", where=lambda c: c.params.get("user_id") == user)) == 1


def test_recent_questions_show_newest_first_with_verdicts_and_what_refuses(bot: Bot, channel):
    """Asked with /reach (case 3, blocked by the proxy-side endpoint) then @reachbot (case 4, reachable):
    both on the asker's Home tab, newest first, with the refusing resource; nobody else's Home shows them."""
    user = unique("U")
    _, url = bot.slash(CASE_3, channel, user=user)
    answer_via_response_url(bot, url)
    bot.send_json(mention_event(f"<@UREACHBOT> {CASE_4}", channel, "1700003000.000100", unique("Ev"), user=user))
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)
    bot.send_json(home_opened(user))
    body = texts(published(bot, user)["blocks"])
    reachable, blocked = body.index(":white_check_mark: Reachable `"), body.index(":no_entry: Blocked `")
    assert reachable < blocked  # newest first
    assert f"refused by `{proxy_side_endpoint()}` (`ENDPOINT_POLICY_DENY`)" in body
    assert "web-osaka-a → bucket app-data · asked " in body
    assert [v["q"] for v in reask_values(published(bot, user))] == [CASE_4, CASE_3]
    other = unique("U")
    bot.send_json(home_opened(other))
    assert "None yet" in texts(published(bot, other)["blocks"])


def test_a_password_typed_in_a_question_is_masked_on_the_home_tab(bot: Bot, channel):
    user = unique("U")
    question = "why can web-osaka-a not reach https://admin:Qs3cr3t@app-data.s3.ap-northeast-3.amazonaws.com/x"
    _, url = bot.slash(question, channel, user=user)
    answer_via_response_url(bot, url)
    bot.send_json(home_opened(user))
    view = published(bot, user)
    assert "Qs3cr3t" not in json.dumps(view) and "https://****@app-data" in json.dumps(view)


def test_ask_again_answers_the_question_again_and_republishes_the_home_tab(bot: Bot, channel):
    user = unique("U")
    _, url = bot.slash(CASE_3, channel, user=user)
    answer_via_response_url(bot, url)
    bot.send_json(home_opened(user))
    value = published(bot, user)["blocks"]
    ref = next(b["accessory"]["value"] for b in value if b.get("accessory", {}).get("action_id") == HOME_REASK)
    assert bot.interaction(home_action(user, ref)).status == 200
    again = texts(published(bot, user, count=2)["blocks"])
    assert f"Asked again against the current snapshot: :no_entry: Blocked `{CASE_3}`" in again
    assert again.count(f"`{CASE_3}`") == 2  # the notice and the one (refreshed) entry, not a duplicate


def test_ask_again_with_an_unreadable_button_value_says_so_on_the_home_tab(bot: Bot):
    user = unique("U")
    bot.interaction(home_action(user, "not json"))
    assert "carries no question reachbot can read" in texts(published(bot, user)["blocks"])


def test_ask_again_of_a_question_that_no_longer_parses_says_so_and_keeps_the_list(bot: Bot):
    """A name gone from the current snapshot (here: never there) is not answered; the tab says which question."""
    user = unique("U")
    bot.interaction(home_action(user, json.dumps({"q": "why can web-osaka-q not reach bucket <app-data>"})))
    body = texts(published(bot, user)["blocks"])
    assert "`why can web-osaka-q not reach bucket &lt;app-data&gt;` could not be answered again" in body
    assert "None yet" in body


@pytest.fixture(scope="module")
def gated(fake, tmp_path_factory) -> Iterator[Bot]:
    """A reachbot whose snapshot has collection gaps in both accounts, and whose access map lets the channel
    CWIDE ask about everything while any other place (the Home tab included) sees the network account only."""
    snap = load_bundled()
    gap = model.Gap(service="ec2", operation="DescribeRouteTables", error="AccessDenied")
    coverage = [c.model_copy(update={"complete": False, "gaps": [gap]}) for c in snap.coverage]
    snap = snap.model_copy(update={"coverage": coverage})
    folder = tmp_path_factory.mktemp("home")
    (folder / "snapshot.json").write_text(dump_snapshot(snap))
    (folder / "access.json").write_text(json.dumps({"channels": {"CWIDE": ["*"], "*": [NETWORK_ACCOUNT]}}))
    with running(fake, snapshot=str(folder / "snapshot.json"),
                 access_map=AccessMap.load(str(folder / "access.json"))) as bot:
        yield bot


def test_home_tab_shows_only_what_the_access_map_allows_outside_a_channel(gated: Bot):
    """Case 3 asked in CWIDE reveals the app account; the Home tab (no channel: the map's "*" entry) lists
    neither that question nor the app account, its regions' gaps or its name."""
    user = unique("U")
    _, url = gated.slash(CASE_3, "CWIDE", user=user)
    answered = answer_via_response_url(gated, url)["blocks"][0]["text"]["text"]
    assert answered.endswith("web-osaka-a → bucket app-data (port 443)")  # answered in CWIDE (unknown: the gaps)
    gated.send_json(home_opened(user))
    view = published(gated, user)
    body = texts(view["blocks"])
    assert f"*Accounts:* {NETWORK_ACCOUNT} (network-shared)" in body
    assert "*Gaps:* 2 things collection could not read" in body
    assert f"• {NETWORK_ACCOUNT} ap-northeast-1: ec2 DescribeRouteTables (AccessDenied)" in body
    assert APP_ACCOUNT not in json.dumps(view) and "app-prod" not in json.dumps(view)
    assert "None yet" in body and not reask_values(view)


def test_recent_questions_are_bounded_per_user_and_in_users():
    """Memory stays bounded however many people ask: the last N per user, the most recently active users."""
    store = RecentQuestions(per_user=3, max_users=2)

    def item(q: str) -> RecentQuestion:
        return RecentQuestion(q, None, None, "blocked", "a → b", None, frozenset(), datetime.now(UTC))

    for i in range(5):
        store.remember("U1", item(f"q{i}"))
    store.remember("U1", item("q3"))  # asked again: moves to the top, not kept twice
    assert [q.question for q in store.of("U1")] == ["q3", "q4", "q2"]
    store.remember("U2", item("x"))
    store.remember("U3", item("y"))
    assert store.of("U1") == [] and [q.question for q in store.of("U3")] == ["y"]
