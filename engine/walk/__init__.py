"""The path walk: one :class:`Walk` per question over a topology, recording typed evidence in a :class:`Trace`.

``walker`` holds the walk and its shared legs, ``targets`` chooses each route target's step by its type,
``egress`` goes from where the request leaves to the destination, ``tgw`` follows transit gateways and
``gaps`` turns collection gaps on the route into ``unknown``.
"""

from engine.walk.record import Caveat, Finding, HopRecord, Trace
from engine.walk.walker import Side, Tracer, Walk

__all__ = ["Caveat", "Finding", "HopRecord", "Side", "Trace", "Tracer", "Walk"]
