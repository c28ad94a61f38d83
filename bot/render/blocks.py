"""Block Kit building blocks and Slack's limits, so no renderer has to remember them.

Limits (https://api.slack.com/reference/block-kit/blocks): 50 blocks a message; 3,000 characters in a
section's text; 150 in a header; 75 in a button's text and 2,000 in its value; 10 elements in a context block.
Longer text is split across sections (code fences closed and reopened), more blocks across messages.

Redaction (``bot.render.redact``) happens here once per string, before any cut: a secret split across two
sections or clipped in a header would no longer be recognised. Nothing is redacted twice: pages reuse their
blocks and one fallback text (a 4 MB reply took 31 s when every page re-redacted the whole text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.render.redact import redact
from engine import wording_for

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK = 3000  # the notification / fallback text; Slack allows more, nobody reads more
FENCE = "```"

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """One Slack message: blocks plus the plain ``text`` fallback (notifications, screen readers)."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply that may need several messages; ``plain`` is the whole of it as text, for a file or a ticket."""

    messages: list[Message]
    plain: str
    filename: str = "reachbot.txt"
    lang: str = "en"  # the language of the notes delivery adds (a file instead of messages, a cut reply)


def escape(text: str) -> str:
    """Slack's three control characters in data we quote (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> Block:
    text = redact(text)
    if len(text) > MAX_HEADER:
        text = text[: MAX_HEADER - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def sections(text: str) -> list[Block]:
    """One or more mrkdwn sections holding ``text``, each within the section limit (none for no text: Slack
    refuses an empty section)."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in split_text(redact(text))
            if chunk.strip()]


def code_sections(body: str, title: str = "") -> list[Block]:
    """``body`` in code fences, split across sections; ``title`` (mrkdwn) goes above the first fence."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in split_code(body, title)]


def context(*texts: str) -> Block:
    elements = [{"type": "mrkdwn", "text": _clip(redact(t), MAX_SECTION)} for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block | None:
    """A button, or None when its value would not fit (the caller leaves it out)."""
    value = redact(value)  # the question a button asks again: a password typed in it stays out of Slack
    if len(value) > MAX_BUTTON_VALUE:
        return None
    out: Block = {"type": "button", "text": {"type": "plain_text", "text": _clip(redact(text), MAX_BUTTON_TEXT)},
                  "action_id": action_id, "value": value}
    if style:
        out["style"] = style
    return out


def actions(*buttons: Block | None) -> Block | None:
    present = [b for b in buttons if b is not None]
    return {"type": "actions", "elements": present} if present else None


def split_text(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Split at line ends where possible; a single over-long line is cut hard. (No redaction: the callers
    redact before splitting.)"""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        if len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = len(line) - (len(line) % limit or limit)  # the rest, 1..limit long, joins what follows
            chunks += [line[i:i + limit] for i in range(0, cut, limit)]
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def split_code(body: str, title: str = "") -> list[str]:
    """Code-fenced chunks of ``body``; every chunk opens and closes its own fence."""
    body = escape(redact(body)).replace(FENCE, "`\u200b``")  # a fence inside the body would end ours
    head = f"{redact(title)}\n" if title else ""
    overhead = len(FENCE) * 2 + 2
    chunks: list[str] = []
    for i, piece in enumerate(split_text(body, MAX_SECTION - overhead - len(head))):
        chunks.append(f"{head if i == 0 else ''}{FENCE}\n{piece}\n{FENCE}")
    return chunks


def paginate(blocks: list[Block], text: str, tail: Block | None = None, lang: str | None = None) -> list[Message]:
    """Messages of at most 50 blocks; ``tail`` (the buttons) ends the first message; the later ones say they
    continue it, in ``lang``."""
    room = MAX_BLOCKS - (1 if tail else 0)
    first, rest = blocks[:room], blocks[room:]
    fallback = _fallback(text)
    pages = [Message(fallback, first + ([tail] if tail else []))]
    continued = _clip(f"{wording_for(lang).label('slack.continued')} {fallback}", MAX_FALLBACK)
    for start in range(0, len(rest), MAX_BLOCKS):
        pages.append(Message(continued, rest[start:start + MAX_BLOCKS]))
    return pages


def plain_of(blocks: list[Block]) -> str:
    """The text of a block list, for a file or a ticket."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section"):
            lines.append(_unescape(block["text"]["text"]))
        elif kind == "context":
            lines.append("  ".join(_unescape(e.get("text", "")) for e in block["elements"]))
        elif kind == "divider":
            lines.append("")
    return "\n".join(lines)


def _fallback(text: str) -> str:
    """Redacted, then clipped; only a head of a long text is redacted, cut at whitespace so that no secret
    is cut in two (what is cut off is never sent)."""
    if len(text) > 2 * MAX_FALLBACK:
        head = text[: 2 * MAX_FALLBACK]
        text = head[: max(head.rfind(" "), head.rfind("\n"), MAX_FALLBACK)]
    return _clip(redact(text), MAX_FALLBACK)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("`\u200b``", FENCE)
