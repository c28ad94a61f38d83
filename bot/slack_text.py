"""Slack's message markup back into what the user typed.

Slack rewrites text before we see it (https://api.slack.com/reference/surfaces/formatting#retrieving-messages):
``&``, ``<`` and ``>`` are escaped (so ``i-0abc -> app-data`` arrives as ``-&gt;``), host names and URLs become
links (``<http://ssm.ap-northeast-1.amazonaws.com|ssm.ap-northeast-1.amazonaws.com>``), mentions become
``<@U123>``. A question must be parsed from what the user typed, i.e. the link's label when it has one.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def typed_text(text: str, drop_mentions: bool = True) -> str:
    """What the user typed: mentions dropped, links replaced by their label (or URL), entities unescaped."""
    if drop_mentions:
        text = _MENTION.sub(" ", text)
    text = _LINK.sub(_link_text, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _link_text(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        return f"@{label or target[1:].split('^')[0]}"
    if target.startswith("mailto:"):
        return label or target[len("mailto:"):]
    return label or target
