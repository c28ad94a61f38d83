"""AWS Lambda entry point: ``bot.lambda_handler.handler`` behind API Gateway (``POST /slack/events``).

Lambda freezes the process once the response is returned, so nothing may run after the ack in the same
invocation: bolt acks and then runs each lazy listener in a fresh asynchronous invocation of this function
(``lambda:InvokeFunction`` on itself, granted in deploy/sam/template.yaml). The app and the snapshot are built
once per container and reused while it stays warm; the snapshot is re-checked as in HTTP mode.

Every event passes :class:`bot.gate.Gate` first, as in HTTP mode. bolt's self-invocation repeats the admitted
event with ``x-slack-bolt-lazy-*`` headers and a top-level ``"method": "NONE"``, which API Gateway never
produces (its events carry the method under ``requestContext``), so only that event may carry those headers
and it is not counted as a replay.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from bot import logs
from bot.app import create_app, gate_for
from bot.gate import Decision, Gate
from bot.settings import Settings

logging.getLogger().setLevel(logging.INFO)


@functools.cache
def _handler() -> tuple[SlackRequestHandler, Gate]:
    settings = Settings.from_env(on_lambda=True)
    slack = SlackRequestHandler(_app(settings))
    logs.install(*logging.getLogger().handlers)  # the Lambda runtime's handler formats every line we log
    return slack, gate_for(settings)


def _app(settings: Settings) -> App:
    return create_app(settings)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    slack, gate = _handler()
    decision = _check(gate, event)
    if decision is not None:
        return {"statusCode": decision.status, "body": decision.reason,
                "headers": {"Content-Type": "text/plain; charset=utf-8"}}
    return slack.handle(event, context)


def _check(gate: Gate, event: Any) -> Decision | None:
    if not isinstance(event, dict):
        return Decision(400, "not an API Gateway event")
    raw_headers = event.get("headers") or {}
    body = event.get("body") or ""
    if not isinstance(raw_headers, dict) or not isinstance(body, str):
        return Decision(400, "not an API Gateway event")
    headers = {str(k).lower(): str(v) for k, v in raw_headers.items()}
    encoded = event.get("isBase64Encoded") is True
    event["isBase64Encoded"] = encoded  # bolt's adapter reads it without a default
    big = gate.too_large(len(body) * 3 // 4 if encoded else len(body))  # before decoding anything
    if big:
        return big
    try:  # a lone surrogate in a JSON string body becomes bytes that are not UTF-8: the gate says so
        data = base64.b64decode(body, validate=True) if encoded else body.encode("utf-8", "surrogatepass")
    except binascii.Error:
        return Decision(400, "the body is not valid base64")
    return gate.check(headers, data, lazy=event.get("method") == "NONE")
