"""Random questions over any snapshot, mixing the cases an incident channel sees.

Kinds: ``proxied`` (the client's proxy carries the request), ``direct`` (``NO_PROXY`` or no proxy at all),
``cross-region`` (a bucket in another region, or a proxy in another region), ``refused`` (set-ups that are
usually refused: a bucket pinned to a VPC endpoint, a write with a read-only role, a database port from the
wrong tier), ``central-egress`` (a client that bypasses its proxy for S3 and whose default route is a transit
gateway, asking for another region's bucket: the path through the hub's Network Firewall and NAT gateway,
issue #10), ``egress-filter`` (such a client without a proxy asking for a name outside the firewall's allow
list, a name the DNS Firewall blocks, or a name under the forwarded on-premises domain), ``iam-layers``
(issue #11 over S3 gateway endpoints: a write by the analytics role, whose permissions boundary is read-only;
a delete the organisation's SCP forbids; a read of a partner bucket outside the organisation through a
data-perimeter endpoint, or of the client's own bucket there). The kind is what the question was drawn
*as*; the engine decides the verdict.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network

from engine import model as m
from engine.estates.synth.inspection import DENIED_DOMAINS, ONPREM_DOMAIN

QUESTION_KINDS = ("proxied", "direct", "cross-region", "refused", "central-egress", "egress-filter", "iam-layers")
_MIX = (28, 23, 18, 14, 9, 4, 4)
# Names outside the Network Firewall's domain allow list (engine/estates/synth/inspection.py ALLOWED_DOMAINS).
OUTSIDE_ALLOW_LIST = ("api.github.com", "pypi.org", "registry.npmjs.org", "hooks.slack.com")
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
    inspected: list[m.Instance] = field(default_factory=list)  # central, no proxy, a sound way to the hub
    bounded: list[m.Instance] = field(default_factory=list)  # S3 by a gateway endpoint, role with a boundary
    writers: list[m.Instance] = field(default_factory=list)  # S3 by a gateway endpoint, role granting s3:* (own)
    perimeter: list[m.Instance] = field(default_factory=list)  # writers whose endpoint is a data perimeter
    plain: dict[tuple[str, str], list[m.Bucket]] = field(default_factory=lambda: defaultdict(list))  # no pinning
    outside: dict[str, list[m.Bucket]] = field(default_factory=lambda: defaultdict(list))  # outside the org


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
    # Clients that bypass their proxy for S3 in every region show the central-egress path itself; the others
    # (a proxy, or NO_PROXY naming only their own region's S3) hand other regions' buckets to the proxy.
    bypass = [i for i in ix.direct if not _env(i, "https_proxy") or ".amazonaws.com" in _env(i, "no_proxy").split(",")]
    ix.central = _central_clients(snap, bypass) or _central_clients(snap, ix.clients)
    ix.inspected = [i for i in _central_clients(snap, ix.clients) if not _env(i, "https_proxy")
                    and _sound_way_to_hub(snap, i)]
    _iam_pools(snap, ix)
    return ix


def _sound_way_to_hub(snap: m.Snapshot, inst: m.Instance) -> bool:
    """The VPC's attachment has a subnet in the instance's zone and no ACL there denies the instance (the
    faults ``central.py`` plants are met by the ``central-egress`` kind; ``egress-filter`` asks past them)."""
    zone = {s.subnet_id: s.availability_zone for s in snap.subnets}
    att = next((a for a in snap.transit_gateway_attachments if a.resource_id == inst.vpc_id), None)
    if att is None or zone.get(inst.subnet_id) not in {zone.get(s) for s in att.subnet_ids}:
        return False
    ip = ip_address(inst.private_ip_address)
    return not any(e.rule_action == "deny" and e.rule_number < 32767 and e.cidr_block
                   and ip in ip_network(e.cidr_block)
                   for acl in snap.network_acls if any(a.subnet_id in att.subnet_ids for a in acl.associations)
                   for e in acl.entries)


def _iam_pools(snap: m.Snapshot, ix: _Index) -> None:
    """Clients whose S3 requests take their VPC's gateway endpoint, by what their role and endpoint hold."""
    roles = {r.arn: r for r in snap.roles}
    profiles = {p.arn: roles.get(p.roles[0]) for p in snap.instance_profiles if p.roles}
    table_of = {a.subnet_id: t.route_table_id for t in snap.route_tables for a in t.associations if a.subnet_id}
    endpoint_of = {rtb: e for e in snap.vpc_endpoints if e.vpc_endpoint_type == "Gateway"
                   and e.service_name.endswith(".s3") for rtb in e.route_table_ids}
    for inst in ix.direct:
        endpoint = endpoint_of.get(table_of.get(inst.subnet_id, ""))
        role = profiles.get(inst.iam_instance_profile.arn) if inst.iam_instance_profile else None
        if endpoint is None or role is None:
            continue
        if role.permissions_boundary is not None:
            ix.bounded.append(inst)
        elif role.role_name == "batch-role":
            ix.writers.append(inst)
            if "aws:ResourceOrgID" in (endpoint.policy_document or ""):
                ix.perimeter.append(inst)
    members = set(snap.organization.member_ids) if snap.organization else set()
    for bucket in snap.buckets:
        if members and bucket.owner_id not in members:
            ix.outside[bucket.region].append(bucket)
        elif "sourcevpc" not in (bucket.policy or "").lower():
            ix.plain[(bucket.owner_id, bucket.region)].append(bucket)


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
    """(kind, question text) pairs; kinds drawn 28/23/18/14/9/4/4 from :data:`QUESTION_KINDS`."""
    ix = _index(snap)
    if not ix.clients or not ix.regions:
        raise ValueError("the snapshot has no client instances or no buckets to ask about")
    rng = random.Random(f"reachbot-questions:{seed}")
    draw = {"proxied": _proxied, "direct": _direct, "cross-region": _cross_region, "refused": _refused,
            "central-egress": _central_egress, "egress-filter": _egress_filter, "iam-layers": _iam_layers}
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


