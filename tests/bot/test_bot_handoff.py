"""The handoff_summary message shortcut: read the thread, re-run its questions, post the handoff there."""

from __future__ import annotations

import json

from bot_harness import Bot, message_shortcut
from fake_slack import BOT_ID, BOT_USER_ID
from test_bot_slash import answer_via_response_url, proxy_side_endpoint, texts

ROOT = "1700002000.000100"


def incident_thread(channel: str) -> list[dict]:
    return [
        {"type": "message", "user": "U0DEV", "ts": ROOT, "text": "web-osaka-a gets AccessDenied from S3 "
         "(app-data) since this morning, deploys are failing"},
        {"type": "message", "user": "U0DEV", "ts": "1700002010.000100", "thread_ts": ROOT,
         "text": "hmm. why can web-osaka-a not reach bucket app-data?"},
        {"type": "message", "user": "U0NET", "ts": "1700002020.000100", "thread_ts": ROOT,
         "text": "I added .amazonaws.com to NO_PROXY on web-tokyo-a and restarted the service, no change there"},
        {"type": "message", "user": "U0NET", "ts": "1700002030.000100", "thread_ts": ROOT,
         "text": "export HTTPS_PROXY=http://svc:s3cr3t@proxy.corp.internal:3128 is what the unit file sets"},
        {"type": "message", "bot_id": BOT_ID, "user": BOT_USER_ID, "ts": "1700002040.000100", "thread_ts": ROOT,
         "text": "Blocked: web-tokyo-a → bucket app-data",
         "metadata": {"event_type": "reachbot_answer",
                      "event_payload": {"question": "why can web-tokyo-a not reach bucket app-data",
                                        "runtime": "python", "action": "s3:GetObject"}}},
        {"type": "message", "user": "U0DEV", "ts": "1700002050.000100", "thread_ts": ROOT,
         "text": "web-osaka-a -&gt; app-data"},  # the same question again, other words
        {"type": "message", "subtype": "channel_join", "user": "U0NEW", "ts": "1700002060.000100",
         "thread_ts": ROOT, "text": "<@U0NEW> has joined the channel"},
    ]


def test_handoff_posts_symptom_questions_refusal_owner_route_fixes_tried_and_ticket_text(bot: Bot, channel):
    """Questions come from people's messages and from reachbot's own earlier answers (message metadata);
    the same question asked twice is reported once; the proxy credentials quoted in the thread never leave."""
    bot.fake.threads[(channel, ROOT)] = incident_thread(channel)
    url = bot.fake.response_url()
    reply = bot.interaction(message_shortcut(channel, "1700002030.000100", url, thread_ts=ROOT))
    assert reply.status == 200
    read = bot.fake.wait_for("conversations.replies", where=lambda c: c.params.get("channel") == channel)[0]
    assert read.params["ts"] == ROOT
    posts = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)
    summary = posts[0].params
    assert summary["thread_ts"] == ROOT
    body = texts(summary["blocks"])
    vpce = proxy_side_endpoint()
    assert "Handoff summary" in body
    assert "AccessDenied from S3" in body  # symptom: the thread's first message
    assert body.count(":no_entry: *Blocked*") == 2  # web-osaka-a (asked twice) and web-tokyo-a
    assert "web-osaka-a → bucket app-data" in body and "web-tokyo-a → bucket app-data" in body
    assert f"*Refuses:* `{vpce}` `ENDPOINT_POLICY_DENY` · owned by account 111122223333 (network-shared)" in body
    assert "*Route:*" in body and "proxy `i-" in body
    assert "*Proven fixes:*" in body and "NO_PROXY" in body
    tried = body.split("Already tried in this thread", 1)[1]
    assert "added .amazonaws.com to NO_PROXY on web-tokyo-a" in tried and "<@U0NET>" in tried
    assert "has joined" not in body
    assert "Re-run against snapshot `bundled:article-estate`" in body and " old)" in body
    assert "*For the ticket* (plain text)" in body and "HANDOFF SUMMARY (reachbot)" in body
    everything = json.dumps([c.params for c in posts])
    assert "s3cr3t" not in everything and "http://****@proxy.corp.internal:3128" in everything


def test_handoff_in_a_channel_reachbot_cannot_read_asks_to_invite_it(bot: Bot, channel):
    bot.fake.not_in.add(channel)
    url = bot.fake.response_url()
    bot.interaction(message_shortcut(channel, ROOT, url))
    assert "/invite @reachbot" in answer_via_response_url(bot, url)["text"]


def test_handoff_of_a_thread_without_questions_still_hands_over_symptom_and_attempts(bot: Bot, channel):
    bot.fake.threads[(channel, ROOT)] = [
        {"type": "message", "user": "U0DEV", "ts": ROOT, "text": "the nightly export to S3 times out"},
        {"type": "message", "user": "U0NET", "ts": "1700002010.000100", "thread_ts": ROOT,
         "text": "checked the route table of the proxy subnet, looks fine"},
    ]
    bot.interaction(message_shortcut(channel, ROOT, bot.fake.response_url()))
    body = texts(bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0]
                 .params["blocks"])
    assert "No reachability question found" in body and "checked the route table" in body
