"""Random questions over any snapshot, mixing the cases an incident channel sees.

Kinds: ``proxied`` (the client's proxy carries the request), ``direct`` (``NO_PROXY`` or no proxy at all),
``cross-region`` (a bucket in another region, or a proxy in another region), ``refused`` (set-ups that are
usually refused: a bucket pinned to a VPC endpoint, a write with a read-only role, a database port from the
wrong tier), ``central-egress`` (a client whose default route is a transit gateway, asking for another
region's bucket: the path through the hub's NAT gateway, issue #10). The kind is what the question was drawn
*as*; the engine decides the verdict.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from engine import model as m

QUESTION_KINDS = ("proxied", "direct", "cross-region", "refused", "central-egress")
_MIX = (30, 25, 20, 15, 10)
_RUNTIMES = ("", "", "", "", " as curl", " using go", " as python", " as requests", " as java")
_KEYS = ("reports/2026/11/part-0001.csv", "exports/latest.json", "models/v3/weights.bin", "index.html")


@dataclass
class _Index:
    proxied: list[m.Instance] = field(default_factory=list)  # S3 goes through the proxy
    direct: list[m.Instance] = field(default_factory=list)  # S3 bypasses the proxy
    remote_proxy: list[m.Instance] = field(default_factory=list)  # the proxy lives in another region
    clients: list[m.Instance] = field(default_factory=list)
    by_vpc: dict[str, list[m.Instance]] = field(default_factory=lambda: defaultdict(list))
    buckets: dict[str, list[m.Bucket]] = field(default_factory=lambda: defaultdict(list))
    own: dict[tuple[str, str], list[m.Bucket]] = field(default_factory=lambda: defaultdict(list))  # (acct, region)
    pinned: dict[str, list[m.Bucket]] = field(default_factory=lambda: defaultdict(list))
    regions: list[str] = field(default_factory=list)
    central: list[m.Instance] = field(default_factory=list)  # direct S3, default route to a transit gateway


def _env(inst: m.Instance, name: str) -> str:
    value = inst.proxy_environment.get(name.lower()) or inst.proxy_environment.get(name.upper())
    return value.value if value else ""


def _index(snap: m.Snapshot) -> _Index:
    ix = _Index()
    for inst in snap.instances:
        if inst.proxy_ports:
            continue  # the proxies themselves
        ix.clients.append(inst)
        ix.by_vpc[inst.vpc_id].append(inst)
        proxy, no_proxy = _env(inst, "https_proxy"), _env(inst, "no_proxy")
        if not proxy or "amazonaws.com" in no_proxy:
            ix.direct.append(inst)
        else:
            ix.proxied.append(inst)
            if f".{inst.region}." not in proxy:
                ix.remote_proxy.append(inst)
    for bucket in snap.buckets:
        ix.buckets[bucket.region].append(bucket)
        ix.own[(bucket.owner_id, bucket.region)].append(bucket)
        if bucket.policy and "sourcevpce" in bucket.policy.lower():
            ix.pinned[bucket.region].append(bucket)
    ix.regions = sorted(ix.buckets)
    # Clients that bypass their proxy for S3 show the central-egress path itself; the others go through the proxy.
    ix.central = _central_clients(snap, ix.direct) or _central_clients(snap, ix.clients)
    return ix


def _central_clients(snap: m.Snapshot, clients: list[m.Instance]) -> list[m.Instance]:
    """Clients whose subnet's own route table sends 0.0.0.0/0 to a transit gateway."""
    table_of = {a.subnet_id: t for t in snap.route_tables for a in t.associations if a.subnet_id}
    central = {sid for sid, t in table_of.items()
               if any(r.destination_cidr_block == "0.0.0.0/0" and r.transit_gateway_id for r in t.routes)}
    return [i for i in clients if i.subnet_id in central]


def sample_questions(snap: m.Snapshot, n: int, seed: int = 7) -> list[str]:
    """``n`` random question texts over ``snap``, reproducible for the same seed."""
    return [text for _, text in sample_question_mix(snap, n, seed)]


