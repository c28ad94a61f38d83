"""Which AWS accounts an answer reveals something of: what the access map is checked against after tracing.

Checking only the question's source and destination let a channel allowed one account learn another's
security group, account id and name: a destination given as a private IP, ``IP:port``, a private DNS name or
an interface endpoint's IP is not a named resource, but the route and the refusal are (issue 12). So every
resource the answer names counts, wherever it appears (hops, refusal, explanations, fixes, request context,
caveats, and the policy documents "Full policy" would show), through one table from everything that
identifies a resource to the accounts owning it:

- AWS ids of every kind in ``engine.RESOURCE_KINDS`` (``sg-…``, ``i-…``, ``vpce-…``, ``eni-…``, ``rtb-…``…),
  bucket names, role and instance-profile ARNs, ``Name`` tags;
- private IPs and private DNS names of instances and network interfaces (an endpoint's IP is its ENI's);
- account ids themselves (12 digits, alone or inside an ARN).

A plain word (letters only, ``default``) is matched only where the answer holds an id (a hop's, a refusal's),
not in prose, so a resource named like an English word does not refuse every answer that uses the word.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from engine import RESOURCE_KINDS, Answer
from engine import model as m

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_SKIP = frozenset({"accounts", "coverage"})

Holders = Mapping[str, frozenset[str]]


def holders_of(snap: m.Snapshot) -> dict[str, frozenset[str]]:
    """Everything that identifies a resource in ``snap`` → the accounts owning a resource it identifies."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    vpc_owner = {v.vpc_id: v.owner_id for v in snap.vpcs if v.owner_id}
    for kind in RESOURCE_KINDS:
        if kind.field in _SKIP or not kind.id_field:
            continue
        for item in getattr(snap, kind.field):
            owner = _owner(item, vpc_owner)
            if owner:
                for key in _keys(item, str(getattr(item, kind.id_field))):
                    found[key].add(owner)
    owners = {a for accounts in found.values() for a in accounts} | {a.account_id for a in snap.accounts}
    for account in owners:
        found[account].add(account)
    return {k: frozenset(v) for k, v in found.items()}


def _owner(item: Any, vpc_owner: Mapping[str, str]) -> str | None:
    owner = getattr(item, "owner_id", None) or getattr(item, "account_id", None)
    return owner or vpc_owner.get(getattr(item, "vpc_id", "") or "")


def _keys(item: Any, ident: str) -> Iterable[str]:
    yield ident
    for attr in ("name", "private_ip_address", "private_dns_name"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            yield value
    if ident.startswith("/hostedzone/"):
        yield ident.rsplit("/", 1)[-1]


def accounts_revealed(answer: Answer, holders: Holders, extra: Iterable[str] = ()) -> set[str]:
    """The accounts ``answer`` (and ``extra`` texts shown with it) reveals something of."""
    ids = {answer.source.id, answer.destination.id, *(h.id for h in answer.hops),
           *(e.resource for e in answer.explanations)}
    if answer.destination.host:
        ids.add(answer.destination.host)
    if answer.blocked_by is not None:
        ids.add(answer.blocked_by.resource)
    text = "\n".join([json.dumps(answer.model_dump(mode="json")), *extra])
    accounts = {a for a in _ACCOUNT.findall(text) if a in holders}
    for token in ids | set(_TOKEN.findall(text)):
        token = token.rstrip(".-")
        if token in ids or not token.isalpha():
            accounts |= holders.get(token, frozenset())
    if answer.source.account:
        accounts.add(answer.source.account)
    return accounts
