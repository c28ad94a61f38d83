"""Unexpected errors: the user gets a short reply with an error id, the log gets the details."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.render.blocks import Rendered
from bot.render.replies import internal_error, snapshot_unavailable
from engine import SnapshotError

log = logging.getLogger("bot")


def new_error_id() -> str:
    return "rb-" + secrets.token_hex(4)


@contextmanager
def replying_on_error(reply: Callable[[Rendered], object], doing: str, lang: str | None = None) -> Iterator[None]:
    """Run a handler's work; on an unexpected exception, log it under an id and tell the user that id.

    Silence is the worst answer in an incident channel, so the user always hears back; nothing of the
    exception (which may quote snapshot data or tokens) goes to Slack. ``lang``: the language of that reply.
    """
    try:
        yield
    except Exception as exc:
        error_id = new_error_id()
        log.exception("error %s while %s", error_id, doing)
        try:
            reply(snapshot_unavailable(error_id, lang) if isinstance(exc, SnapshotError)
                  else internal_error(error_id, lang))
        except Exception:
            log.exception("error %s: the error reply could not be sent either", error_id)
