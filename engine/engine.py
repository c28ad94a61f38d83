"""The engine's front door: a snapshot in, answers out.

    loaded = choose_snapshot()
    eng = Engine(loaded.snapshot, loaded.origin)
    answer = eng.ask("why can web-osaka-a not reach bucket app-data")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine import model as m
from engine.answer import (
    Answer,
    DestinationInfo,
    Explanation,
    Hop,
    Refusal,
    SnapshotInfo,
    SourceInfo,
)
from engine.derived import EVERYTHING
from engine.evidence import admission
from engine.filters import FilterResult
from engine.placement import place
from engine.question import Question, parse_question
from engine.snapshot import snapshot_age
from engine.topology import Topology
from engine.walk import Trace, Tracer
from engine.walk.record import HopRecord, RouteUsed
from engine.wording import EN, Wording

if TYPE_CHECKING:
    from engine.patch import Change


class Engine:
    """Holds the topology, indexes and compiled policies of one snapshot; answers any number of questions."""

    def __init__(self, snap: m.Snapshot, origin: str = "", *, topology: Topology | None = None) -> None:
        self.snapshot = snap
        self.origin = origin or snap.source
        self.topology = topology if topology is not None else Topology(snap)
        self.tracer = Tracer(self.topology)

    def with_changes(self, changes: Iterable[Change]) -> Engine:
        """An engine over this estate with ``changes`` applied (``Topology.with_changes``); this one is untouched."""
        return Engine(self.snapshot, self.origin, topology=self.topology.with_changes(changes))

    def parse(self, text: str, runtime: str | None = None, action: str | None = None,
              resource: str | None = None) -> Question:
        return parse_question(text, self.topology, runtime=runtime, action=action, resource=resource)

    def trace(self, question: Question) -> Trace:
        return self.tracer.trace(question)

    def ask(self, text: str, runtime: str | None = None, action: str | None = None, fixes: bool = True,
            now: datetime | None = None, wording: Wording = EN, resource: str | None = None) -> Answer:
        """``resource``: the ARN of the KMS key (or alias) or secret the request is for (``--resource``)."""
        question = self.parse(text, runtime, action, resource)
        return self.answer(question, fixes=fixes, now=now, wording=wording)

    def answer(self, question: Question, fixes: bool = True, now: datetime | None = None,
               wording: Wording = EN) -> Answer:
        trace = self.trace(question)
        answer = to_answer(trace, self.snapshot, self.origin, now, wording=wording, topology=self.topology)
        if fixes and trace.verdict == "blocked":
            from engine.fixes import propose_fixes, why_no_fix  # fixes re-trace; only blocked answers need them

            found = propose_fixes(self, question, trace, wording)
            none = why_no_fix(trace, found)
            answer = answer.model_copy(update={"fixes": found, "no_fix": none and Explanation(
                code=none.code.value, resource=none.resource, detail=wording.detail(none))})
        return answer


def to_answer(t: Trace, snap: m.Snapshot, origin: str, now: datetime | None = None, *,
              wording: Wording = EN, topology: Topology | None = None) -> Answer:
    """The trace's evidence rendered in ``wording``'s language: the one place a trace becomes sentences.
    ``topology``: where each hop sits (account, VPC), for drawings; without it those stay empty."""
    q = t.question
    src, dest = q.source, q.destination
    refusals = [Refusal(code=r.code.value, resource=r.resource, statement=r.statement, detail=wording.detail(r))
                for r in t.refusals]
    explanations = [Explanation(code=r.code, resource=r.resource, detail=r.detail) for r in refusals[1:]]
    explanations += [Explanation(code=f.code.value, resource=f.resource, detail=wording.detail(f))
                     for f in t.observations]
    return Answer(
        question=q.text,
        verdict=t.verdict,  # type: ignore[arg-type]
        source=SourceInfo(id=src.instance_id, name=src.name, region=src.region, account=src.owner_id),
        destination=DestinationInfo(kind=dest.kind, id=dest.id, host=dest.host, region=dest.region,
                                    port=dest.port),
        hops=[_hop(h, wording, topology) for h in t.hops],
        blocked_by=refusals[0] if refusals else None,
        explanations=explanations,
        caveats=list(dict.fromkeys(wording.caveat(c) for c in t.caveats)),
        snapshot=SnapshotInfo(source=origin, taken_at=snap.taken_at.isoformat(), age=snapshot_age(snap.taken_at, now)),
        runtime=q.runtime,
        action=q.action if dest.kind == "s3-bucket" else "",
        request_context=t.request_context,
    )


def _hop(h: HopRecord, wording: Wording, topology: Topology | None) -> Hop:
    admitted = [_admission(record, wording, topology) for record in h.admitted] if h.admitted else []
    account, vpc = _place(topology, h) if topology is not None else (None, None)
    return Hop(kind=h.kind, id=h.id, region=h.region, note=wording.hop_note(h, [text for _, text in admitted]),
               admitted_by=[data for data, _ in admitted], account=account, vpc=vpc)


def _place(topology: Topology, h: HopRecord) -> tuple[str | None, str | None]:
    """``place`` of a hop, kept per resource and the facts it reads: most hops of warm answers are the same
    resources again (the topology's cache drops the entry when the estate under it changes)."""
    facts = h.facts
    key = ("place", h.kind, h.id, facts.get("vpc"), facts.get("subnet"), facts.get("account"))
    return topology.derived.get(key, (EVERYTHING,), lambda: place(topology, h))


def _admission(record: FilterResult | RouteUsed, wording: Wording,
               topology: Topology | None) -> tuple[dict[str, Any], str]:
    """An admitting rule as data and words, kept in the topology's cache: the same few rules admit most answers'
    hops (warm answers, bench/README). Keyed by the rule object's id; the entry keeps the object itself and is
    used only while it is that very object (an id can be reused once its object is gone)."""
    rule = record.route if isinstance(record, RouteUsed) else record.rule

    def build() -> tuple[object, dict[str, Any], str]:
        data = admission(record)
        return rule, data, wording.admission(data)

    if topology is None:
        return build()[1:]
    if isinstance(record, RouteUsed):
        key: tuple[Any, ...] = ("admitted", id(wording.catalog), id(rule), record.route_table)
    else:
        key = ("admitted", id(wording.catalog), id(rule), record.resource, record.egress, record.ports)
    kept, data, text = topology.derived.get(key, (), build)
    return (data, text) if kept is rule else build()[1:]
