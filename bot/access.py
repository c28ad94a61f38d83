"""Who may ask about which AWS accounts: the optional access map (``REACHBOT_ACCESS_MAP``, a JSON file).

    {
      "channels": {"C0INCIDENTS": ["444455556666"], "*": ["444455556666", "111122223333"]},
      "users":    {"U0NETOPS": ["*"]}
    }

A section that is present restricts: a channel (or user) gets its own entry, else the section's ``"*"`` entry,
else nothing. A section that is absent does not restrict. A question must be allowed by both the channel and
the user. ``"*"`` in a list means every account. The map is checked before anything is traced (on the accounts
the question names) and again on the answer (every account whose resource or id it would show:
``bot.exposure``), and a refusal is the same whether the account exists or not, so it reveals nothing about
accounts outside the map.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine import ReachbotError

ALL = "*"
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class AccessMap:
    channels: Mapping[str, frozenset[str]] | None = None
    users: Mapping[str, frozenset[str]] | None = None

    @classmethod
    def load(cls, path: str) -> AccessMap:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReachbotError(f"REACHBOT_ACCESS_MAP names {path}, which does not exist.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ReachbotError(f"REACHBOT_ACCESS_MAP file {path} cannot be read: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise ReachbotError(
                f"REACHBOT_ACCESS_MAP file {path} is not valid JSON: {exc.msg} at line {exc.lineno}."
            ) from None
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: object, origin: str = "the access map") -> AccessMap:
        if not isinstance(data, dict) or not set(data) <= {"channels", "users"} or not data:
            raise ReachbotError(
                f"REACHBOT_ACCESS_MAP {origin} must be an object with \"channels\" and/or \"users\", each mapping "
                'an id (or "*") to a list of 12-digit account ids (or "*").'
            )
        return cls(**{key: _section(value, key, origin) for key, value in data.items()})

    def allows(self, user: str | None, channel: str | None, accounts: Iterable[str | None]) -> bool:
        wanted = {a for a in accounts if a}
        return _permits(self.channels, channel, wanted) and _permits(self.users, user, wanted)

    def allows_account(self, user: str | None, channel: str | None, account: str | None) -> bool:
        return self.allows(user, channel, [account])


def _permits(section: Mapping[str, frozenset[str]] | None, key: str | None, wanted: set[str]) -> bool:
    if section is None:
        return True
    allowed = section.get(key or "", section.get(ALL, frozenset()))
    return ALL in allowed or wanted <= allowed


def _section(value: object, name: str, origin: str) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        raise ReachbotError(f'REACHBOT_ACCESS_MAP {origin}: "{name}" must map ids to lists of account ids.')
    out: dict[str, frozenset[str]] = {}
    for key, accounts in value.items():
        if not isinstance(accounts, list) or not all(
            isinstance(a, str) and (a == ALL or _ACCOUNT.match(a)) for a in accounts
        ):
            raise ReachbotError(
                f'REACHBOT_ACCESS_MAP {origin}: "{name}"."{key}" must be a list of 12-digit account ids or "*".'
            )
        out[str(key)] = frozenset(accounts)
    return out
