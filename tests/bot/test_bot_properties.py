"""Properties of the Slack request path over generated requests (hypothesis, fixed budget, derandomized).

For any body and headers, signed or not, sent to the running bot: the status is never 5xx, the Slack layer
(gate, bolt, listeners, waitress) never logs a traceback, and no request is answered more than once, even
when it is sent twice. An exception raised inside the engine on a strange question is not the request
path's: it reaches the asker as an error id (``bot.errors``) and is counted here, not failed on; the
question grammar is the engine's half of issue 12.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from urllib.parse import urlencode

import pytest
from bot_harness import Bot, post, sign, unique
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bot_lambda import lambda_env  # noqa: F401 - the fixture, used by name

FORM = "application/x-www-form-urlencoded"
BUDGET = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
# Field names bolt and the listeners read, so that generated objects hit them with every type.
keys = st.sampled_from(["type", "event", "actions", "team", "user", "channel", "message", "callback_id",
                        "response_url", "command", "text", "authorizations", "container", "event_id",
                        "enterprise", "view", "channel_id", "user_id", "challenge", "action_id", "value", "ts"])
slack_objects = st.recursive(
    st.dictionaries(keys, json_values, max_size=6),
    lambda inner: st.dictionaries(keys, inner | json_values, max_size=6),
    max_leaves=10,
)
kinds = st.sampled_from(["event_callback", "block_actions", "message_action", "url_verification", "app_mention",
                         "shortcut", "view_submission", None])
questions = st.text(max_size=200) | st.sampled_from([
    "why can web-osaka-a not reach bucket app-data", "squid-proxy-osaka -> 10.20.1.11:443",
    "help", "", "why can web-tokyo-a not reach http://u:p@ssm.ap-northeast-1.amazonaws.com",
])


def slash_body(text: str, response_url: str, drop: list[str]) -> str:
    fields = {"command": "/reach", "text": text, "response_url": response_url, "user_id": "U1",
              "channel_id": unique("C"), "team_id": "T0TEAM"}
    return urlencode({k: v for k, v in fields.items() if k not in drop})


@st.composite
def interactions(draw: st.DrawFn, bot: Bot) -> tuple[dict, str]:
    """Well-formed interactions of reachbot's own kinds with arbitrary values where Slack puts data."""
    url = bot.fake.response_url()
    value = draw(st.text(max_size=60) | st.builds(lambda q, r: json.dumps({"q": q, "r": r}), questions,
                                                  st.none() | st.text(max_size=8)) | st.just('{"x": 1}'))
    action = {"action_id": draw(st.sampled_from(["reach_show_full_route", "reach_show_full_policy",
                                                "reach_post_to_channel"])), "value": value}
    channel = {"id": unique("C")}
    if draw(st.booleans()):
        return {"type": "block_actions", "actions": [action], "user": {"id": "U1"}, "channel": channel,
                "container": {"is_ephemeral": draw(st.booleans())}, "response_url": url}, url
    message = {"ts": draw(st.sampled_from(["1700000000.000100", "x", ""])), "text": draw(questions)}
    return {"type": "message_action", "callback_id": "handoff_summary", "channel": channel, "message": message,
            "user": {"id": "U1"}, "response_url": url}, url


@st.composite
def mentions(draw: st.DrawFn) -> dict:
    event = {"type": "app_mention", "channel": unique("C"), "ts": draw(st.sampled_from(["1700000000.000100", "x"])),
             "text": draw(questions), "user": "U1"}
    return {"type": "event_callback", "event_id": unique("Ev"), "event": event, "team_id": "T0TEAM"}


