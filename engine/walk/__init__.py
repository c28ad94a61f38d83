"""The path walk: one :class:`Walk` per question over a topology, recording typed evidence in a :class:`Trace`.

Modules in the order they build on one another (none imports one after it): ``record`` (the evidence),
``firewall`` (AWS Network Firewall policy evaluation, pure), ``tgw`` (transit gateways), ``targets`` (each
route target's step, by its type), ``names`` (name resolution on the walk: the ``dns`` hop, Resolver rules, DNS
Firewall), ``inspection`` (the walk at a Network Firewall endpoint), ``walker`` (the walk and its shared legs),
``egress`` (from where the request leaves to the destination), ``gaps`` (collection gaps on the route make the
answer ``unknown``) and ``tracer`` (one walk per question).
"""

from engine.walk.record import Caveat, Finding, HopRecord, Trace
from engine.walk.tracer import Tracer
from engine.walk.walker import Side, Walk

__all__ = ["Caveat", "Finding", "HopRecord", "Side", "Trace", "Tracer", "Walk"]
