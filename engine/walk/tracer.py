"""The tracer: built once per snapshot, it runs one :class:`~engine.walk.walker.Walk` per question."""

from __future__ import annotations

from engine.policybook import PolicyBook
from engine.question import Question
from engine.topology import Topology
from engine.walk.egress import to_destination
from engine.walk.gaps import check_gaps
from engine.walk.record import Trace
from engine.walk.walker import Walk


class Tracer:
    """Answers questions over one topology; build once per snapshot, reuse for every question."""

    def __init__(self, topo: Topology, policies: PolicyBook | None = None) -> None:
        self.topo = topo
        self.policies = policies or PolicyBook(topo)

    def trace(self, q: Question) -> Trace:
        walk = Walk(self.topo, self.policies, q)
        egress = walk.start()
        if egress is not None:
            to_destination(walk, egress)
        check_gaps(walk)
        return walk.t
