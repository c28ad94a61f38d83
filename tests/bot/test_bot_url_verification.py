"""Slack's request-URL check (deploy/README.md step 1.2): when the Events API request URL is saved, Slack POSTs a
signed ``{"type": "url_verification", "challenge": …}`` and accepts the URL only if the response body echoes the
challenge (Slack API, "url_verification event"). Unsigned or wrongly signed checks are refused like any request.
"""

from __future__ import annotations

import json

from bot_harness import Bot, post, unique


def test_a_signed_url_verification_is_answered_with_its_challenge(bot: Bot) -> None:
    challenge = unique("challenge-")
    reply = bot.send_json({"token": "legacy", "challenge": challenge, "type": "url_verification"})
    assert reply.status == 200
    assert challenge in reply.body


def test_an_unsigned_url_verification_is_refused(bot: Bot) -> None:
    challenge = unique("challenge-")
    body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})
    reply = post(bot.url, body, "application/json")
    assert reply.status == 401 and challenge not in reply.body
