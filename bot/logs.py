"""What reachbot logs never carries a secret or a stranger's megabytes: a filter on every bot logger.

Each record is formatted once here, redacted (``bot.render.redact``: proxy passwords, tokens, keys) and cut to
``MAX_MESSAGE`` characters; a traceback attached to it is redacted the same way. bolt and slack_sdk log
request bodies and Web API payloads (bolt: "Invalid request signature detected (… body: …)", "Unhandled
request (…)"), so their loggers get the filter too.

A filter on a logger only sees records logged on that logger, not those its children propagate
(https://docs.python.org/3/library/logging.html#filter-objects), so :func:`install` puts it on every logger
of those families that exists when it runs (bolt copies its base logger's filters to the loggers it makes
later), and on the root handlers reachbot itself configures.
"""

from __future__ import annotations

import logging

from bot.render.redact import redact

MAX_MESSAGE = 2000  # a log line longer than this is cut: nothing legitimate of ours is longer
FAMILIES = ("bot", "slack_bolt", "slack_sdk", "waitress", "reachbot")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_reachbot_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string elsewhere must not lose the line: keep what we have
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = clip(redact(message), MAX_MESSAGE), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record._reachbot_redacted = True
        return True


FILTER = RedactingFilter()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters not logged)"


def prefix(data: bytes, limit: int = 200) -> str:
    """A short, escaped look at bytes nobody vouched for (an unsigned body): never more than ``limit``."""
    shown = repr(data[:limit])
    return shown + (f" … ({len(data)} bytes)" if len(data) > limit else "")


def install(*extra: logging.Handler) -> None:
    """Put the filter on every existing logger of :data:`FAMILIES` (idempotent), and on ``extra`` handlers."""
    manager = logging.Logger.manager
    names = [n for n in list(manager.loggerDict) if n.split(".", 1)[0].split(":", 1)[0] in FAMILIES]
    for name in ("bot", "bot.bolt", "bot.gate", *names):
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
    for handler in extra:
        if FILTER not in handler.filters:
            handler.addFilter(FILTER)
