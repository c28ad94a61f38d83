"""AWS Lambda entry point: ``bot.lambda_handler.handler`` behind API Gateway (``POST /slack/events``).

Lambda freezes the process once the response is returned, so nothing may run after the ack in the same
invocation: bolt acks and then runs each lazy listener in a fresh asynchronous invocation of this function
(``lambda:InvokeFunction`` on itself, granted in deploy/sam/template.yaml). The app and the snapshot are built
once per container and reused while it stays warm; the snapshot is re-checked as in HTTP mode.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from bot.app import create_app
from bot.settings import Settings

logging.getLogger().setLevel(logging.INFO)


@functools.cache
def _handler() -> SlackRequestHandler:
    return SlackRequestHandler(_app())


def _app() -> App:
    return create_app(Settings.from_env(on_lambda=True))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler().handle(event, context)