def sample_question_mix(snap: m.Snapshot, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, question text) pairs; kinds drawn 30/25/20/15/10 from :data:`QUESTION_KINDS`."""
    ix = _index(snap)
    if not ix.clients or not ix.regions:
        raise ValueError("the snapshot has no client instances or no buckets to ask about")
    rng = random.Random(f"reachbot-questions:{seed}")
    draw = {"proxied": _proxied, "direct": _direct, "cross-region": _cross_region, "refused": _refused,
            "central-egress": _central_egress}
    out = []
    for kind in rng.choices(QUESTION_KINDS, weights=_MIX, k=n):
        out.append((kind, draw[kind](rng, ix)))
    return out


def _ref(rng: random.Random, inst: m.Instance) -> str:
    """How people name a source: its id, its Name tag or its private IP."""
    choice = rng.random()
    if choice < 0.5 or not inst.name:
        return inst.instance_id
    return inst.name if choice < 0.8 else inst.private_ip_address


def _bucket_question(rng: random.Random, src: m.Instance, bucket: m.Bucket, action: str = "") -> str:
    ref, key, runtime = _ref(rng, src), rng.choice(_KEYS), rng.choice(_RUNTIMES)
    form = rng.randrange(4)
    if form == 0:
        text = f"why can {ref} not reach bucket {bucket.name}"
    elif form == 1:
        text = f"{ref} -> s3://{bucket.name}/{key}"
    elif form == 2:
        text = f"can {ref} reach https://{bucket.name}.s3.{bucket.region}.amazonaws.com/{key}"
    else:
        text = f"why can't {ref} reach s3://{bucket.name}/{key}"
    return f"{text}{runtime}{f' ({action})' if action else ''}"


def _pick(rng: random.Random, preferred: list[m.Instance], fallback: list[m.Instance]) -> m.Instance:
    return rng.choice(preferred or fallback)


def _local_bucket(rng: random.Random, ix: _Index, src: m.Instance) -> m.Bucket:
    """Mostly the team's own buckets in its region (what people ask about), sometimes another team's."""
    own = ix.own.get((src.owner_id, src.region))
    if own and rng.random() < 0.75:
        return rng.choice(own)
    return rng.choice(ix.buckets.get(src.region) or ix.buckets[ix.regions[0]])


def _proxied(rng: random.Random, ix: _Index) -> str:
    src = _pick(rng, ix.proxied, ix.clients)
    if rng.random() < 0.15:
        return f"why can {_ref(rng, src)} not reach ssm.{src.region}.amazonaws.com"
    return _bucket_question(rng, src, _local_bucket(rng, ix, src))


def _direct(rng: random.Random, ix: _Index) -> str:
    src = _pick(rng, ix.direct, ix.clients)
    if rng.random() < 0.2:
        service = rng.choice(("ssm", "sts", "logs"))
        return f"can {_ref(rng, src)} reach {service}.{src.region}.amazonaws.com"
    return _bucket_question(rng, src, _local_bucket(rng, ix, src))


def _cross_region(rng: random.Random, ix: _Index) -> str:
    if ix.remote_proxy and rng.random() < 0.4:
        src = rng.choice(ix.remote_proxy)
        return _bucket_question(rng, src, _local_bucket(rng, ix, src))
    src = rng.choice(ix.clients)
    others = [r for r in ix.regions if r != src.region] or ix.regions
    return _bucket_question(rng, src, rng.choice(ix.buckets[rng.choice(others)]))


def _refused(rng: random.Random, ix: _Index) -> str:
    choice = rng.random()
    if choice < 0.4:
        src = _pick(rng, ix.proxied, ix.clients)
        pinned = ix.pinned.get(src.region) or ix.buckets.get(src.region) or ix.buckets[ix.regions[0]]
        return _bucket_question(rng, src, rng.choice(pinned))
    src = rng.choice(ix.clients)
    if choice < 0.7:
        return _bucket_question(rng, src, rng.choice(ix.buckets.get(src.region) or ix.buckets[ix.regions[0]]),
                                action="s3:PutObject")
    peer = rng.choice(ix.by_vpc[src.vpc_id])
    port = rng.choice((5432, 8080, 22))
    return f"why can {_ref(rng, src)} not reach {peer.instance_id}:{port}"


def _central_egress(rng: random.Random, ix: _Index) -> str:
    """Another region's bucket from a client behind central egress (no gateway endpoint serves it, so the
    default route decides); a client anywhere when the estate has no central egress."""
    src = rng.choice(ix.central or ix.clients)
    others = [r for r in ix.regions if r != src.region] or ix.regions
    return _bucket_question(rng, src, rng.choice(ix.buckets[rng.choice(others)]))
