"""The engine's front door: a snapshot in, answers out.

    loaded = choose_snapshot()
    eng = Engine(loaded.snapshot, loaded.origin)
    answer = eng.ask("why can web-osaka-a not reach bucket app-data")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

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
from engine.question import Question, parse_question
from engine.snapshot import snapshot_age
from engine.topology import Topology
from engine.walk import Trace, Tracer
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
        answer = to_answer(trace, self.snapshot, self.origin, now, wording=wording)
        if fixes and trace.verdict == "blocked":
            from engine.fixes import propose_fixes  # fixes re-trace the question; only blocked answers need them

            answer = answer.model_copy(update={"fixes": propose_fixes(self, question, trace, wording)})
        return answer


def to_answer(t: Trace, snap: m.Snapshot, origin: str, now: datetime | None = None, *,
              wording: Wording = EN) -> Answer:
    """The trace's evidence rendered in ``wording``'s language: the one place a trace becomes sentences."""
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
        destination=DestinationInfo(kind=dest.kind, id=dest.id, host=dest.host, region=dest.region),
        hops=[Hop(kind=h.kind, id=h.id, region=h.region, note=wording.hop_note(h)) for h in t.hops],
        blocked_by=refusals[0] if refusals else None,
        explanations=explanations,
        caveats=list(dict.fromkeys(wording.caveat(c) for c in t.caveats)),
        snapshot=SnapshotInfo(source=origin, taken_at=snap.taken_at.isoformat(), age=snapshot_age(snap.taken_at, now)),
        runtime=q.runtime,
        action=q.action if dest.kind == "s3-bucket" else "",
        request_context=t.request_context,
    )