@st.composite
def requests(draw: st.DrawFn, bot: Bot) -> tuple[bytes, str, dict[str, str], str | None]:
    """(body, content type, headers, the response_url an answer would go to)."""
    shape = draw(st.sampled_from(["slash", "json", "payload", "bytes", "interaction", "mention"]))
    url = None
    if shape == "interaction":
        obj, url = draw(interactions(bot))
        body, content_type = urlencode({"payload": json.dumps(obj)}).encode(), FORM
    elif shape == "mention":
        mention = draw(mentions())
        body, content_type = json.dumps(mention).encode(), "application/json"
        url = "channel:" + mention["event"]["channel"]
    elif shape == "slash":
        url = bot.fake.response_url()
        drop = draw(st.lists(st.sampled_from(["command", "text", "response_url", "user_id"]), max_size=2))
        body, content_type = slash_body(draw(questions), url, drop).encode(), FORM
    elif shape == "json":
        obj = draw(slack_objects | json_values)
        if isinstance(obj, dict):
            obj.setdefault("type", draw(kinds))
        body, content_type = json.dumps(obj).encode(), draw(st.sampled_from(["application/json", FORM, ""]))
    elif shape == "payload":
        obj = draw(slack_objects | json_values)
        if isinstance(obj, dict):
            obj.setdefault("type", draw(kinds))
        body, content_type = urlencode({"payload": json.dumps(obj)}).encode(), FORM
    else:
        body, content_type = draw(st.binary(max_size=300)), draw(st.sampled_from([FORM, "application/json"]))
    headers = sign(body)
    if draw(st.integers(0, 5)) == 0:  # now and then, garbage or missing signature headers
        headers = draw(st.dictionaries(st.sampled_from(["X-Slack-Request-Timestamp", "X-Slack-Signature"]),
                                       st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80)))
    return body, content_type, headers, url


def engine_traceback(record: logging.LogRecord) -> bool:
    """An exception the engine raised, handled by bot.errors: reported with an error id, not a crash."""
    if not record.exc_info or record.name != "bot" or "error rb-" not in record.getMessage():
        return False
    frames = traceback.extract_tb(record.exc_info[2])
    return bool(frames) and "/engine/" in frames[-1].filename


def first_messages(bot: Bot, url: str) -> int:
    """Replies through ``url`` (or posted in channel ``channel:C…``), not counting continuation pages."""
    if url.startswith("channel:"):
        calls = [c for c in bot.fake.of("chat.postMessage") if c.params.get("channel") == url[len("channel:"):]]
    else:
        calls = [c for c in bot.fake.of("response_url") if bot.fake.base + c.path == url]
    return len([c for c in calls if not str(c.params.get("text", "")).startswith("(continued)")])


def test_no_request_gets_a_5xx_a_traceback_or_two_answers(bot: Bot, caplog):
    caplog.set_level(logging.INFO)
    answer_urls: list[str] = []
    statuses: list[int] = []

    @BUDGET
    @given(st.data())
    def one(data: st.DataObject) -> None:
        body, content_type, headers, url = data.draw(requests(bot))
        for _ in range(2):  # the second is a replay: same body, same signature
            reply = post(bot.url, body, content_type, headers)
            assert reply.status < 500, (body[:200], reply)
            statuses.append(reply.status)
        if url:
            answer_urls.append(url)

    one()
    time.sleep(1.0)  # answers run after the ack; let the last ones land
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(first_messages(bot, u) > 1 for u in answer_urls):
        time.sleep(0.2)
    assert all(first_messages(bot, u) <= 1 for u in answer_urls)
    assert any(s == 200 for s in statuses) and any(s == 400 for s in statuses) and any(s == 401 for s in statuses)
    crashes = [r for r in caplog.records if r.exc_info and not engine_traceback(r)]
    assert not crashes, [r.getMessage() for r in crashes]
    assert not [r for r in caplog.records if "Traceback" in r.getMessage()]


@pytest.mark.usefixtures("lambda_env")
@pytest.mark.parametrize("encoded", [True, False])
def test_no_lambda_event_raises(fake, caplog, encoded):
    """The Lambda handler under the same generated bodies and arbitrary event shapes: a status, never a raise."""
    import base64

    from test_bot_lambda import CONTEXT, http_api_event

    from bot import lambda_handler

    @BUDGET
    @given(st.binary(max_size=300) | st.builds(lambda o: json.dumps(o).encode(), slack_objects), json_values)
    def one(body: bytes, junk: object) -> None:
        event = http_api_event("")
        event["headers"].update({k.lower(): v for k, v in sign(body).items()})
        event["body"] = base64.b64encode(body).decode() if encoded else body.decode("latin-1")
        event["isBase64Encoded"] = encoded
        assert lambda_handler.handler(event, CONTEXT)["statusCode"] < 500
        assert lambda_handler.handler(junk if not isinstance(junk, dict) else {**event, **junk}, CONTEXT)[
            "statusCode"] < 500

    one()
    assert not [r for r in caplog.records if r.exc_info and not engine_traceback(r)]
