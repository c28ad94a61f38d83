"""The estate as a graph and a set of indexes, built once per snapshot.

Nodes of the networkx graph are network resources (VPCs, subnets, route tables, gateways, endpoints, peering
connections, transit gateways and their attachments); edges say how traffic can move between them
(a subnet *uses* a route table, a route table *routes to* a target, a peering connection *joins* two VPCs).
Instances and ENIs stay out of the graph (there are far more of them) and are found through indexes by id,
IP and name, so the cost of one question does not grow with the estate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

from engine import model as m
from engine.derived import Derived, Overlay
from engine.errors import SnapshotError
from engine.resources import RESOURCE_KINDS
from engine.snapshot import long_lived_allocation

if TYPE_CHECKING:
    import networkx as nx

Network = IPv4Network | IPv6Network


# Performance (issue #7): parsing an address or CIDR with ``ipaddress`` costs 2–10 µs and the walk used to
# parse the same few strings again for every route, rule and hop of every question. ipaddress objects are
# immutable values, so one parse per distinct string can be shared. Bounded, so a long-running bot does not
# grow without end; ValueError for bad input propagates exactly as before (lru_cache does not cache raises).
@lru_cache(maxsize=65536)
def parse_ip(text: str) -> IPv4Address | IPv6Address:
    """``ipaddress.ip_address(text)``, parsed once per distinct string."""
    return ip_address(text)


@lru_cache(maxsize=65536)
def parse_net(text: str) -> Network:
    """``ipaddress.ip_network(text, strict=False)``, parsed once per distinct string."""
    return ip_network(text, strict=False)


class TopologyChange(Protocol):
    """A change a what-if copy can apply to itself (the classes of ``engine.patch``)."""

    def apply(self, topo: Topology) -> None: ...


class Topology:
    """Indexes and graph over one :class:`~engine.model.Snapshot`. Treat as read-only.

    A what-if copy (:meth:`with_changes`) shares every index with its base and replaces only the entries a
    change touches; ``snap`` stays the snapshot as collected, so read resources through the indexes.
    """

    # By-id indexes (engine.resources.RESOURCE_KINDS names them). A what-if copy may hold an Overlay (a
    # Mapping) for those a change can replace an entry of (see the put_* methods).
    vpcs: dict[str, m.Vpc]
    subnets: dict[str, m.Subnet]
    route_tables: Mapping[str, m.RouteTable]
    prefix_lists: dict[str, m.PrefixList]
    igws: dict[str, m.InternetGateway]
    nats: dict[str, m.NatGateway]
    peerings: dict[str, m.VpcPeeringConnection]
    tgws: dict[str, m.TransitGateway]
    tgw_attachments: dict[str, m.TransitGatewayAttachment]
    tgw_route_tables: dict[str, m.TransitGatewayRouteTable]
    endpoints: Mapping[str, m.VpcEndpoint]
    enis: dict[str, m.NetworkInterface]
    instances: Mapping[str, m.Instance]
    security_groups: dict[str, m.SecurityGroup]
    buckets: Mapping[str, m.Bucket]
    kms_keys: Mapping[str, m.KmsKey]
    secrets: Mapping[str, m.Secret]
    roles: Mapping[str, m.Role]
    profiles: dict[str, m.InstanceProfile]
    accounts: dict[str, m.Account]
    firewalls: dict[str, m.Firewall]
    firewall_policies: dict[str, m.FirewallPolicy]
    firewall_rule_groups: Mapping[str, m.FirewallRuleGroup]
    rtb_routes: Mapping[str, list[tuple[m.Route, Network | None]]]
    instances_by_name: Mapping[str, list[m.Instance]]
    instances_by_ip: Mapping[str, list[m.Instance]]
    instances_by_dns: Mapping[str, m.Instance]
    private_dns_endpoint: Mapping[tuple[str, str], m.VpcEndpoint]

    def __init__(self, snap: m.Snapshot) -> None:
        # The indexes live as long as the snapshot: built with the collector paused, then frozen (see
        # engine.snapshot.long_lived_allocation; without it the first build on a large estate took 2.5 s).
        with long_lived_allocation():
            self._build(snap)

    def _build(self, snap: m.Snapshot) -> None:
        self.snap = snap
        self.organization = snap.organization  # replaced on a what-if copy by put_organization
        for kind in RESOURCE_KINDS:  # the by-id dictionaries: vpcs, subnets, endpoints, instances, roles, …
            if kind.index and kind.id_field:
                ident = attrgetter(kind.id_field)
                setattr(self, kind.index, {ident(item): item for item in getattr(snap, kind.field)})
        self.derived = Derived()
        self._editing = False
        self._touched: set[str] = set()
        self._graph_edits: tuple[tuple[str, str, str], ...] = ()
        self._index_routing()
        self._index_addresses()
        self._index_dns()
        self._index_firewalls()
        self.gaps = {(c.account_id, c.region): c.gaps for c in snap.coverage if c.gaps or not c.complete}
        self._graph: nx.DiGraph | None = None
        self._record_graph()
        self._check_references()

    # --- indexes ---------------------------------------------------------------------------------------------

    def _index_routing(self) -> None:
        self.main_route_table: dict[str, str] = {}
        self.subnet_route_table: dict[str, str] = {}
        for rtb in self.snap.route_tables:
            for assoc in rtb.associations:
                if assoc.main:
                    self.main_route_table[rtb.vpc_id] = rtb.route_table_id
                if assoc.subnet_id:
                    self.subnet_route_table[assoc.subnet_id] = rtb.route_table_id
        self.subnet_acl = {a.subnet_id: acl for acl in self.snap.network_acls for a in acl.associations}
        self.default_acl = {acl.vpc_id: acl for acl in self.snap.network_acls if acl.is_default}
        self.igw_by_vpc = {a.vpc_id: g for g in self.snap.internet_gateways for a in g.attachments}
        self.aws_prefix_list: dict[tuple[str, str], m.PrefixList] = {}
        for pl in self.snap.prefix_lists:
            parts = pl.prefix_list_name.split(".")
            if len(parts) == 4 and parts[:2] == ["com", "amazonaws"]:
                self.aws_prefix_list[(parts[2], parts[3])] = pl
        self.pl_networks = {
            pl.prefix_list_id: [ip_network(c, strict=False) for c in pl.cidrs] for pl in self.snap.prefix_lists
        }
        self.tgw_attachment_by_vpc: dict[str, list[m.TransitGatewayAttachment]] = defaultdict(list)
        for att in self.snap.transit_gateway_attachments:
            if att.resource_type == "vpc" and att.resource_id:
                self.tgw_attachment_by_vpc[att.resource_id].append(att)
        self.rtb_routes: dict[str, list[tuple[m.Route, Network | None]]] = {
            rtb.route_table_id: [(r, _net(r.destination_cidr_block)) for r in rtb.routes]
            for rtb in self.snap.route_tables
        }

    def _index_addresses(self) -> None:
        self.enis_by_ip: dict[str, list[m.NetworkInterface]] = defaultdict(list)
        for eni in self.snap.network_interfaces:
            ips = {eni.private_ip_address, *(p.private_ip_address for p in eni.private_ip_addresses)}
            for ip in ips:
                self.enis_by_ip[ip].append(eni)
        self.instances_by_name: dict[str, list[m.Instance]] = defaultdict(list)
        self.instances_by_ip: dict[str, list[m.Instance]] = defaultdict(list)
        self.instances_by_dns: dict[str, m.Instance] = {}
        for inst in self.snap.instances:
            if inst.name:
                self.instances_by_name[inst.name.lower()].append(inst)
            self.instances_by_ip[inst.private_ip_address].append(inst)
            if inst.private_dns_name:
                self.instances_by_dns[inst.private_dns_name.lower()] = inst
        self.subnets_by_vpc: dict[str, list[tuple[Network, m.Subnet]]] = defaultdict(list)
        for s in self.snap.subnets:
            self.subnets_by_vpc[s.vpc_id].append((ip_network(s.cidr_block), s))
        self.vpc_networks = {v.vpc_id: [ip_network(c) for c in v.cidrs] for v in self.snap.vpcs}
        # Route tables that some subnet names explicitly: lets "is this the main table in use?" be a set lookup
        # rather than a scan over every subnet's association (trace._route_hop can use it; see bench/README).
        self.explicit_route_tables = frozenset(self.subnet_route_table.values())

    def _index_dns(self) -> None:
        self.zones_by_vpc: dict[str, list[m.HostedZone]] = defaultdict(list)
        self.zone_records: dict[str, dict[str, list[m.ResourceRecordSet]]] = {}
        for zone in self.snap.hosted_zones:
            if not zone.config.private_zone:
                continue
            for assoc in zone.vpcs:
                self.zones_by_vpc[assoc.vpc_id].append(zone)
            records: dict[str, list[m.ResourceRecordSet]] = defaultdict(list)
            for rr in zone.resource_record_sets:
                records[rr.name.rstrip(".").lower()].append(rr)
            self.zone_records[zone.id] = records
        for zones in self.zones_by_vpc.values():
            zones.sort(key=lambda z: len(z.name), reverse=True)  # most specific zone answers first
        # Interface endpoints with private DNS answer for the service's public name inside their VPC.
        self.private_dns_endpoint: dict[tuple[str, str], m.VpcEndpoint] = {}
        for ep in self.snap.vpc_endpoints:
            if ep.vpc_endpoint_type == "Interface" and ep.private_dns_enabled:
                region, service = service_of(ep.service_name)
                self.private_dns_endpoint[(ep.vpc_id, f"{service}.{region}.amazonaws.com")] = ep

    def _index_firewalls(self) -> None:
        # Network Firewall endpoints are the vpce-… ids in each firewall's FirewallStatus.SyncStates[az]
        # (Network Firewall developer guide, "Firewall endpoints"): route tables name them as GatewayId.
        self.firewall_endpoints: dict[str, tuple[m.Firewall, m.FirewallAttachment]] = {
            state.attachment.endpoint_id: (fw, state.attachment)
            for fw in self.snap.firewalls for state in fw.firewall_status.sync_states.values()
            if state.attachment is not None and state.attachment.endpoint_id
        }

    # --- lookups ---------------------------------------------------------------------------------------------

    def route_table_of(self, subnet_id: str) -> str | None:
        """A subnet's explicit route table, else its VPC's main table (VPC user guide, "Route tables")."""
        explicit = self.subnet_route_table.get(subnet_id)
        if explicit:
            return explicit
        subnet = self.subnets.get(subnet_id)
        return self.main_route_table.get(subnet.vpc_id) if subnet else None

    def acl_of(self, subnet_id: str) -> m.NetworkAcl | None:
        acl = self.subnet_acl.get(subnet_id)
        if acl is None and subnet_id in self.subnets:
            acl = self.default_acl.get(self.subnets[subnet_id].vpc_id)
        return acl

    def subnet_for_ip(self, vpc_id: str, ip: str) -> m.Subnet | None:
        addr = parse_ip(ip)
        for net, subnet in self.subnets_by_vpc.get(vpc_id, []):
            if addr in net:
                return subnet
        return None

    def vpc_contains(self, vpc_id: str, ip: str) -> bool:
        addr = parse_ip(ip)
        return any(addr in net for net in self.vpc_networks.get(vpc_id, []))

    def eni_in_vpc(self, vpc_id: str, ip: str) -> m.NetworkInterface | None:
        for eni in self.enis_by_ip.get(ip, []):
            if eni.vpc_id == vpc_id:
                return eni
        return None

    def instance_of_eni(self, eni: m.NetworkInterface) -> m.Instance | None:
        if eni.attachment and eni.attachment.instance_id:
            return self.instances.get(eni.attachment.instance_id)
        return None

    def primary_eni(self, inst: m.Instance) -> m.NetworkInterface | None:
        for eni_id in inst.network_interface_ids:
            if eni_id in self.enis:
                return self.enis[eni_id]
        return self.eni_in_vpc(inst.vpc_id, inst.private_ip_address)

    def role_of(self, inst: m.Instance) -> m.Role | None:
        if not inst.iam_instance_profile:
            return None
        profile = self.profiles.get(inst.iam_instance_profile.arn)
        if not profile or not profile.roles:
            return None
        return self.roles.get(profile.roles[0])

    def gaps_for(self, account: str | None, region: str, service: str | None = None) -> list[m.Gap]:
        out: list[m.Gap] = []
        for (acct, reg), gaps in self.gaps.items():
            if reg == region and (account is None or acct == account):
                out += [g for g in gaps if service is None or g.service == service]
        return out

    # --- what-if copies --------------------------------------------------------------------------------------

    def with_changes(self, changes: Iterable[TopologyChange]) -> Topology:
        """A copy of this estate with ``changes`` applied, in order; this topology is left as it was.

        The copy shares every index and replaces only the entries the changes touch (O(size of the change),
        not of the estate). Its ``derived`` cache inherits this one's values except those that depend on a
        touched entry (a changed route table's route choices, a rewritten policy's compiled form, …).
        """
        copy = Topology.__new__(Topology)
        copy.__dict__.update(self.__dict__)
        copy._touched = set()
        copy._editing = True
        try:
            for change in changes:
                change.apply(copy)
        finally:
            copy._editing = False
        copy.derived = self.derived.what_if(frozenset(copy._touched))
        return copy

    @property
    def touched(self) -> frozenset[str]:
        """The dependency tags (engine.derived) the changes that made this copy touched; empty for a base."""
        return frozenset(self._touched)

    def put_instance(self, inst: m.Instance) -> None:
        """Replace an instance (same id, name, IP and DNS name) in every index that holds it."""
        old = self._put("instances", inst.instance_id, inst)
        if (old.name, old.private_ip_address, old.private_dns_name) != \
                (inst.name, inst.private_ip_address, inst.private_dns_name):
            raise ValueError(f"a what-if change may not rename or re-address {inst.instance_id}")
        if inst.name:
            self._put_in_list("instances_by_name", inst.name.lower(), inst)
        self._put_in_list("instances_by_ip", inst.private_ip_address, inst)
        if inst.private_dns_name:
            self._put("instances_by_dns", inst.private_dns_name.lower(), inst)

    def put_routes(self, rtb_id: str, routes: list[tuple[m.Route, Network | None]]) -> None:
        """Replace a route table's routes (its parsed index, its model and its "routes" edges in the graph)."""
        table = self.route_tables[rtb_id]
        before = {r.target for r in table.routes if r.target and r.target != "local"}
        after = {r.target for r, _net in routes if r.target and r.target != "local"}
        self._put("rtb_routes", rtb_id, routes)
        self._put("route_tables", rtb_id, table.model_copy(update={"routes": [r for r, _net in routes]}))
        self._graph_edits += tuple(("remove", rtb_id, t) for t in sorted(before - after))
        self._graph_edits += tuple(("add", rtb_id, t) for t in sorted(after - before))

    def put_endpoint(self, ep: m.VpcEndpoint) -> None:
        """Replace an endpoint (same VPC, type and DNS role); a new policy makes its compiled form stale."""
        old = self._put("endpoints", ep.vpc_endpoint_id, ep)
        if old.policy_document != ep.policy_document:
            self._touched.add(f"policy:endpoint:{ep.vpc_endpoint_id}")
        if ep.vpc_endpoint_type == "Interface" and ep.private_dns_enabled:
            region, service = service_of(ep.service_name)
            self._put("private_dns_endpoint", (ep.vpc_id, f"{service}.{region}.amazonaws.com"), ep)

    def put_tgw_attachment(self, att: m.TransitGatewayAttachment) -> None:
        """Replace a transit gateway attachment (same id and VPC) in its indexes."""
        self._put("tgw_attachments", att.transit_gateway_attachment_id, att)
        if att.resource_type == "vpc" and att.resource_id:
            others = [a for a in self.tgw_attachment_by_vpc.get(att.resource_id, [])
                      if a.transit_gateway_attachment_id != att.transit_gateway_attachment_id]
            self._put("tgw_attachment_by_vpc", att.resource_id, [*others, att])

    def put_tgw_route_table(self, table: m.TransitGatewayRouteTable) -> None:
        self._put("tgw_route_tables", table.transit_gateway_route_table_id, table)

    def network_acl(self, acl_id: str) -> m.NetworkAcl:
        """The ACL with this id, as this (possibly what-if) topology holds it."""
        found = next((a for a in self.subnet_acl.values() if a.network_acl_id == acl_id), None) or \
            next((a for a in self.default_acl.values() if a.network_acl_id == acl_id), None)
        if found is None:
            raise KeyError(acl_id)
        return found

    def put_network_acl(self, acl: m.NetworkAcl) -> None:
        """Replace a network ACL for every subnet associated with it (and as its VPC's default)."""
        for assoc in acl.associations:
            if assoc.subnet_id in self.subnet_acl:
                self._put("subnet_acl", assoc.subnet_id, acl)
        if acl.is_default and self.default_acl.get(acl.vpc_id) is not None:
            self._put("default_acl", acl.vpc_id, acl)

    def put_bucket(self, bucket: m.Bucket) -> None:
        old = self._put("buckets", bucket.name, bucket)
        if old.policy != bucket.policy:
            self._touched.add(f"policy:bucket:{bucket.name}")

    def put_resource_policy(self, arn: str, text: str) -> None:
        """Replace the policy of a KMS key or a secret (by ARN)."""
        index = "kms_keys" if arn in self.kms_keys else "secrets"
        current = getattr(self, index)[arn]
        self._put(index, arn, current.model_copy(update={"policy": text}))
        if current.policy != text:
            self._touched.add(f"policy:resource:{arn}")

    def put_firewall_rule_group(self, group: m.FirewallRuleGroup) -> None:
        self._put("firewall_rule_groups", group.rule_group_arn, group)

    def put_role(self, role: m.Role) -> None:
        old = self._put("roles", role.arn, role)
        if old.policies != role.policies:
            self._touched.add(f"policy:identity:{role.arn}")
        if old.permissions_boundary != role.permissions_boundary:
            self._touched.add(f"policy:boundary:{role.arn}")

    def put_organization(self, org: m.Organization) -> None:
        """Replace the organisation on a what-if copy (an SCP or RCP rewritten)."""
        if not self._editing:
            raise RuntimeError("a topology is read-only; use with_changes() for a what-if copy")
        before = {p.id: p.content for p in (self.organization.policies if self.organization else [])}
        self._touched |= {f"policy:org:{p.id}" for p in org.policies if before.get(p.id) != p.content}
        self.organization = org

    def _put(self, index: str, key: Any, value: Any) -> Any:
        """Replace one entry of an index on a copy being made by with_changes; returns the entry replaced."""
        if not self._editing:
            raise RuntimeError("a topology is read-only; use with_changes() for a what-if copy")
        current: Mapping[Any, Any] = getattr(self, index)
        old = current[key]
        setattr(self, index, Overlay(current, {key: value}))
        self._touched |= {index, f"{index}:{key}"}
        return old

    def _put_in_list(self, index: str, key: str, inst: m.Instance) -> None:
        entries = getattr(self, index)[key]
        self._put(index, key, [inst if i.instance_id == inst.instance_id else i for i in entries])

    # --- graph -----------------------------------------------------------------------------------------------

    @property
    def graph(self) -> nx.DiGraph:
        """The resource graph (networkx), made on first use from the edges recorded at build: answering needs
        only ``in_vpc``, so a cold ``reachbot ask`` neither imports networkx nor builds it (issue #14). A
        what-if copy whose routes changed applies its edits to its own copy of the graph."""
        if self._graph is None:
            self._graph = _networkx_graph(self._nodes, self._edges)
        if self._graph_edits:
            g = self._graph.copy()
            for op, rtb, target in self._graph_edits:
                if op == "add":
                    g.add_edge(rtb, target, rel="routes")
                elif g.has_edge(rtb, target):
                    g.remove_edge(rtb, target)
            self._graph, self._graph_edits = g, ()
        return self._graph

    def _record_graph(self) -> None:
        """The graph's nodes (id → kind) and edges (source, target, relation), in the order networkx would add
        them, and the successors of each VPC and subnet that ``in_vpc`` walks."""
        self._nodes: dict[str, str] = {}
        for kind, items in (
            ("vpc", self.vpcs), ("subnet", self.subnets), ("route-table", self.route_tables),
            ("internet-gateway", self.igws), ("nat-gateway", self.nats), ("vpc-peering", self.peerings),
            ("transit-gateway", self.tgws), ("tgw-attachment", self.tgw_attachments),
            ("tgw-route-table", self.tgw_route_tables), ("endpoint", self.endpoints),
        ):
            self._nodes.update(dict.fromkeys(items, kind))
        self._edges = self._graph_edges()
        self._hosted: dict[str, dict[str, None]] = {}  # a VPC's or subnet's successors, ordered, once each
        for source, target, _rel in self._edges:
            if self._nodes.get(source) in ("vpc", "subnet"):
                self._hosted.setdefault(source, {})[target] = None

    def _graph_edges(self) -> list[tuple[str, str, str]]:
        edges: list[tuple[str, str, str]] = []
        for s in self.snap.subnets:
            edges.append((s.vpc_id, s.subnet_id, "contains"))
            rtb = self.route_table_of(s.subnet_id)
            if rtb:
                edges.append((s.subnet_id, rtb, "uses"))
        for table in self.snap.route_tables:
            edges += [(table.route_table_id, route.target, "routes") for route in table.routes
                      if route.target and route.target != "local"]
        for p in self.snap.vpc_peering_connections:
            edges += [(p.vpc_peering_connection_id, info.vpc_id, "joins")
                      for info in (p.requester_vpc_info, p.accepter_vpc_info)]
        edges += [(ep.vpc_id, ep.vpc_endpoint_id, "hosts") for ep in self.snap.vpc_endpoints]
        edges += [(nat.subnet_id, nat.nat_gateway_id, "hosts") for nat in self.snap.nat_gateways]
        edges += [(att.vpc_id, igw.internet_gateway_id, "attached")
                  for igw in self.snap.internet_gateways for att in igw.attachments]
        for a in self.snap.transit_gateway_attachments:
            edges.append((a.transit_gateway_id, a.transit_gateway_attachment_id, "attaches"))
            if a.resource_id:
                edges.append((a.transit_gateway_attachment_id, a.resource_id, "reaches"))
            if a.association:
                edges.append((a.transit_gateway_attachment_id, a.association.transit_gateway_route_table_id,
                              "associated"))
        return edges

    def in_vpc(self, vpc_id: str, kind: str) -> list[str]:
        """Resources of ``kind`` inside a VPC, found by walking the graph: the VPC itself hosts endpoints and
        internet gateways; its subnets host NAT gateways and use route tables."""
        # The base graph is enough: no change kind moves a resource between VPCs or subnets (changes edit only
        # "routes" edges), so a what-if copy reads the successors recorded at build.
        hosted, nodes = self._hosted.get(vpc_id, {}), self._nodes
        found = [n for n in hosted if nodes.get(n) == kind]
        for subnet in (n for n in hosted if nodes.get(n) == "subnet"):
            found += [n for n in self._hosted.get(subnet, {}) if nodes.get(n) == kind and n not in found]
        return found

    def _check_references(self) -> None:
        """Dangling references are a broken snapshot, unless collection recorded a gap in that region."""
        problems: list[str] = []
        for i, rtb in enumerate(self.snap.route_tables):
            for j, route in enumerate(rtb.routes):
                target = route.target
                # A blackhole route is exactly one whose target is gone: AWS keeps listing it.
                if target and target != "local" and route.state != "blackhole" and not self._known(target) \
                        and not self.gaps_for(None, rtb.region):
                    problems.append(
                        f"route_tables[{i}] ({rtb.route_table_id}).Routes[{j}]: target {target} is not in the snapshot"
                    )
                pl = route.destination_prefix_list_id
                if pl and pl not in self.prefix_lists and not self.gaps_for(None, rtb.region):
                    problems.append(
                        f"route_tables[{i}] ({rtb.route_table_id}).Routes[{j}]: prefix list {pl} is not in the snapshot"
                    )
        for i, inst in enumerate(self.snap.instances):
            if inst.subnet_id not in self.subnets and not self.gaps_for(inst.owner_id, inst.region):
                problems.append(
                    f"instances[{i}] ({inst.instance_id}).SubnetId: {inst.subnet_id} is not in the snapshot")
        for i, s in enumerate(self.snap.subnets):
            if s.vpc_id not in self.vpcs and not self.gaps_for(None, s.region):
                problems.append(f"subnets[{i}] ({s.subnet_id}).VpcId: {s.vpc_id} is not in the snapshot")
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise SnapshotError(
                "the snapshot refers to resources it does not contain: " + "; ".join(problems[:3]) + more
                + ". Re-run `reachbot collect` for the regions involved, or fix the file."
            )

    def _known(self, target: str) -> bool:
        return any(
            target in table
            for table in (self.igws, self.nats, self.peerings, self.tgws, self.endpoints, self.enis, self.instances,
                          self.firewall_endpoints)
        ) or target.startswith(("vgw-", "eigw-", "cagw-", "lgw-"))


def service_of(service_name: str) -> tuple[str, str]:
    """``com.amazonaws.ap-northeast-3.s3`` → (``ap-northeast-3``, ``s3``)."""
    parts = service_name.split(".")
    return (parts[2], ".".join(parts[3:])) if len(parts) >= 4 else ("", service_name)


def _net(cidr: str | None) -> Network | None:
    return parse_net(cidr) if cidr else None


def _networkx_graph(nodes: dict[str, str], edges: list[tuple[str, str, str]]) -> nx.DiGraph:
    import networkx as nx  # imported here: about 0.1 s of a cold start, and answers never need it

    g = nx.DiGraph()
    for node, kind in nodes.items():
        g.add_node(node, kind=kind)
    for source, target, rel in edges:
        g.add_edge(source, target, rel=rel)
    return g
