"""Secrets never leave in a Slack message or a log line: applied to every string reachbot sends or logs.

The collector already masks credentials in proxy URLs; this is the second line, for anything that slipped in
through user data, tags, SSM parameters, a question typed with a password in it, or a message quoted from a
thread. Credentials in URLs are found however they are written:

- RFC 3986 userinfo, ``scheme://user:password@host`` and ``scheme://token@host``
  (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1), percent-encoded or not;
- passwords with unencoded delimiters (``/``, ``#``, ``?``, ``@``), which RFC 3986 forbids but people type
  and proxies accept (curl takes everything up to the last ``@`` of the authority): everything from
  ``scheme://`` to the last ``@`` of the token is masked when it has ``user:`` before its first delimiter;
- ``user:password@host`` without a scheme (``HTTPS_PROXY=svc:pw@proxy:3128`` works for curl and Python).

Every rule is linear in the text (a 256 KiB hostile question is redacted in milliseconds): tokens are found by
one regex whose start is anchored at a token boundary, the rest is ``str`` methods on each token.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "****"

# A token that may hold a URL: a run between whitespace and Slack's markup characters, containing an ``@``.
# The look-behind keeps every match starting at a token start and the atomic group never backtracks, so a
# long run without ``@`` is scanned once, not once per position.
_DELIMS = r"\s<>|\"`"
_AT_TOKEN = re.compile(rf"(?<![^{_DELIMS}])(?>[^{_DELIMS}@]*)@[^{_DELIMS}]*")
_URL_DELIMS = "/?#"  # where an RFC 3986 authority ends
# Where a schemeless ``user:password`` starts inside a token: after ``HTTPS_PROXY=``, a quote, a bracket.
_USER_START = "=('[{,;"
_NOT_USERS = frozenset({"arn", "mailto", "urn", "tel", "sip"})  # ``arn:…/bob@corp.com`` is no credential

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # AWS access key ids, Slack tokens
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
    if "@" in text:
        text = _AT_TOKEN.sub(_mask_token, text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _mask_token(match: re.Match[str]) -> str:
    token = match.group(0)
    at = token.rfind("@")
    scheme = token.find("://")
    if 0 <= scheme < at:
        start = scheme + 3
        userinfo = token[start:at]
        cut = _first_of(userinfo, _URL_DELIMS)
        # No delimiter: RFC 3986 userinfo. A delimiter: an @ in a path (``/@bob``) unless ``user:`` comes first.
        if cut < 0 or ":" in userinfo[:cut]:
            return token[:start] + MASK + token[at:]
        return token
    colon = token.find(":")
    if scheme >= 0 or not 0 <= colon < at:
        return token
    start = max(token.rfind(c, 0, colon) for c in _USER_START) + 1
    user = token[start:colon]
    if not user or "@" in user or user.lower() in _NOT_USERS or not token[colon + 1:at]:
        return token
    return token[:start] + MASK + token[at:]


def _first_of(text: str, chars: str) -> int:
    found = [i for i in (text.find(c) for c in chars) if i >= 0]
    return min(found) if found else -1


def redact_tree(value: Any) -> Any:
    """Redact every string in a Block Kit structure or a payload (dicts and lists of strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return [redact_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _STRUCTURAL else redact_tree(v)) for k, v in value.items()}
    return value


# Keys whose values are ours (ids and types), never user data; leaving them alone keeps buttons working.
_STRUCTURAL = frozenset({"type", "action_id", "block_id", "style"})
