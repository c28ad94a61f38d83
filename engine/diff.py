"""``reachbot diff``: what changed between two snapshots, and which change broke (or fixed) a flow (issue #13).

Each question is traced over both snapshots. A change lies *on the route* when the resource it belongs to is one
the trace touched in either snapshot: a hop, a refusing or noted resource, a fact a hop recorded (route table,
endpoint, proxy instance), the role the source instance acts as, or, for a route, when that very route was the
one chosen in either trace (another route added to a table on the way decides nothing). Where the verdict
flipped, ``explained_by`` lists those changes, the one on the resource that refuses on the blocked side first,
then the others in the order the route meets them; ahead of all, those shown to flip the answer alone (the question
traced again over the old snapshot with only that change's resource as the new snapshot has it, as fixes are
proven by re-tracing). Without questions, the flows traced are every client instance
(one per subnet, proxy settings, security groups and role: instances alike in those answer alike) to every bucket.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import Any

from engine import model as m
from engine.changes import SnapshotChange, snapshot_changes, with_resource_of
from engine.engine import Engine
from engine.errors import QuestionError
from engine.topology import Topology
from engine.walk import Trace

MAX_SAMPLED_FLOWS = 40
_JUST_BEFORE = timedelta(seconds=1)
MAX_PROOFS = 8  # on-route changes re-traced one by one per flipped answer; each costs one topology build
_SCALAR = (str, int)


@dataclass(frozen=True, slots=True)
class AnswerChange:
    question: str
    before: str | None  # the verdict over the old snapshot; None when the question names nothing there
    after: str | None
    explained_by: list[str]  # change ids, the one that refuses on the blocked side first
    on_route: list[str]  # every change on the route, flipped or not
    alone: list[str] = field(default_factory=list)  # changes shown to flip the answer on their own
    blocked_by: tuple[str | None, str | None] = (None, None)  # the first refusal's code before and after
    errors: tuple[str | None, str | None] = (None, None)

    @property
    def flipped(self) -> bool:
        return self.before is not None and self.after is not None and self.before != self.after

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": self.question, "before": self.before, "after": self.after,
                               "flipped": self.flipped, "explained_by": self.explained_by,
                               "on_route": self.on_route, "flips_alone": self.alone,
                               "blocked_by_before": self.blocked_by[0],
                               "blocked_by_after": self.blocked_by[1]}
        for side, error in zip(("before", "after"), self.errors, strict=True):
            if error:
                out[f"{side}_error"] = error
        return out


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    old: str  # where each snapshot came from
    new: str
    old_taken_at: str
    new_taken_at: str
    changes: list[SnapshotChange]
    answers: list[AnswerChange]
    sampled: bool = False  # the answers are the estate's common flows, not questions asked
    sampled_flows: int = field(default=0)

    def to_json_dict(self) -> dict[str, Any]:
        return {"old": {"snapshot": self.old, "taken_at": self.old_taken_at},
                "new": {"snapshot": self.new, "taken_at": self.new_taken_at},
                "changes": [c.to_json_dict() for c in self.changes],
                "answers": [a.to_json_dict() for a in self.answers],
                "sampled": self.sampled, "sampled_flows": self.sampled_flows}


def diff_snapshots(old: Engine, new: Engine, questions: Sequence[str] = (), runtime: str | None = None,
                   action: str | None = None, keep_flow: Callable[[str], bool] | None = None) -> SnapshotDiff:
    """The changes, and each question's answer before and after; without questions, the common flows' (those
    ``keep_flow`` keeps: the bot's access map)."""
    changes = snapshot_changes(old.snapshot, new.snapshot)
    flows = list(questions) or common_flows(old.snapshot, new.snapshot, keep_flow=keep_flow)
    one_change = OneChange(old, new)
    answers = [compare(q, old, new, changes, runtime, action, one_change) for q in flows]
    if questions:
        for a in answers:
            if a.before is None and a.after is None:
                raise QuestionError(f"{a.question!r}: {a.errors[1] or a.errors[0]}")
    else:
        answers = [a for a in answers if a.flipped]  # of a sample, only what changed is news
    return SnapshotDiff(old.origin, new.origin, old.snapshot.taken_at.isoformat(),
                        new.snapshot.taken_at.isoformat(), changes, answers, sampled=not questions,
                        sampled_flows=0 if questions else len(flows))


class OneChange:
    """Engines over the old snapshot with one change's resource as the new one has it, built once each."""

    def __init__(self, old: Engine, new: Engine) -> None:
        self.old, self.new = old, new
        self._engines: dict[str, Engine] = {}

    def flips_alone(self, c: SnapshotChange, question: str, after: str, runtime: str | None,
                    action: str | None) -> bool:
        eng = self._engines.get(c.id)
        if eng is None:
            eng = self._engines[c.id] = Engine(with_resource_of(self.old.snapshot, self.new.snapshot, c),
                                               self.old.origin)
        t, _ = _trace(eng, question, runtime, action)
        return t is not None and t.verdict == after


def compare(question: str, old: Engine, new: Engine, changes: Sequence[SnapshotChange],
            runtime: str | None = None, action: str | None = None,
            one_change: OneChange | None = None) -> AnswerChange:
    before, before_error = _trace(old, question, runtime, action)
    after, after_error = _trace(new, question, runtime, action)
    traced = [t for t in (before, after) if t is not None]
    touched = [_touched(t, e.topology) for t, e in ((before, old), (after, new)) if t is not None]
    chosen = _chosen_routes(traced)
    seen = {x for names in touched for x in names}
    on_route = [c for c in changes if _on(c, seen, chosen)]
    verdicts = (before.verdict if before else None, after.verdict if after else None)
    flipped = None not in verdicts and verdicts[0] != verdicts[1]
    explained = _explaining(on_route, before, after, touched) if flipped else []
    alone: list[SnapshotChange] = []
    if flipped and verdicts[1] is not None:
        check = one_change or OneChange(old, new)
        alone = [c for c in explained[:MAX_PROOFS] if check.flips_alone(c, question, verdicts[1], runtime, action)]
        explained = alone + [c for c in explained if c not in alone]
    return AnswerChange(question, *verdicts, explained_by=[c.id for c in explained],
                        on_route=[c.id for c in on_route], alone=[c.id for c in alone],
                        blocked_by=(_first_code(before), _first_code(after)), errors=(before_error, after_error))


def _trace(eng: Engine, question: str, runtime: str | None, action: str | None) -> tuple[Trace | None, str | None]:
    try:
        return eng.trace(eng.parse(question, runtime=runtime, action=action)), None
    except QuestionError as exc:
        return None, str(exc)


def _first_code(t: Trace | None) -> str | None:
    return t.refusals[0].code.value if t is not None and t.refusals else None


def _explaining(on_route: list[SnapshotChange], before: Trace | None, after: Trace | None,
                touched: list[list[str]]) -> list[SnapshotChange]:
    """On-route changes, the one on the resource refusing on the worse side first, then in route order."""
    worse = after if after is not None and after.verdict != "reachable" else before
    refusing = {r.resource for r in worse.refusals} if worse is not None else set()
    order: dict[str, int] = {}
    for ident in (x for seen in touched for x in seen):  # where the route first meets each resource
        order.setdefault(ident, len(order))

    def rank(c: SnapshotChange) -> tuple[int, int]:
        return (0 if c.resource in refusing else 1, min((order[r] for r in _keys(c) if r in order), default=1 << 30))

    return sorted(on_route, key=rank)


def _on(c: SnapshotChange, seen: set[str], chosen: Mapping[str, set[str]]) -> bool:
    if c.kind == "route":  # only the route a trace chose decides; a sibling route in that table does not
        destination = c.id.split(":", 2)[2]
        return destination in chosen.get(c.resource, set())
    return any(k in seen for k in _keys(c))


def _keys(c: SnapshotChange) -> tuple[str, ...]:
    """What a trace names when it meets the change: its resource, and for a DNS record the name looked up."""
    if c.kind == "dns-record":
        return (c.resource, c.id.split(":", 2)[2].rsplit(":", 1)[0].rstrip(".").lower())
    return (c.resource,)


def _chosen_routes(traces: list[Trace]) -> dict[str, set[str]]:
    """Route table → the destinations of the routes the traces took there."""
    out: dict[str, set[str]] = {}
    for t in traces:
        for h in t.hops:
            if h.kind == "route-table" and isinstance(h.facts.get("route"), str):
                out.setdefault(h.id, set()).add(h.facts["route"])
    return out


def _touched(t: Trace, topo: Topology) -> list[str]:
    """Every resource the trace names, in route order (hops, then findings), with the source's role."""
    seen: dict[str, None] = {}
    for h in t.hops:
        seen[h.id.lower() if h.kind == "dns" else h.id] = None
        seen.update(dict.fromkeys(_strings(h.facts)))
    for f in [*t.refusals, *t.observations]:
        seen[f.resource] = None
        seen.update(dict.fromkeys(_strings(f.facts)))
        if "decision" in f.facts:
            seen["organization"] = None  # a policy gate evaluates the organisation's SCPs and RCPs too
    seen.update(dict.fromkeys(_roles_of(topo, [i for i in seen if i.startswith("i-")])))
    return list(seen)


def _strings(facts: Mapping[str, Any]) -> Iterator[str]:
    for value in facts.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            yield from (v for v in value if isinstance(v, str))


def _roles_of(topo: Topology, instance_ids: list[str]) -> Iterator[str]:
    """The roles the instances act as (through their instance profiles): their identity policies gate S3."""
    for ident in instance_ids:
        inst = topo.instances.get(ident)
        if inst is not None and inst.iam_instance_profile is not None:
            profile = topo.profiles.get(inst.iam_instance_profile.arn)
            yield from (profile.roles if profile else [])


def common_flows(old: m.Snapshot, new: m.Snapshot, limit: int = MAX_SAMPLED_FLOWS,
                 keep_flow: Callable[[str], bool] | None = None) -> list[str]:
    """Client instance → bucket questions over what both snapshots hold: one instance per kind of client, each
    first to a bucket of its own account and region, then alternately to others (so a sample of a large estate
    holds cross-region flows too), up to ``limit`` flows that ``keep_flow`` keeps."""
    old_ids = {i.instance_id for i in old.instances}
    old_buckets = {b.name for b in old.buckets}
    clients: dict[tuple[Any, ...], m.Instance] = {}
    for inst in sorted(new.instances, key=lambda i: (bool(i.proxy_ports), i.instance_id)):
        if inst.instance_id in old_ids:
            clients.setdefault(_alike(inst), inst)
    buckets = [b for b in new.buckets if b.name in old_buckets]
    names = Counter(i.name for i in new.instances if i.name)
    out: list[str] = []
    candidates = islice(_pairs(list(clients.values()), buckets), limit * 10)  # bounded under a strict access map
    for inst, bucket in candidates:
        ref = inst.name if inst.name and names[inst.name] == 1 else inst.instance_id
        flow = f"can {ref} reach bucket {bucket.name}"
        if keep_flow is None or keep_flow(flow):
            out.append(flow)
            if len(out) >= limit:
                break
    return out


def _pairs(clients: list[m.Instance], buckets: list[m.Bucket]) -> Iterator[tuple[m.Instance, m.Bucket]]:
    """Round r pairs client k with bucket number (r + k mod 2) of its own order (_bucket_order), so same-region
    and cross-region flows alternate from the first round on."""
    ordered: dict[str, list[m.Bucket]] = {}
    for r in range(len(buckets)):
        for k, inst in enumerate(clients):
            mine = ordered.get(inst.instance_id)
            if mine is None:
                mine = ordered[inst.instance_id] = _bucket_order(inst, buckets)
            yield inst, mine[(r + k % 2) % len(mine)]


def _bucket_order(inst: m.Instance, buckets: list[m.Bucket]) -> list[m.Bucket]:
    """The client's own region and account first, then the first bucket of another region, then the rest."""
    ranked = sorted(buckets, key=lambda b: (b.region != inst.region, b.owner_id != inst.owner_id, b.name))
    away = next((n for n, b in enumerate(ranked) if b.region != inst.region), None)
    if away is None or away < 2:
        return ranked
    return [ranked[0], ranked[away], *ranked[1:away], *ranked[away + 1:]]


def _alike(inst: m.Instance) -> tuple[Any, ...]:
    env = tuple(sorted((k.upper(), v.value) for k, v in inst.proxy_environment.items()))
    groups = tuple(sorted(g.group_id for g in inst.security_groups))
    profile = inst.iam_instance_profile.arn if inst.iam_instance_profile else None
    return (inst.subnet_id, env, groups, profile, tuple(inst.proxy_ports))


def diff_since(current: Engine, location: str | None, since: str | None = None, questions: Sequence[str] = (),
               runtime: str | None = None, action: str | None = None,
               keep_flow: Callable[[str], bool] | None = None) -> SnapshotDiff:
    """From the kept snapshot of ``since`` (a time; None: the newest kept one taken before ``current``'s) to
    ``current``, over the history of ``location`` (the bot's snapshot location; None: the default one).
    Nothing kept that old is a SnapshotError naming the oldest."""
    from engine.history import base_location, entries_for, load_at, load_entry, parse_time, pick

    base = base_location(location)
    if since:
        old = load_at(base, parse_time(since))
    else:
        taken = current.snapshot.taken_at
        earlier = [e for e in entries_for(base) if e.at < taken]
        old = load_entry(pick(earlier, taken, base)) if earlier else load_at(base, taken - _JUST_BEFORE)
    return diff_snapshots(Engine(old.snapshot, old.origin), current, questions, runtime=runtime, action=action,
                          keep_flow=keep_flow)
