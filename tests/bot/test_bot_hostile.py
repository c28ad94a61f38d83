"""Hostile HTTP input: whatever arrives at /slack/events, reachbot answers 4xx (never 5xx), logs no traceback
and no more than a short prefix of a body nobody signed, and refuses an oversized body before reading it."""

from __future__ import annotations

import json
import logging
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest
from bot_harness import Bot, post, sign, slash_command, unique
from test_bot_slash import CASE_3, answer_via_response_url

FORM = "application/x-www-form-urlencoded"


def no_traceback_logged(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert not record.exc_info, f"traceback logged: {record.getMessage()}"
        assert "Traceback" not in record.getMessage()


@pytest.mark.parametrize(("body", "content_type"), [
    ("[]", "application/json"),
    ("null", "application/json"),
    ("42", "application/json"),
    ('{"type": "event_callback", "event": []}', "application/json"),
    ('{"type": "event_callback", "event": {"type": "app_mention", "channel": 5, "ts": "1.2"}}', "application/json"),
    ('{"type": "event_callback", "team": 7, "event": {"type": "app_mention"}}', "application/json"),
    ('{"type": "block_actions", "actions": []}', "application/json"),
    ("{" * 50_000, "application/json"),
    ("payload=not-json", FORM),
    ("payload=%5B%5D", FORM),
    ("payload=" + json.dumps({"type": "block_actions", "actions": [{"action_id": 3}]}), FORM),
    ("payload=" + json.dumps({"type": "message_action", "callback_id": "handoff_summary"}), FORM),
    ("command=%2Freach&response_url=http%3A%2F%2Fx", FORM),  # no text
    ("text=why&response_url=http%3A%2F%2Fx", FORM),  # no command
    ("", FORM),
    (b"command=%2Freach&text=\xff\xfe&response_url=x", FORM),  # not UTF-8
])
def test_signed_bodies_slack_never_sends_are_refused_with_400_and_no_traceback(bot: Bot, caplog, body, content_type):
    """Slack signs only its own payloads (https://api.slack.com/authentication/verifying-requests-from-slack);
    a signed body of another shape is malformed input, answered 400, never a 500 from inside bolt."""
    caplog.set_level(logging.DEBUG)
    reply = bot.send_signed(body, content_type)
    assert reply.status == 400, reply
    no_traceback_logged(caplog)


@pytest.mark.parametrize("headers", [
    {"X-Slack-Request-Timestamp": "abc"},
    {"X-Slack-Request-Timestamp": "17000000\u00b2"},  # "²".isdigit() is True, int() refuses it
    {"X-Slack-Request-Timestamp": "1e9"},
    {"X-Slack-Request-Timestamp": ""},
    {"X-Slack-Signature": "v0=zz"},
    {"X-Slack-Signature": "v1=" + "0" * 64},
    {"X-Slack-Signature": ""},
])
def test_missing_or_garbage_signature_headers_are_refused_with_401_and_no_traceback(bot: Bot, caplog, headers):
    caplog.set_level(logging.DEBUG)
    body = urlencode(slash_command(CASE_3, unique("C"), "U1", bot.fake.response_url()))
    reply = post(bot.url, body, FORM, {**sign(body), **headers})
    assert reply.status == 401
    no_traceback_logged(caplog)


def test_a_ten_megabyte_body_is_refused_with_413_before_it_is_read(bot: Bot):
    """Slack's request bodies are a few kilobytes; the server refuses a larger one from its Content-Length,
    without reading (or waiting for) the rest, and keeps answering Slack meanwhile."""
    parts = urlsplit(bot.url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
                     f"Content-Length: {10 * 1024 * 1024}\r\n\r\n".encode() + b"a" * 65536)
        answer = conn.recv(4096)
    took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert took < 2.0  # not a timing benchmark: a server that read 10 MB first would wait here for ever
    reply, _ = bot.slash("help", unique("C"))
    assert reply.status == 200


def test_a_body_just_under_the_cap_is_checked_and_one_over_it_is_not(bot: Bot):
    from bot.settings import MAX_BODY_BYTES

    padding = "x" * (MAX_BODY_BYTES - 200)
    under = urlencode({"command": "/reach", "text": "help", "response_url": "http://127.0.0.1:9/r", "pad": padding})
    assert len(under) <= MAX_BODY_BYTES and bot.send_signed(under).status == 200
    over = under + "x" * (MAX_BODY_BYTES + 1 - len(under))
    assert bot.send_signed(over).status == 413


def test_an_unsigned_body_is_logged_as_a_short_prefix_only(bot: Bot, caplog):
    """Whoever sends an unsigned body must not be able to write it into reachbot's log."""
    caplog.set_level(logging.DEBUG)
    body = "command=%2Freach&text=" + "A" * 300 + "MARKER-AFTER-THE-PREFIX" + "B" * 100_000
    assert post(bot.url, body, FORM, {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=x"}).status == 401
    assert post(bot.url, body, FORM, sign(body, secret="wrong-secret")).status == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "MARKER-AFTER-THE-PREFIX" not in logged and "B" * 300 not in logged
    assert "refused a request with 401" in logged


def test_bolts_internal_lazy_headers_from_outside_are_refused(bot: Bot, channel):
    """``x-slack-bolt-lazy-only`` makes bolt skip the ack and run the answer only; Slack never sends it."""
    body = urlencode(slash_command(CASE_3, channel, "U1", bot.fake.response_url()))
    reply = post(bot.url, body, FORM, {**sign(body), "x-slack-bolt-lazy-only": "1"})
    assert reply.status == 400


def test_slacks_unsigned_ssl_check_gets_an_empty_200(bot: Bot):
    """https://api.slack.com/interactivity/slash-commands#ssl: Slack checks the certificate with ssl_check=1."""
    reply = post(bot.url, "ssl_check=1&token=legacy", FORM)
    assert reply.status == 200 and reply.body == ""


def test_a_well_formed_request_still_gets_its_answer_after_all_that(bot: Bot, channel):
    _, url = bot.slash(CASE_3, channel)
    assert "Blocked" in answer_via_response_url(bot, url)["blocks"][0]["text"]["text"]


def test_a_chunked_body_growing_past_the_cap_is_refused_as_it_arrives(bot: Bot):
    """Without a Content-Length (chunked transfer), the body is counted as it arrives and refused at the cap."""
    parts = urlsplit(bot.url)
    chunk = b"a" * 65536
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n".encode())
        try:
            for _ in range(160):  # 10 MB, if the server let it
                conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            pass  # the server answered and closed: what this test wants
        assert conn.recv(4096).startswith(b"HTTP/1.1 413")


def test_a_question_containing_the_word_payload_is_answered(bot: Bot, channel):
    """slack_bolt reads a form body with the text "payload" anywhere in it as an interactivity payload
    (bot.bolt_fixes): the command arrived empty. It is answered like any other, by the lazy listener too."""
    reply, url = bot.slash("why can web-osaka-a not reach bucket payload-archive", channel)
    assert reply.status == 200
    assert "payload-archive" in json.dumps(answer_via_response_url(bot, url))
