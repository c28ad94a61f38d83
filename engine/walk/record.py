"""What a walk records: typed evidence, never prose (``engine.wording`` renders it at the edge).

A :class:`Trace` is a disposition plus ordered hops, as pybatfish keeps a trace: each hop names its kind, the
AWS resource, and the facts that admitted it (the route chosen, the zone that answered, the policy in force);
each finding names its code, the resource that refused or was noticed, and the facts compared. Two traces of
the same question over two snapshots can be compared fact by fact, and every language renders the same record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.codes import Code, Kind

if TYPE_CHECKING:
    from engine import model as m
    from engine.proxy import ProxyChoice
    from engine.question import Question
    from engine.walk.walker import Side


def _frozen(facts: dict[str, Any]) -> Mapping[str, Any]:
    """The ``**facts`` of one call are a dict of their own: kept as they are (read-only by contract, typed as a
    Mapping) rather than copied and wrapped, as an answer records a few dozen of them."""
    return facts


@dataclass(frozen=True, slots=True)
class HopRecord:
    """One hop of the route: ``kind`` and ``id`` as in the JSON answer, ``note`` the wording key of its note."""

    kind: str
    id: str
    region: str | None
    note: str
    facts: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Finding:
    """A refusal or a note: its code, the resource it concerns, the deciding statement, the facts compared."""

    code: Code
    resource: str
    facts: Mapping[str, Any]
    statement: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Caveat:
    """Why the answer is not final or not complete; ``code`` is of kind CAVEAT."""

    code: Code
    facts: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TgwLanding:
    """Where a transit gateway handed a packet into a VPC: the attachment, the attachment subnet and its zone,
    on the way there or back, and whether the packet was for that VPC itself (else a transit VPC)."""

    attachment: str
    subnet: str
    zone: str | None
    back: bool
    delivered: bool


@dataclass
class Trace:
    """What the walk found; ``engine.engine.to_answer`` renders it into an :class:`~engine.answer.Answer`."""

    question: Question
    hops: list[HopRecord] = field(default_factory=list)
    refusals: list[Finding] = field(default_factory=list)
    observations: list[Finding] = field(default_factory=list)
    caveats: list[Caveat] = field(default_factory=list)
    unknown: bool = False
    incomplete: bool = False  # the route crosses a region whose collection has gaps: refusals are not final
    proxy: ProxyChoice | None = None
    proxy_instance: m.Instance | None = None
    egress: Side | None = None  # where the request leaves from towards the destination
    egress_route_table: str | None = None
    endpoint: str | None = None  # vpce the request went through
    zones: set[str] = field(default_factory=set)  # private hosted zones whose answers the walk used
    request_context: dict[str, Any] | None = None

    @property
    def verdict(self) -> str:
        if self.incomplete:
            return "unknown"
        if self.refusals:
            return "blocked"
        return "unknown" if self.unknown else "reachable"

    def hop(self, kind: str, ident: str, region: str | None, note: str | None = None, /, **facts: Any) -> None:
        self.hops.append(HopRecord(kind, ident, region, note or kind, _frozen(facts)))

    def refuse(self, code: Code, resource: str, /, statement: dict[str, Any] | None = None, **facts: Any) -> None:
        assert code.kind is Kind.REFUSAL, code
        self.refusals.append(Finding(code, resource, _frozen(facts), statement))

    def observe(self, code: Code, resource: str, /, **facts: Any) -> None:
        assert code.kind is Kind.NOTE, code
        self.observations.append(Finding(code, resource, _frozen(facts)))

    def caveat(self, code: Code, /, **facts: Any) -> None:
        """Say something the answer does not cover, without making it ``unknown``."""
        assert code.kind is Kind.CAVEAT, code
        record = Caveat(code, _frozen(facts))
        if record not in self.caveats:
            self.caveats.append(record)

    def cannot_tell(self, code: Code, /, **facts: Any) -> None:
        """The walk cannot go on from here: the answer is ``unknown`` unless something refused already."""
        self.unknown = True
        self.caveat(code, **facts)

    def not_final(self, code: Code, /, **facts: Any) -> None:
        """The answer rests on data collection could not read: ``unknown`` even if something refused."""
        self.incomplete = True
        self.caveat(code, **facts)
