"""@reachbot in a channel: the answer goes into the thread of the asking message, once per event."""

from __future__ import annotations

import time

from bot_harness import Bot, mention_event, unique
from test_bot_slash import proxy_side_endpoint, texts


def thread_replies(bot: Bot, channel: str, count: int = 1) -> list[dict]:
    calls = bot.fake.wait_for("chat.postMessage", count, where=lambda c: c.params.get("channel") == channel)
    return [c.params for c in calls]


def test_mention_is_answered_in_the_thread_of_the_asking_message(bot: Bot, channel):
    """Article case 7 from Tokyo: the Osaka proxy's endpoint refuses; the reply is threaded on the question
    and carries message metadata, which the handoff shortcut later reads back."""
    event = mention_event("<@UREACHBOT> why can web-tokyo-a not reach bucket app-data", channel,
                          ts="1700001000.000100", event_id=unique("Ev"))
    assert bot.send_json(event).status == 200
    reply = thread_replies(bot, channel)[0]
    assert reply["thread_ts"] == "1700001000.000100"
    assert proxy_side_endpoint() in texts(reply["blocks"])
    assert reply["metadata"]["event_type"] == "reachbot_answer"
    assert "reach_post_to_channel" not in str(reply["blocks"])  # already in the channel


def test_mention_inside_a_thread_answers_in_that_thread(bot: Bot, channel):
    event = mention_event("<@UREACHBOT> batch-osaka-b -&gt; app-data", channel, ts="1700001100.000200",
                          event_id=unique("Ev"), thread_ts="1700001000.000100")
    bot.send_json(event)
    reply = thread_replies(bot, channel)[0]
    assert reply["thread_ts"] == "1700001000.000100"
    assert reply["blocks"][0]["text"]["text"].startswith(":white_check_mark: Reachable")  # case 4, NO_PROXY


def test_mention_with_slack_link_markup_is_parsed_as_typed(bot: Bot, channel):
    """Slack turns host names into <http://host|host> links; the question is what the user typed."""
    text = ("<@UREACHBOT> can 10.30.1.31 reach "
            "<http://ssm.ap-northeast-1.amazonaws.com|ssm.ap-northeast-1.amazonaws.com>")
    bot.send_json(mention_event(text, channel, ts="1700001200.000100", event_id=unique("Ev")))
    body = texts(thread_replies(bot, channel)[0]["blocks"])
    assert "*To* service `ssm.ap-northeast-1.amazonaws.com`" in body and "web-tokyo-a" in body


def test_duplicate_event_delivery_is_answered_once(bot: Bot, channel):
    """Slack retries an event (same event_id, X-Slack-Retry-Num) when it thinks we missed it."""
    event_id = unique("Ev")
    event = mention_event("<@UREACHBOT> why can web-osaka-a not reach bucket app-data", channel,
                          ts="1700001300.000100", event_id=event_id)
    assert bot.send_json(event).status == 200
    retry = bot.send_json(event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    thread_replies(bot, channel)
    time.sleep(0.5)  # room for a second (wrong) answer to arrive
    assert len(bot.fake.of("chat.postMessage")) == len(
        [c for c in bot.fake.of("chat.postMessage") if c.params.get("channel") != channel]) + 1


def test_bare_mention_gets_help_in_the_thread(bot: Bot, channel):
    bot.send_json(mention_event("<@UREACHBOT>", channel, ts="1700001400.000100", event_id=unique("Ev")))
    assert "Examples from this snapshot" in texts(thread_replies(bot, channel)[0]["blocks"])
