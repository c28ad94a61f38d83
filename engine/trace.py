"""The trace: where a request really goes, and what refuses it.

Order of the walk (article-scenarios.md, domain-rules.md):
1. the client's runtime picks a proxy (or not) for the URL, from the client's environment;
2. if proxied, the leg to the proxy: its name resolved in the client's VPC, security groups, network ACLs,
   routes both ways (peering, transit gateway);
3. the destination name resolved *where the request leaves from* (the proxy, or the client);
4. the route-table lookup there, then the gateway, NAT, peering, transit gateway or endpoint it leads to;
5. for S3, the endpoint policy at the endpoint, then the bucket and identity policies at the bucket, judged
   against the client's own credentials (the proxy only tunnels TLS).
Missing data gives ``unknown`` with a caveat, never a guessed ``reachable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from typing import Any
from urllib.parse import urlsplit

from engine import model as m
from engine.answer import Code
from engine.dns import Address, resolve
from engine.filters import EPHEMERAL, Peer, acl_allows, security_groups_allow
from engine.policybook import PolicyBook
from engine.proxy import ProxyChoice, choose_proxy
from engine.question import Question
from engine.routing import lookup
from engine.tgw import follow_transit_gateway
from engine.topology import Topology
from engine.wording import detail, hop_note

MAX_TRANSITS = 6
# Proxy settings that make the client fail outright rather than connect directly (engine/proxy sources).
_CLIENT_ERRORS = {
    "CGI_REFUSED": "Go refuses HTTP_PROXY when REQUEST_METHOD is set (CGI), and the request errors out",
    "PROXY_URL_UNSUPPORTED": "the proxy URL is not one this client accepts (e.g. requests and a bare host:port)",
}  # peering / transit-gateway hand-offs followed before giving up (loops in bad configs)


@dataclass(frozen=True, slots=True)
class Side:
    """One end of a network leg: an ENI and what it belongs to."""

    eni: m.NetworkInterface
    subnet: m.Subnet
    instance: m.Instance | None

    @property
    def groups(self) -> list[str]:
        return [g.group_id for g in self.eni.groups]

    @property
    def public_ip(self) -> str | None:
        return self.eni.public_ip or (self.instance.public_ip_address if self.instance else None)


@dataclass
class RawRefusal:
    code: Code
    resource: str
    detail: str
    statement: dict[str, Any] | None = None


@dataclass
class Trace:
    """What the walk found; ``engine.ask`` turns it into an :class:`~engine.answer.Answer`."""

    question: Question
    hops: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # kind, id, region, note
    refusals: list[RawRefusal] = field(default_factory=list)
    observations: list[tuple[Code, str, str]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
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

    def hop(self, kind: str, ident: str, region: str | None, note: str) -> None:
        self.hops.append((kind, ident, region, note))

    def refuse(self, code: Code, resource: str, statement: dict[str, Any] | None = None, **evidence: Any) -> None:
        self.refusals.append(RawRefusal(code, resource, detail(code, **evidence), statement))

    def observe(self, code: Code, resource: str, **evidence: Any) -> None:
        self.observations.append((code, resource, detail(code, **evidence)))

    def cannot_tell(self, caveat: str) -> None:
        self.unknown = True
        self.caveats.append(caveat)


class Tracer:
    """Answers questions over one topology; build once per snapshot, reuse for every question."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self.policies = PolicyBook(topo)

    def trace(self, q: Question) -> Trace:
        t = Trace(q)
        self._walk(t)
        self._check_gaps(t)
        return t

    def _walk(self, t: Trace) -> None:
        client = self._side_of_instance(t.question.source, t)
        if client is None:
            return
        self._source_hop(t, client)
        egress = self._choose_egress(t, client)
        if egress is None:
            return
        t.egress = egress
        self._to_destination(t, egress)

    def _check_gaps(self, t: Trace) -> None:
        """An answer that rests on configuration collection could not read is ``unknown``, never a guess.

        Collection files gaps per (account, region), IAM and Route 53 under "global", with ``resource`` set
        when one resource was unreadable (engine/collect/README.md). A gap counts when it covers a region on
        the route, a resource on the route, the source's proxy settings, or a hosted zone that answered.
        """
        src = t.question.source
        on_route = {ident for _, ident, _, _ in t.hops} | {src.instance_id}
        regions = {region for _, _, region, _ in t.hops if region}
        seen: set[str] = set()
        for (account, region), gaps in self.topo.gaps.items():
            for gap in gaps:
                if _gap_matters(gap, account, region, src, on_route, regions, t.zones):
                    permission = gap.permission or f"{gap.service}:{gap.operation}"
                    caveat = (f"{gap.operation} failed ({gap.error}) for {gap.resource or region}: the answer depends "
                              f"on data that was not collected; grant {permission} to the collector and re-collect")
                    if caveat not in seen:
                        seen.add(caveat)
                        t.incomplete = True
                        t.caveats.append(caveat)

    # --- the client and its proxy ---------------------------------------------------------------------------

    def _side_of_instance(self, inst: m.Instance, t: Trace) -> Side | None:
        eni = self.topo.primary_eni(inst)
        subnet = self.topo.subnets.get(inst.subnet_id)
        if eni is None or subnet is None:
            t.cannot_tell(f"{inst.instance_id}: its network interface or subnet is not in the snapshot")
            return None
        return Side(eni, subnet, inst)

    def _source_hop(self, t: Trace, client: Side) -> None:
        inst = client.instance
        assert inst is not None
        t.hop("instance", inst.instance_id, inst.region, hop_note(
            "instance", name=inst.name or inst.instance_id, ip=inst.private_ip_address, subnet=inst.subnet_id,
            vpc=inst.vpc_id, account=inst.owner_id, runtime=t.question.runtime))

    def _choose_egress(self, t: Trace, client: Side) -> Side | None:
        q = t.question
        inst = client.instance
        assert inst is not None
        if q.destination.tcp:
            t.observe(Code.DIRECT_CONNECTION, inst.instance_id, runtime="TCP",
                      why="a plain TCP connection; proxy settings apply only to HTTP(S) clients")
            return client
        env = {k: v.value for k, v in inst.proxy_environment.items()}
        choice = choose_proxy(q.destination.url, env, q.runtime)
        t.proxy = choice
        if choice.reason in _CLIENT_ERRORS:
            t.refuse(Code.CLIENT_PROXY_ERROR, inst.instance_id, runtime=q.runtime, why=_CLIENT_ERRORS[choice.reason])
            return None
        if choice.proxy is None:
            self._observe_direct(t, choice)
            return client
        t.observe(Code.PROXY_CHOSEN, inst.instance_id, runtime=q.runtime, url=q.destination.url,
                  proxy=choice.display_proxy, variable=choice.variable,
                  no_proxy_variable=choice.no_proxy_variable or "NO_PROXY",
                  no_proxy=env.get(choice.no_proxy_variable or "", "(unset)"))
        proxy_side = self._reach_proxy(t, client, choice)
        if proxy_side is not None:
            t.observe(Code.RESOLVED_AT_PROXY, proxy_side.instance.instance_id if proxy_side.instance else "",
                      proxy=choice.display_proxy, host=q.destination.host)
        return proxy_side

    def _observe_direct(self, t: Trace, choice: ProxyChoice) -> None:
        q = t.question
        if choice.bypass_entry:
            compared = choice.checked_host or q.destination.host
            note = "" if compared == q.destination.host else \
                f" (the name {q.runtime} compares for {q.destination.host})"
            t.observe(Code.NO_PROXY_MATCH, q.source.instance_id, runtime=q.runtime,
                      variable=choice.no_proxy_variable, entry=choice.bypass_entry, host=compared, compared=note)
        else:
            t.observe(Code.DIRECT_CONNECTION, q.source.instance_id, runtime=q.runtime, why=choice.reason)

    def _reach_proxy(self, t: Trace, client: Side, choice: ProxyChoice) -> Side | None:
        url = urlsplit(choice.proxy or "")
        host, port = url.hostname or "", url.port or (443 if url.scheme == "https" else 80)
        res = resolve(self.topo, client.subnet.vpc_id, host, client.subnet.availability_zone)
        if res.answered_by == "private-hosted-zone" and res.resource:
            t.zones.add(res.resource)
        t.hop("dns", host, client.subnet.region, hop_note(
            "dns", host=host, vpc=client.subnet.vpc_id, side="client", answered_by=res.answered_by,
            answer=res.address.label() if res.address else "no answer"))
        if res.address is None or res.address.ip is None:
            why = "the private hosted zone has no record for it" if res.address is None else "not a private name"
            t.refuse(Code.DNS_NO_ANSWER, host, host=host, vpc=client.subnet.vpc_id, why=why)
            return None
        proxy_eni = self._find_eni(t, client, res.address.ip)
        if proxy_eni is None:
            return None
        proxy = Side(proxy_eni, self.topo.subnets[proxy_eni.subnet_id], self.topo.instance_of_eni(proxy_eni))
        if not self._ip_leg(t, client, proxy, port):
            return None
        inst = proxy.instance
        if inst is None:
            t.cannot_tell(f"proxy address {res.address.ip} is {proxy_eni.network_interface_id}, not an instance")
            return None
        if inst.proxy_ports and port not in inst.proxy_ports:
            t.refuse(Code.PROXY_UNREACHABLE, inst.instance_id, url=choice.display_proxy,
                     source=client.eni.private_ip_address,
                     why=f"{inst.instance_id} listens on {inst.proxy_ports}, not {port}")
            return None
        t.hop("proxy", inst.instance_id, inst.region, hop_note("proxy", url=choice.display_proxy,
                                                               variable=choice.variable))
        t.proxy_instance = inst
        return proxy

    def _find_eni(self, t: Trace, client: Side, ip: str) -> m.NetworkInterface | None:
        """The ENI behind a private IP, looked for in the client's VPC and the VPCs its routes lead to."""
        candidates = self.topo.enis_by_ip.get(ip, [])
        local = [e for e in candidates if e.vpc_id == client.subnet.vpc_id]
        if local or len(candidates) == 1:
            return (local or candidates)[0]
        if not candidates:
            t.cannot_tell(f"proxy address {ip} is not an interface in the snapshot (another account or region?)")
        else:
            t.cannot_tell(f"proxy address {ip} belongs to {len(candidates)} interfaces in different VPCs")
        return None

    # --- generic IP legs (client → proxy, client → instance) ---------------------------------------------------

    def _ip_leg(self, t: Trace, src: Side, dst: Side, port: int) -> bool:
        """Both ways between two ENIs: security groups, network ACLs, routes out and back."""
        dst_addr, src_addr = Address(ip=dst.eni.private_ip_address), Address(ip=src.eni.private_ip_address)
        sg = security_groups_allow(self.topo, src.groups, True, Peer(dst_addr, tuple(dst.groups)), port)
        if not sg.allowed:
            t.refuse(Code.SG_EGRESS_DENY, sg.resource, rule=sg.rule)
            return False
        if not self._acl(t, src.subnet, True, dst_addr, (port, port)):
            return False
        if not self._route_to_ip(t, src.subnet, dst_addr, dst.subnet.vpc_id, back=False):
            return False
        if not self._acl(t, dst.subnet, False, src_addr, (port, port)):
            return False
        sg = security_groups_allow(self.topo, dst.groups, False, Peer(src_addr, tuple(src.groups)), port)
        if not sg.allowed:
            t.refuse(Code.SG_INGRESS_DENY, sg.resource, rule=sg.rule)
            return False
        if not self._route_to_ip(t, dst.subnet, src_addr, src.subnet.vpc_id, back=True):
            return False
        return self._acl(t, dst.subnet, True, src_addr, EPHEMERAL) and self._acl(t, src.subnet, False, dst_addr,
                                                                                     EPHEMERAL)

    def _acl(self, t: Trace, subnet: m.Subnet, egress: bool, peer: Address, ports: tuple[int, int]) -> bool:
        result = acl_allows(self.topo, self.topo.acl_of(subnet.subnet_id), egress, peer, ports)
        if not result.allowed:
            t.refuse(Code.NACL_DENY, result.resource, acl=result.resource,
                     direction=f"{'outbound' if egress else 'inbound'} at {subnet.subnet_id}", rule=result.rule)
        return result.allowed

    def _route_to_ip(self, t: Trace, subnet: m.Subnet, addr: Address, target_vpc: str, back: bool) -> bool:
        """Follow routes from ``subnet`` until ``addr`` is delivered inside ``target_vpc``."""
        vpc, rtb = subnet.vpc_id, self.topo.route_table_of(subnet.subnet_id)
        code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
        for _ in range(MAX_TRANSITS):
            if rtb is None:
                t.cannot_tell(f"no route table recorded for {subnet.subnet_id} or its VPC {vpc}")
                return False
            choice = lookup(self.topo, rtb, addr)
            if choice is None:
                t.refuse(code, rtb, rtb=rtb, destination=addr.label(), why="")
                return False
            self._route_hop(t, rtb, subnet, choice.route, addr, back)
            nxt = self._transit(t, vpc, rtb, choice.route, addr, back)
            if nxt is None:
                return False
            vpc, rtb = nxt
            if vpc == target_vpc and self.topo.vpc_contains(vpc, addr.ip or ""):
                return True
        t.cannot_tell(f"gave up after {MAX_TRANSITS} hand-offs towards {addr.label()} (routing loop?)")
        return False

    def _route_hop(self, t: Trace, rtb: str, subnet: m.Subnet, route: m.Route, addr: Address, back: bool) -> None:
        table = self.topo.route_tables[rtb]
        main = " (main table)" if rtb not in self.topo.explicit_route_tables and table.is_main else ""
        kind = "route-table-return" if back else "route-table"
        t.hop("route-table", rtb, table.region, hop_note(
            kind, rtb=rtb, subnet=subnet.subnet_id, main=main, destination=addr.label(),
            route=route.destination, target=route.target))

    def _transit(self, t: Trace, vpc: str, rtb: str, route: m.Route, addr: Address,
                 back: bool) -> tuple[str, str | None] | None:
        """Where a route to a private address hands the packet: (next VPC, route table used there)."""
        code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
        if route.state == "blackhole":
            t.refuse(Code.BLACKHOLE_ROUTE, rtb, rtb=rtb, destination=addr.label(), target=route.target)
            return None
        target = route.target or ""
        if target == "local":
            return vpc, None
        if route.vpc_peering_connection_id:
            return self._through_peering(t, vpc, target, addr, hop=not back)
        if route.transit_gateway_id:
            return self._through_tgw(t, vpc, target, addr, back)
        if target.startswith(("eni-", "i-")):
            t.hop("network-interface", target, None, hop_note("appliance", target=target))
            t.cannot_tell(f"traffic to {addr.label()} is handed to appliance {target}; reachbot cannot see past it")
            return None
        t.refuse(code, rtb, rtb=rtb, destination=addr.label(),
                 why=f" inside the network: its best match, {route.destination} → {target}, leads out of it")
        return None

    def _through_peering(self, t: Trace, vpc: str, pcx_id: str, addr: Address,
                         hop: bool = True) -> tuple[str, str | None] | None:
        pcx = self.topo.peerings.get(pcx_id)
        if pcx is None:
            t.cannot_tell(f"peering connection {pcx_id} is not in the snapshot")
            return None
        req, acc = pcx.requester_vpc_info, pcx.accepter_vpc_info
        peer = acc if req.vpc_id == vpc else req
        if hop:  # the way back crosses the same connection: one hop is enough
            t.hop("vpc-peering", pcx_id, pcx.region, hop_note(
                "vpc-peering", pcx=pcx_id, requester=f"{req.vpc_id} ({req.region})",
                accepter=f"{acc.vpc_id} ({acc.region})", status=pcx.status.code))
        if pcx.status.code != "active":
            t.refuse(Code.PEERING_NOT_ACTIVE, pcx_id, pcx=pcx_id, status=pcx.status.code)
            return None
        if addr.ip is None or not self._vpc_has(peer.vpc_id, addr.ip, peer.cidr_block):
            t.refuse(Code.PEERING_NOT_TRANSITIVE, pcx_id, pcx=pcx_id, vpcs=f"{req.vpc_id} and {acc.vpc_id}")
            return None
        return peer.vpc_id, None

    def _vpc_has(self, vpc_id: str, ip: str, cidr: str | None) -> bool:
        if vpc_id in self.topo.vpcs:
            return self.topo.vpc_contains(vpc_id, ip)
        return bool(cidr) and ip_address(ip) in ip_network(cidr or "0.0.0.0/32")

    def _through_tgw(self, t: Trace, vpc: str, tgw_id: str, addr: Address, back: bool) -> tuple[str, str | None] | None:
        return follow_transit_gateway(self.topo, t, vpc, tgw_id, addr, back)

    # --- from the egress point to the destination -------------------------------------------------------------

    def _to_destination(self, t: Trace, egress: Side) -> None:
        from engine.egress import to_destination  # egress.py builds on this module's Side and Trace

        to_destination(self, t, egress)


_PROXY_SETTING_OPERATIONS = {"DescribeInstanceAttribute", "GetParametersByPath"}


def _gap_matters(gap: m.Gap, account: str, region: str, src: m.Instance, on_route: set[str], regions: set[str],
                 zones: set[str]) -> bool:
    if gap.operation in _PROXY_SETTING_OPERATIONS:  # the source's proxy settings may be incomplete
        return (gap.resource or src.instance_id) == src.instance_id and account == src.owner_id \
            and region == src.region
    if gap.service == "route53":
        return gap.resource is None or gap.resource in zones
    if gap.service == "ec2":
        return gap.resource in on_route if gap.resource else region in regions
    return False
