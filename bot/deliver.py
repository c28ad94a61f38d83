"""Putting rendered replies into Slack: in a thread, in a channel, or visible only to the asker.

A reply too long to read comfortably in a thread (more than a few messages, or more than ``MAX_THREAD_CHARS``)
goes as the start of its first message (header, buttons) plus the whole text as a file (``files_upload_v2``)
in the same thread. An ephemeral reply cannot carry a file; it is cut with a note after a few messages
(``response_url`` accepts five uses: https://api.slack.com/interactivity/handling#message_responses).

This is the one place replies leave for Slack, so it is where the last redaction pass runs: every field of
every payload (text, blocks, message metadata, a file's content and comment, an ack) goes through
``redact_tree`` on its way out, whatever the renderer did. The renderer's own redaction runs before it cuts
text into sections; this pass makes sure nothing added afterwards (metadata carries the question as typed)
goes out unredacted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.picture import Picture
from bot.render.blocks import Message, Rendered, context, sections
from bot.render.redact import redact_tree
from engine import wording_for

log = logging.getLogger(__name__)

MAX_THREAD_MESSAGES = 4
MAX_THREAD_CHARS = 12_000
HEAD_CHARS = 4_000  # what stays in the message when the rest goes to a file
MAX_EPHEMERAL_MESSAGES = 4
# The notes delivery adds are in the reply's language (labels slack.in-file, slack.too-long, slack.file-comment).


def to_thread(client: WebClient, channel: str, thread_ts: str, reply: Rendered,
              metadata: dict[str, Any] | None = None, picture: Callable[[], Picture] | None = None) -> None:
    """``picture``: draws the answer's route, uploaded into the thread once the text is there."""
    too_long = _too_long(reply)
    messages = [_head(reply.messages[0], reply.lang)] if too_long else reply.messages
    for i, msg in enumerate(messages):
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **_out(msg, metadata if i == 0 else None),
                                unfurl_links=False, unfurl_media=False)
    if too_long:
        _upload(client, channel, thread_ts, reply)
    if picture is not None:
        _upload_picture(client, channel, thread_ts, picture)


def to_channel(client: WebClient, channel: str, reply: Rendered, metadata: dict[str, Any] | None = None,
               picture: Callable[[], Picture] | None = None) -> str:
    """Post at the top of the channel; further messages (and the ``picture``) go into the new message's thread.
    Returns its ts."""
    too_long = _too_long(reply)
    first = _head(reply.messages[0], reply.lang) if too_long else reply.messages[0]
    response = client.chat_postMessage(channel=channel, **_out(first, metadata), unfurl_links=False,
                                       unfurl_media=False)
    ts = str(response["ts"])
    if too_long:
        _upload(client, channel, ts, reply)
    else:
        for msg in reply.messages[1:]:
            client.chat_postMessage(channel=channel, thread_ts=ts, **_out(msg), unfurl_links=False, unfurl_media=False)
    if picture is not None:
        _upload_picture(client, channel, ts, picture)
    return ts


def ephemeral(respond: Respond, reply: Rendered) -> None:
    messages = reply.messages
    if len(messages) > MAX_EPHEMERAL_MESSAGES:
        too_long = wording_for(reply.lang).label("slack.too-long")
        messages = messages[: MAX_EPHEMERAL_MESSAGES - 1] + [Message(too_long, sections(too_long))]
    for msg in messages:
        respond(**_out(msg), response_type="ephemeral", replace_original=False)


def ack_payload(reply: Rendered) -> dict[str, Any]:
    """For ack(): only the first message fits in an acknowledgement."""
    return {**_out(reply.messages[0]), "response_type": "ephemeral"}


def _out(msg: Message, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message's fields as they leave for Slack: redacted (message metadata included)."""
    fields: dict[str, Any] = {"text": msg.text, "blocks": msg.blocks}
    if metadata is not None:
        fields["metadata"] = metadata
    return dict(redact_tree(fields))


def _too_long(reply: Rendered) -> bool:
    return len(reply.messages) > MAX_THREAD_MESSAGES or sum(map(_chars, reply.messages)) > MAX_THREAD_CHARS


def _head(msg: Message, lang: str) -> Message:
    """The first blocks of a message up to HEAD_CHARS, its buttons, and a pointer to the file."""
    kept: list[dict[str, Any]] = []
    used = 0
    for block in msg.blocks:
        if block["type"] == "actions":
            continue
        size = _block_chars(block)
        if kept and used + size > HEAD_CHARS:
            break
        kept.append(block)
        used += size
    kept += [context(wording_for(lang).label("slack.in-file"))] + [b for b in msg.blocks if b["type"] == "actions"]
    return Message(msg.text, kept)


def _chars(msg: Message) -> int:
    return sum(_block_chars(b) for b in msg.blocks)


def _block_chars(block: dict[str, Any]) -> int:
    if "text" in block and isinstance(block["text"], dict):
        return len(block["text"].get("text", ""))
    return sum(len(e.get("text", "")) for e in block.get("elements", []) if isinstance(e.get("text"), str))


def _upload(client: WebClient, channel: str, thread_ts: str, reply: Rendered) -> None:
    fields = redact_tree({"content": reply.plain, "filename": reply.filename, "title": reply.filename,
                          "initial_comment": wording_for(reply.lang).label("slack.file-comment")})
    client.files_upload_v2(channel=channel, thread_ts=thread_ts, **fields)


def _upload_picture(client: WebClient, channel: str, thread_ts: str, picture: Callable[[], Picture]) -> None:
    """The route as an image, after the text answer is in the thread: a picture that cannot be drawn or
    uploaded (Slack refuses, the upload URL fails) costs only itself, never the answer (logged, not replied)."""
    try:
        drawn = picture()
        fields = redact_tree({"filename": drawn.filename, "title": drawn.title, "alt_txt": drawn.title})
        client.files_upload_v2(channel=channel, thread_ts=thread_ts, content=drawn.png, **fields)
    except (SlackApiError, SlackRequestError, OSError, ValueError) as exc:
        log.warning("the route picture was not posted to %s: %s", channel, type(exc).__name__)
