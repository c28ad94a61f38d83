"""Secrets never leave in a Slack message: applied to every string the renderer emits.

The collector already masks credentials in proxy URLs; this is the second line, for anything that slipped in
through user data, tags, SSM parameters or a message quoted from a thread.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "****"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host and scheme://token@host (proxy URLs with credentials)
    (re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@:<>|]+(?::[^/\s@<>|]*)?@"), rf"\g<1>{MASK}@"),
    # AWS access key ids and secret keys, Slack tokens
    (re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b"), MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), MASK),
    # key=value / key: value pairs whose key says secret (not an ARN segment such as ``:secret:name``)
    (re.compile(
        r"(?i)(?<![:/])\b((?:aws_)?secret(?:_access)?_key|password|passwd|pwd|secret|token|api[_-]?key|session_token)"
        r"(\s*[=:]\s*)(['\"]?)[^\s'\",;&]+"
    ), rf"\1\2\3{MASK}"),
)


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_tree(value: Any) -> Any:
    """Redact every string in a Block Kit structure (dicts and lists of strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _STRUCTURAL else redact_tree(v)) for k, v in value.items()}
    return value


# Keys whose values are ours (ids and types), never user data; leaving them alone keeps buttons working.
_STRUCTURAL = frozenset({"type", "action_id", "block_id", "style"})
