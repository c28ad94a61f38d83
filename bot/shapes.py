"""What a Slack request to reachbot looks like, checked before bolt reads it.

bolt (1.x) trusts a signed body to be what Slack sends: ``parse_body`` hands ``json.loads`` output on as the
body whatever it is (``[]``, ``null``), its context extractors and listener matchers index into it
(``body["event"]["type"]``, ``body["actions"][0]``, ``"id" in body["team"]``), and our listeners read the fields
their kind of request always has. Anything else raised inside bolt's dispatch: HTTP 500 and a traceback.
So a body is admitted only as one of the kinds reachbot handles, with the fields bolt and the listeners read
of the types Slack gives them (https://api.slack.com/interactivity/slash-commands#app_command_handling,
https://api.slack.com/events-api#callback-field, https://api.slack.com/reference/interaction-payloads).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.bolt_fixes import parse_body

Check = Callable[[Any], bool]


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _opt_str(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _ref(v: Any) -> bool:
    """A team, user, channel or enterprise: an id, or an object whose ``id`` is one."""
    return v is None or isinstance(v, str) or (isinstance(v, dict) and _opt_str(v.get("id")))


def _obj(v: Any) -> bool:
    return v is None or isinstance(v, dict)


# Fields bolt's context extractors read on any body (and on its ``event``, ``message``, ``item``…).
_COMMON: dict[str, Check] = {
    "type": _opt_str, "team": _ref, "enterprise": _ref, "user": _ref, "channel": _ref,
    "team_id": _opt_str, "enterprise_id": _opt_str, "user_id": _opt_str, "channel_id": _opt_str,
    "thread_ts": _opt_str, "user_team": _opt_str, "context_team_id": _opt_str, "context_enterprise_id": _opt_str,
    "function_execution_id": _opt_str, "bot_access_token": _opt_str,
    "event": _obj, "message": _obj, "previous_message": _obj, "item": _obj, "assistant_thread": _obj,
    "function_data": _obj, "view": _obj, "container": _obj, "workflow_step": _obj,
    "authorizations": lambda v: v is None or (isinstance(v, list) and all(isinstance(a, dict) for a in v)),
}
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread", "container")


def problem(text: str, content_type: str | None) -> str | None:
    """Why ``text`` (a signed, decoded body) is not a request reachbot handles; None when it is one."""
    try:
        # bolt's own parser (with bot.bolt_fixes' correction), so what is checked is what bolt dispatches on
        body = parse_body(text, content_type)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        return "the body is not valid JSON"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    trouble = _common(body, 2)
    if trouble:
        return trouble
    kind = _kind(body)
    if kind is None:
        return "the body is not a slash command, an event or an interaction reachbot handles"
    return _fields(body, _KINDS[kind])


def _common(body: Mapping[str, Any], depth: int) -> str | None:
    for key, check in _COMMON.items():
        if key in body and not check(body[key]):
            return f"field {key!r} has the wrong type"
    if depth:
        for key in _NESTED:
            inner = body.get(key)
            if isinstance(inner, dict):
                trouble = _common(inner, depth - 1)
                if trouble:
                    return f"{key}: {trouble}"
    return None


def _kind(body: Mapping[str, Any]) -> str | None:
    kind = body.get("type")
    if kind is None and "command" in body:
        return "command"
    if kind == "event_callback":
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        return kind if kind in ("app_mention", "app_home_opened") else None
    return kind if kind in _KINDS else None


def _fields(body: Mapping[str, Any], spec: Mapping[str, Check]) -> str | None:
    for key, check in spec.items():
        if not check(body.get(key)):
            return f"field {key!r} is missing or has the wrong type"
    return None


def _event(v: Any) -> bool:
    return isinstance(v, dict) and _str(v.get("channel")) and _str(v.get("ts")) and _opt_str(v.get("text")) \
        and _opt_str(v.get("user")) and _opt_str(v.get("thread_ts"))


def _home_event(v: Any) -> bool:
    """https://api.slack.com/events/app_home_opened: who opened which tab (``home`` or ``messages``)."""
    return isinstance(v, dict) and _str(v.get("user")) and _opt_str(v.get("tab")) and _opt_str(v.get("channel"))


def _actions(v: Any) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(
        isinstance(a, dict) and _str(a.get("action_id")) and _opt_str(a.get("value")) for a in v)


def _with_id(v: Any) -> bool:
    return isinstance(v, dict) and _str(v.get("id"))


def _message(v: Any) -> bool:
    return isinstance(v, dict) and _str(v.get("ts")) and _opt_str(v.get("thread_ts"))


_KINDS: dict[str, dict[str, Check]] = {
    # Form fields are strings by construction; these three are what /reach needs to answer.
    "command": {"command": _str, "text": _str, "response_url": _str},
    "url_verification": {"challenge": _str},
    "app_rate_limited": {},
    "app_mention": {"event": _event, "event_id": _opt_str},
    "app_home_opened": {"event": _home_event, "event_id": _opt_str},
    "block_actions": {"actions": _actions, "response_url": _opt_str, "message": lambda v: v is None or _message(v)},
    "message_action": {"callback_id": _str, "channel": _with_id, "message": _message, "response_url": _str,
                       "user": lambda v: v is None or _with_id(v)},
}

