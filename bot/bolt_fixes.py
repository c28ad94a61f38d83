"""One correction to slack_bolt's request parsing, applied when the app is built (:func:`apply`).

slack_bolt 1.x ``parse_body`` (``slack_bolt/request/internals.py``) reads a form body as an interactivity
payload whenever the text ``payload`` appears anywhere in it, and, finding no ``payload`` field, returns
``{}``: ``/reach why can web-osaka-a not reach bucket payload-archive`` (or a channel or user name with the
word in it) reached the app as an empty request. Here such a body is read as the form it is; every other
body is parsed exactly as bolt parses it. bolt re-parses the raw body for each lazy listener
(``BoltRequest.to_copyable``) and on Lambda's self-invocation, so the correction has to sit where
``BoltRequest`` looks the function up rather than around one request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request import internals
from slack_bolt.request import request as bolt_request

_bolt_parse_body = internals.parse_body


def parse_body(body: str, content_type: str | None) -> dict[str, Any]:
    parsed: dict[str, Any] = _bolt_parse_body(body, content_type)
    if parsed or not body or "payload" not in body or content_type == "application/json" or body.startswith("{"):
        return parsed
    fields = dict(parse_qsl(body, keep_blank_values=True))
    return parsed if "payload" in fields else fields


def apply() -> None:
    """Make bolt's BoltRequest use :func:`parse_body` (idempotent)."""
    bolt_request.parse_body = parse_body  # type: ignore[attr-defined]
