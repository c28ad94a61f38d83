"""Which language a reply is written in (issue #15).

In order, the first that applies:

1. the question's own script: a question with kana or kanji is answered in Japanese (``bot.reach.reply_language``);
2. the channel's setting, ``REACHBOT_CHANNEL_LANGS`` (``C0123ABC:ja,C0456DEF:en``), for channels whose
   replies everyone reads in one language;
3. the asker's Slack locale (``users.info`` with ``include_locale``, "Locale locale locale", Slack changelog
   2017-09: an IETF tag such as ``ja-JP``), looked up once per user and remembered; a payload that already
   carries ``locale`` is used as it is;
4. the workspace default, the ``*`` entry of ``REACHBOT_CHANNEL_LANGS``;
5. English.

A handoff summary is posted in the thread for everyone there: it follows the channel's setting, then the
language most of the thread's questions are asked in (Japanese if most are), then the requester's.
Codes, resource ids, JSON and commands are the same in every language.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from engine import LANGUAGES, ReachbotError

log = logging.getLogger(__name__)

CHANNEL_LANGS_ENV = "REACHBOT_CHANNEL_LANGS"
WORKSPACE = "*"
MAX_USERS = 4096  # locales remembered; a user's locale rarely changes, and a miss costs one users.info call


def parse_channel_langs(raw: str | None) -> dict[str, str]:
    """``C0123:ja,C0456:en,*:ja`` into a mapping; anything else names the variable and what would work."""
    out: dict[str, str] = {}
    for entry in (raw or "").replace(" ", "").split(","):
        if not entry:
            continue
        channel, sep, lang = entry.partition(":")
        if not sep or not channel or lang.lower() not in LANGUAGES:
            raise ReachbotError(f"{CHANNEL_LANGS_ENV}: {entry[:60]!r} is not CHANNEL:LANG with LANG one of "
                                f"{', '.join(LANGUAGES)} (e.g. C0123ABC:ja,*:en).")
        out[channel] = lang.lower()
    return out


def locale_language(locale: object) -> str | None:
    """``ja-JP`` → ``ja``; None for a locale without a catalog."""
    if not isinstance(locale, str):
        return None
    lang = locale.replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGUAGES else None


class Languages:
    def __init__(self, channels: Mapping[str, str] | None = None) -> None:
        self.channels = dict(channels or {})
        self._locales: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def preferred(self, user: str | None, channel: str | None, client: WebClient | None = None,
                  payload: Mapping[str, Any] | None = None) -> str | None:
        """The language for ``user`` in ``channel`` before the question is read (rules 2-4); None: English.

        Without ``client`` (inside an ack, which must not wait on the Web API) the locale is only used when
        remembered or carried by ``payload``."""
        if channel and channel in self.channels:
            return self.channels[channel]
        locale = locale_language((payload or {}).get("locale")) or self._locale(user, client)
        return locale or self.channels.get(WORKSPACE)

    def _locale(self, user: str | None, client: WebClient | None) -> str | None:
        if not user:
            return None
        with self._lock:
            if user in self._locales:
                self._locales.move_to_end(user)
                return self._locales[user]
        if client is None:
            return None
        lang = self._lookup(user, client)
        with self._lock:
            self._locales[user] = lang
            while len(self._locales) > MAX_USERS:
                self._locales.popitem(last=False)
        return lang

    @staticmethod
    def _lookup(user: str, client: WebClient) -> str | None:
        try:
            info = client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:  # no users:read scope, a deleted user: the other rules decide
            log.info("no locale for user %s: %s", user, exc.response.get("error"))
            return None
        except OSError as exc:  # Slack unreachable or slow: the question is answered all the same
            log.info("no locale for user %s: %s", user, type(exc).__name__)
            return None
        return locale_language((info.get("user") or {}).get("locale"))