def _egress_filter(rng: random.Random, ix: _Index) -> str:
    """A client behind central egress (no proxy, a sound way to the hub) asking for a name outside the Network
    Firewall's allow list, a name the DNS Firewall blocks, or a name under the forwarded on-premises domain."""
    src = rng.choice(ix.inspected or ix.central or ix.clients)
    choice = rng.random()
    if choice < 0.5:
        host = rng.choice(OUTSIDE_ALLOW_LIST)
    elif choice < 0.75:
        host = f"{rng.choice(('beacon', 'cdn', 'update'))}.{rng.choice(DENIED_DOMAINS).removeprefix('*.')}"
    else:
        host = f"{rng.choice(('db', 'ldap', 'git'))}.{ONPREM_DOMAIN}"
    form = rng.choice(("can {} reach {}", "why can {} not reach {}", "{} -> {}"))
    return form.format(_ref(rng, src), f"https://{host}/")


def _iam_layers(rng: random.Random, ix: _Index) -> str:
    """Requests each IAM layer of issue #11 decides: a write by a role whose permissions boundary is read-only,
    a delete the organisation's SCP forbids, and reads through a data-perimeter endpoint of a bucket outside the
    organisation (refused) or of the client's own (allowed)."""
    choice = rng.random()
    if choice < 0.25 and ix.bounded:
        src = rng.choice(ix.bounded)
        return _bucket_question(rng, src, _plain_bucket(rng, ix, src), action="s3:PutObject")
    if choice < 0.5 and ix.writers:
        src = rng.choice(ix.writers)
        return _bucket_question(rng, src, _plain_bucket(rng, ix, src), action="s3:DeleteObject")
    src = rng.choice(ix.perimeter or ix.writers or ix.clients)
    if choice < 0.75 and ix.outside.get(src.region):
        return _bucket_question(rng, src, rng.choice(ix.outside[src.region]))
    return _bucket_question(rng, src, _plain_bucket(rng, ix, src))


def _plain_bucket(rng: random.Random, ix: _Index, src: m.Instance) -> m.Bucket:
    """One of the client's own buckets in its region that no policy pins to a VPC or endpoint."""
    own = ix.plain.get((src.owner_id, src.region))
    return rng.choice(own) if own else _local_bucket(rng, ix, src)
