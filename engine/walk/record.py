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
    from engine.filters import FilterResult
    from engine.proxy import ProxyChoice
    from engine.question import Question
    from engine.walk.walker import Side


def _frozen(facts: dict[str, Any]) -> Mapping[str, Any]:
    """The ``**facts`` of one call are a dict of their own: kept as they are (read-only by contract, typed as a
    Mapping) rather than copied and wrapped, as an answer records a few dozen of them."""
    return facts


@dataclass(frozen=True, slots=True)
class RouteUsed:
    """The route a route table chose for a packet: the table and the route object itself (its destination,
    target and origin: local, static or propagated), formatted only when an answer is rendered. A transit
    gateway route table's route (static or propagated) is recorded the same way."""

    route_table: str
    route: m.Route | m.TransitGatewayRoute


@dataclass(frozen=True, slots=True)
class HopRecord:
    """One hop of the route: ``kind`` and ``id`` as in the JSON answer, ``note`` the wording key of its note.

    ``admitted``: the rules that let the packet on to this hop, in the order they were judged: the security
    group rules and network ACL entries the packet passed since the previous hop (each a
    :class:`~engine.filters.FilterResult` holding the deciding rule object), and, for a route-table hop, the
    route it used. References only: the walk is on every answer's hot path, words and dicts come at render time.
    """

    kind: str
    id: str
    region: str | None
    note: str
    facts: Mapping[str, Any]
    admitted: tuple[FilterResult | RouteUsed, ...] = ()


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
    # Filters passed since the last hop; the next forward hop takes them as the rules that admitted it.
    passed: list[FilterResult] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.incomplete:
            return "unknown"
        if self.refusals:
            return "blocked"
        return "unknown" if self.unknown else "reachable"

    def hop(self, kind: str, ident: str, region: str | None, note: str | None = None, /, **facts: Any) -> None:
        self.hops.append(HopRecord(kind, ident, region, note or kind, _frozen(facts), self._take_passed()))

    def route_hop(self, used: RouteUsed, region: str | None, back: bool, /, **facts: Any) -> None:
        """A route-table hop, admitted by the route it used. A return route's hop leaves the filters passed so far
        to the hop the request arrives at: they admitted that hop, not the reply's route."""
        admitted: tuple[FilterResult | RouteUsed, ...] = (used,) if back else (*self._take_passed(), used)
        note = "route-table-return" if back else "route-table"
        self.hops.append(HopRecord("route-table", used.route_table, region, note, _frozen(facts), admitted))

    def routed(self, kind: str, ident: str, region: str | None, used: RouteUsed, /, **facts: Any) -> None:
        """A hop reached by a route that is not a VPC route table's (a transit gateway's): admitted by the filters
        passed so far and that route."""
        self.hops.append(HopRecord(kind, ident, region, kind, _frozen(facts), (*self._take_passed(), used)))

    def passes(self, result: FilterResult) -> None:
        """A security group or network ACL let the packet through: evidence for the next hop."""
        self.passed.append(result)

    def _take_passed(self) -> tuple[FilterResult, ...]:
        if not self.passed:
            return ()
        taken = tuple(self.passed)
        self.passed.clear()
        return taken

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
