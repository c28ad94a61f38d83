"""Security groups and network ACLs.

Security groups are stateful: the sender's egress rules and the receiver's ingress rules are checked, and
replies are allowed back. Network ACLs are stateless: the request and the reply (to the client's ephemeral
port) each need an allow in both subnets' ACLs, judged in rule-number order, first match wins
(VPC user guide, "Security group rules" and "Network ACL rules").
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import model as m
from engine.dns import Address
from engine.topology import Topology, parse_ip, parse_net

EPHEMERAL = (1024, 65535)
_PROTO_NUM = {"tcp": "6", "udp": "17", "icmp": "1", "-1": "-1", "all": "-1"}


@dataclass(frozen=True, slots=True)
class Peer:
    """The other side of a flow: its address and, for a private peer, its security groups."""

    address: Address
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FilterResult:
    """The evidence of one filter decision (rendered by ``engine.wording``)."""

    allowed: bool
    resource: str  # sg-… or acl-… that decided ("(default ACL)" when none is recorded)
    rule: m.IpPermission | m.NetworkAclEntry | None  # the rule that decided; None: nothing matched
    groups: tuple[str, ...] = ()  # security groups examined (for a security group decision)
    egress: bool = True
    protocol: str = "tcp"
    ports: tuple[int, int] = (0, 0)
    peer: Address | None = None
    # A denied flow that a rule naming this prefix list might admit: its entries were not collected.
    unresolved: str | None = None


def security_groups_allow(
    topo: Topology, group_ids: list[str], egress: bool, peer: Peer, port: int, protocol: str = "tcp"
) -> FilterResult:
    """Any rule of any of the ENI's groups admits the flow (rules are allow-only)."""
    for gid in group_ids:
        sg = topo.security_groups.get(gid)
        if sg is None:
            continue
        for rule in sg.ip_permissions_egress if egress else sg.ip_permissions:
            if _proto_port_match(rule.ip_protocol, rule.from_port, rule.to_port, protocol, port) and \
                    _sg_peer_match(topo, rule, peer):
                return FilterResult(True, gid, rule, tuple(group_ids), egress, protocol, (port, port), peer.address)
    first = group_ids[0] if group_ids else "(no security group)"
    unresolved = _unresolved_reference(topo, group_ids, egress, protocol, port)
    return FilterResult(False, unresolved[0] if unresolved else first, None, tuple(group_ids), egress, protocol,
                        (port, port), peer.address, unresolved[1] if unresolved else None)


def _unresolved_reference(topo: Topology, group_ids: list[str], egress: bool, protocol: str,
                          port: int) -> tuple[str, str] | None:
    """(group, prefix list) of a rule for this port that names a prefix list whose entries the snapshot lacks
    (a customer-managed list shared through RAM by an account that was not collected)."""
    for gid in group_ids:
        sg = topo.security_groups.get(gid)
        for rule in (sg.ip_permissions_egress if egress else sg.ip_permissions) if sg else ():
            if not _proto_port_match(rule.ip_protocol, rule.from_port, rule.to_port, protocol, port):
                continue
            for ref in rule.prefix_list_ids:
                pl = topo.prefix_lists.get(ref.prefix_list_id)
                if pl is None or not pl.entries_collected:
                    return gid, ref.prefix_list_id
    return None


def _proto_port_match(rule_proto: str, lo: int | None, hi: int | None, protocol: str, port: int) -> bool:
    rp = _PROTO_NUM.get(rule_proto.lower(), rule_proto)
    if rp == "-1":
        return True
    if rp != _PROTO_NUM.get(protocol, protocol):
        return False
    if lo is None or lo == -1:
        return True
    return lo <= port <= (hi if hi is not None else lo)


def _sg_peer_match(topo: Topology, rule: m.IpPermission, peer: Peer) -> bool:
    if any(pair.group_id in peer.groups for pair in rule.user_id_group_pairs):
        return True
    cidrs = [r.cidr_ip for r in rule.ip_ranges] + [r.cidr_ipv6 for r in rule.ipv6_ranges]
    if _cidrs_cover(topo, cidrs, peer.address):
        return True
    addr = peer.address
    for ref in rule.prefix_list_ids:
        pl = topo.prefix_lists.get(ref.prefix_list_id)
        if pl is None:
            continue
        if addr.service and pl.prefix_list_name == f"com.amazonaws.{addr.region}.{addr.service}":
            return True
        if _cidrs_cover(topo, pl.cidrs, addr):
            return True
    return False


def _cidrs_cover(topo: Topology, cidrs: list[str], addr: Address) -> bool:
    if not cidrs:
        return False
    # Cached parses (issue #7): every rule's CIDRs used to be parsed again for every question.
    nets = [parse_net(c) for c in cidrs]
    if addr.ip is not None:
        ip = parse_ip(addr.ip)
        return any(ip.version == n.version and ip in n for n in nets)
    if any(n.prefixlen == 0 and n.version == 4 for n in nets):
        return True
    pl = topo.aws_prefix_list.get((addr.region or "", addr.service or ""))
    if pl is None or not pl.cidrs:
        return False
    return all(any(s.version == n.version and s.subnet_of(n) for n in nets)  # type: ignore[arg-type]
               for s in topo.pl_networks[pl.prefix_list_id])


def _ordered(topo: Topology, acl: m.NetworkAcl, egress: bool) -> tuple[m.NetworkAclEntry, ...]:
    """One direction's entries in rule-number order, the order they are judged in, sorted once per topology
    (every leg of every answer consults them); a what-if copy that changes an ACL sorts its own again."""
    def build() -> tuple[m.NetworkAclEntry, ...]:
        return tuple(sorted((e for e in acl.entries if e.egress == egress), key=lambda e: e.rule_number))

    return topo.derived.get(("acl-order", acl.network_acl_id, egress), ("subnet_acl", "default_acl"), build)


def acl_allows(topo: Topology, acl: m.NetworkAcl | None, egress: bool, peer: Address,
               ports: tuple[int, int], protocol: str = "tcp") -> FilterResult:
    """First matching entry by rule number decides; no ACL data means the default allow-all ACL."""
    if acl is None:
        return FilterResult(True, "(default ACL)", None, (), egress, protocol, ports, peer)
    proto = _PROTO_NUM.get(protocol, protocol)
    for entry in _ordered(topo, acl, egress):
        if entry.protocol not in ("-1", proto):
            continue
        # An entry whose port range overlaps the flow's ports applies (for the reply, the ephemeral range: the
        # client may pick any port in it, so a partial overlap already decides some connections).
        if entry.port_range and (entry.port_range.to < ports[0] or entry.port_range.from_ > ports[1]):
            continue
        cidr = entry.cidr_block or entry.ipv6_cidr_block
        if cidr is None or not _cidrs_cover(topo, [cidr], peer):
            continue
        return FilterResult(entry.rule_action == "allow", acl.network_acl_id, entry, (), egress, protocol, ports, peer)
    return FilterResult(False, acl.network_acl_id, None, (), egress, protocol, ports, peer)
