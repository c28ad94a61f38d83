"""The walk: where a request really goes, and what refuses it. One object per question, with public legs.

Order of the walk (article-scenarios.md, domain-rules.md):
1. the client's runtime picks a proxy (or not) for the URL, from the client's environment;
2. if proxied, the leg to the proxy: its name resolved in the client's VPC, security groups, network ACLs,
   routes both ways (peering, transit gateway);
3. the destination name resolved *where the request leaves from* (the proxy, or the client);
4. the route-table lookup there, then the gateway, NAT, peering, transit gateway or endpoint it leads to
   (``engine.walk.targets`` chooses the step by the target's type in the topology);
5. for S3, the endpoint policy at the endpoint, then the bucket and identity policies at the bucket, judged
   against the client's own credentials (the proxy only tunnels TLS): the policy gate.
Missing data gives ``unknown`` with a caveat, never a guessed ``reachable``.

:class:`Walk` holds the legs every step shares (:meth:`Walk.ip_leg`, :meth:`Walk.route_to_ip`,
:meth:`Walk.route_hop`, :meth:`Walk.acl`, :meth:`Walk.policy_gate`); ``targets``, ``tgw`` and ``egress`` are
plain functions over it, each importing only what comes before it (walker ← targets ← egress), and
``engine.walk.tracer.Tracer``, built once per snapshot, runs a walk per question.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import model as m
from engine.codes import Code, Layer, Reason
from engine.dns import Address
from engine.filters import EPHEMERAL, FilterResult, Peer, acl_allows, security_groups_allow
from engine.policy import (
    AccessDecision,
    EndpointLayer,
    IdentityLayer,
    PolicyLayers,
    ResourceLayer,
    decide_access,
)
from engine.policy.model import RequestContext
from engine.policybook import RCP_TYPE, SCP_TYPE, PolicyBook
from engine.proxy import ProxyChoice, choose_proxy
from engine.proxy.model import proxy_endpoint
from engine.question import Question
from engine.routing import RouteChoice, lookup, unresolved_prefix_lists
from engine.topology import Topology
from engine.walk.names import resolve_for
from engine.walk.record import RouteUsed, TgwLanding, Trace
from engine.walk.targets import transit

MAX_TRANSITS = 6  # peering / transit-gateway hand-offs followed before giving up (loops in bad configs)


@dataclass(frozen=True, slots=True)
class Crossing:
    """Where a packet is routed from (the subnet whose table decides) and what the filters on the way compare:
    its source address and ports (a reply's destination ports are the client's ephemeral range)."""

    subnet: m.Subnet
    source: Address
    ports: tuple[int, int]

    def at(self, subnet: m.Subnet) -> Crossing:
        return Crossing(subnet, self.source, self.ports)


_NOWHERE = Crossing(m.Subnet.model_construct(subnet_id="", vpc_id="", region="", cidr_block="0.0.0.0/32"), Address(),
                    (0, 0))  # model_construct: no validator is made at import (cold start, issue #14)


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


class Walk:
    """One question's walk over one topology; ``t`` is what it records."""

    def __init__(self, topo: Topology, policies: PolicyBook, question: Question) -> None:
        self.topo = topo
        self.policies = policies
        self.t = Trace(question)
        self.crossing = _NOWHERE  # set by each leg that routes (route_to_ip, the egress walk)
        self.tgw_landings: list[TgwLanding] = []  # each VPC a transit gateway handed this leg's packets to

    @property
    def question(self) -> Question:
        return self.t.question

    def start(self) -> Side | None:
        """The client and its proxy: where the request leaves from towards the destination, or None."""
        client = self.side_of_instance(self.question.source)
        if client is None:
            return None
        self._source_hop(client)
        self.t.egress = self._choose_egress(client)
        return self.t.egress

    # --- the client and its proxy ---------------------------------------------------------------------------

    def side_of_instance(self, inst: m.Instance) -> Side | None:
        eni = self.topo.primary_eni(inst)
        subnet = self.topo.subnets.get(inst.subnet_id)
        if eni is None or subnet is None:
            self.t.cannot_tell(Code.INSTANCE_NOT_PLACED, instance=inst.instance_id)
            return None
        return Side(eni, subnet, inst)

    def _source_hop(self, client: Side) -> None:
        inst = client.instance
        assert inst is not None
        self.t.hop("instance", inst.instance_id, inst.region, name=inst.name or inst.instance_id,
                   ip=inst.private_ip_address, subnet=inst.subnet_id, vpc=inst.vpc_id, account=inst.owner_id,
                   runtime=self.question.runtime)

    def _choose_egress(self, client: Side) -> Side | None:
        q, t = self.question, self.t
        inst = client.instance
        assert inst is not None
        if q.destination.tcp:
            t.observe(Code.DIRECT_CONNECTION, inst.instance_id, runtime="TCP", why=Reason.PLAIN_TCP)
            return client
        env = {k: v.value for k, v in inst.proxy_environment.items()}
        choice = choose_proxy(q.destination.url, env, q.runtime)
        t.proxy = choice
        if choice.reason.fails_client:
            t.refuse(Code.CLIENT_PROXY_ERROR, inst.instance_id, runtime=q.runtime, why=choice.reason)
            return None
        if choice.proxy is None:
            self._observe_direct(choice)
            return client
        t.observe(Code.PROXY_CHOSEN, inst.instance_id, runtime=q.runtime, url=q.destination.url,
                  proxy=choice.display_proxy, variable=choice.variable,
                  no_proxy_variable=choice.no_proxy_variable or "NO_PROXY",
                  no_proxy=env.get(choice.no_proxy_variable or "", "(unset)"))
        proxy_side = self._reach_proxy(client, choice)
        if proxy_side is not None:
            t.observe(Code.RESOLVED_AT_PROXY, proxy_side.instance.instance_id if proxy_side.instance else "",
                      proxy=choice.display_proxy, host=q.destination.host)
        return proxy_side

    def _observe_direct(self, choice: ProxyChoice) -> None:
        q = self.question
        if choice.bypass_entry:
            compared = choice.checked_host or q.destination.host
            self.t.observe(Code.NO_PROXY_MATCH, q.source.instance_id, runtime=q.runtime,
                           variable=choice.no_proxy_variable, entry=choice.bypass_entry, host=compared,
                           url_host=q.destination.host)
        else:
            self.t.observe(Code.DIRECT_CONNECTION, q.source.instance_id, runtime=q.runtime, why=choice.reason)

    def _reach_proxy(self, client: Side, choice: ProxyChoice) -> Side | None:
        t = self.t
        endpoint = proxy_endpoint(choice.proxy or "")
        if endpoint is None:  # every runtime's URL parser or connect() rejects it: the request fails at once
            t.refuse(Code.CLIENT_PROXY_ERROR, client.eni.network_interface_id if client.instance is None
                     else client.instance.instance_id, runtime=self.question.runtime, why=Reason.PROXY_URL_INVALID,
                     proxy=choice.display_proxy, variable=choice.variable)
            return None
        host, port = endpoint
        res = resolve_for(self, client, host, "client")
        if res is None:
            return None
        if res.address is None or res.address.ip is None:
            why = Reason.ZONE_HAS_NO_RECORD if res.address is None else Reason.NOT_A_PRIVATE_NAME
            if res.answered_by == "reserved":
                why = Reason.RESERVED_NAME
            t.refuse(Code.DNS_NO_ANSWER, host, host=host, vpc=client.subnet.vpc_id, why=why, zone=None,
                     rfc=res.resource)
            return None
        proxy_eni = self._find_proxy_eni(client, res.address.ip)
        if proxy_eni is None:
            return None
        proxy = Side(proxy_eni, self.topo.subnets[proxy_eni.subnet_id], self.topo.instance_of_eni(proxy_eni))
        if not self.ip_leg(client, proxy, port):
            return None
        inst = proxy.instance
        if inst is None:
            t.cannot_tell(Code.PROXY_NOT_AN_INSTANCE, ip=res.address.ip, eni=proxy_eni.network_interface_id)
            return None
        if inst.proxy_ports and port not in inst.proxy_ports:
            t.refuse(Code.PROXY_UNREACHABLE, inst.instance_id, url=choice.display_proxy,
                     source=client.eni.private_ip_address, why=Reason.PROXY_PORT_CLOSED,
                     instance=inst.instance_id, ports=inst.proxy_ports, port=port)
            return None
        t.hop("proxy", inst.instance_id, inst.region, url=choice.display_proxy, variable=choice.variable)
        t.proxy_instance = inst
        return proxy

    def _find_proxy_eni(self, client: Side, ip: str) -> m.NetworkInterface | None:
        """The ENI behind a private IP, looked for in the client's VPC and the VPCs its routes lead to."""
        candidates = self.topo.enis_by_ip.get(ip, [])
        local = [e for e in candidates if e.vpc_id == client.subnet.vpc_id]
        if local or len(candidates) == 1:
            return (local or candidates)[0]
        if not candidates:
            self.t.cannot_tell(Code.ADDRESS_NOT_IN_SNAPSHOT, ip=ip, role="proxy")
        else:
            self.t.cannot_tell(Code.ADDRESS_AMBIGUOUS, ip=ip, count=len(candidates))
        return None

    # --- legs shared by every step ----------------------------------------------------------------------------

    def ip_leg(self, src: Side, dst: Side, port: int) -> bool:
        """Both ways between two ENIs: security groups, network ACLs, routes out and back."""
        dst_addr, src_addr = Address(ip=dst.eni.private_ip_address), Address(ip=src.eni.private_ip_address)
        sg = security_groups_allow(self.topo, src.groups, True, Peer(dst_addr, tuple(dst.groups)), port)
        if not self.security_group_passes(Code.SG_EGRESS_DENY, sg):
            return False
        if not self.acl(src.subnet, True, dst_addr, (port, port)):
            return False
        self.tgw_landings = []
        if not self.route_to_ip(src.subnet, dst_addr, dst.subnet.vpc_id, False, src_addr, (port, port)):
            return False
        entered = self.delivered_by_tgw_into(dst.subnet, False)
        if not entered and not self.acl(dst.subnet, False, src_addr, (port, port)):
            return False
        sg = security_groups_allow(self.topo, dst.groups, False, Peer(src_addr, tuple(src.groups)), port)
        if not self.security_group_passes(Code.SG_INGRESS_DENY, sg):
            return False
        if not self.route_to_ip(dst.subnet, src_addr, src.subnet.vpc_id, True, dst_addr, EPHEMERAL):
            return False
        self.appliance_mode_check()
        return self.acl(dst.subnet, True, src_addr, EPHEMERAL) and (
            self.delivered_by_tgw_into(src.subnet, True) or self.acl(src.subnet, False, dst_addr, EPHEMERAL))

    def appliance_mode_check(self) -> None:
        """A flow that crosses a transit VPC (inspection, shared services) in one zone and returns in another
        meets two appliances, each seeing half of it; stateful ones (Network Firewall) drop it. Appliance mode
        keeps both directions in one zone (Transit Gateway guide, "Appliance in a shared services VPC";
        Network Firewall guide, "Avoiding asymmetric routing")."""
        forward = {x.attachment: x.zone for x in self.tgw_landings if not x.back and not x.delivered}
        for x in self.tgw_landings:
            if not x.back or x.delivered or x.attachment not in forward or forward[x.attachment] == x.zone:
                continue
            att = self.topo.tgw_attachments[x.attachment]
            if att.appliance_mode_support != "enable":
                self.t.cannot_tell(Code.TGW_APPLIANCE_MODE_OFF, attachment=x.attachment, vpc=att.resource_id,
                                   forward_az=forward[x.attachment], return_az=x.zone,
                                   mode=att.appliance_mode_support or "not collected")

    def delivered_by_tgw_into(self, subnet: m.Subnet, back: bool) -> bool:
        """The gateway handed the packet to this very subnet through its own attachment interface there: what
        the gateway hands to instances of its own subnet is judged by no network ACL ("Network ACLs for
        transit gateways": same subnet)."""
        return any(x.delivered and x.back == back and x.subnet == subnet.subnet_id for x in self.tgw_landings)

    def security_groups_out(self, side: Side, addr: Address, port: int) -> bool:
        """The sender's egress rules towards an address outside the VPC's interfaces."""
        sg = security_groups_allow(self.topo, side.groups, True, Peer(addr), port)
        return self.security_group_passes(Code.SG_EGRESS_DENY, sg)

    def security_group_passes(self, code: Code, sg: FilterResult) -> bool:
        """Record the rule that admitted the flow, or the refusal (``code``) when none did."""
        if sg.allowed:
            self.t.passes(sg)
        else:
            self.security_group_refusal(code, sg)
        return sg.allowed

    def security_group_refusal(self, code: Code, sg: FilterResult) -> None:
        """No rule admits the flow; unless a rule names a prefix list whose entries were not collected, which
        might admit it (VPC guide, "Managed prefix lists": referencing lists in security group rules)."""
        if sg.unresolved:
            self.t.cannot_tell(Code.PREFIX_LIST_NOT_COLLECTED, resource=sg.resource, prefix_list=sg.unresolved)
        else:
            self.t.refuse(code, sg.resource, filter=sg)

    def acl(self, subnet: m.Subnet, egress: bool, peer: Address, ports: tuple[int, int]) -> bool:
        """The subnet's network ACL, one direction (stateless: requests and replies are checked apart)."""
        result = acl_allows(self.topo, self.topo.acl_of(subnet.subnet_id), egress, peer, ports)
        if not result.allowed:
            self.t.refuse(Code.NACL_DENY, result.resource, filter=result, subnet=subnet.subnet_id, egress=egress)
        elif result.rule is not None:  # no ACL recorded: the default ACL's allow is no rule to show
            self.t.passes(result)
        return result.allowed

    def route_table_of(self, subnet: m.Subnet) -> str | None:
        rtb = self.topo.route_table_of(subnet.subnet_id)
        if rtb is None:
            self.t.cannot_tell(Code.NO_ROUTE_TABLE, subnet=subnet.subnet_id, vpc=subnet.vpc_id)
        return rtb

    def route_to_ip(self, subnet: m.Subnet, addr: Address, target_vpc: str, back: bool, source: Address,
                    ports: tuple[int, int]) -> bool:
        """Follow routes from ``subnet`` until ``addr`` is delivered inside ``target_vpc``; ``source`` and
        ``ports`` are the packet's, for the network ACLs of the subnets it crosses on the way."""
        vpc, rtb = subnet.vpc_id, self.topo.route_table_of(subnet.subnet_id)
        self.crossing = Crossing(subnet, source, ports)
        code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
        for _ in range(MAX_TRANSITS):
            if rtb is None:
                self.t.cannot_tell(Code.NO_ROUTE_TABLE, subnet=self.crossing.subnet.subnet_id, vpc=vpc)
                return False
            choice = self.lookup(rtb, addr)
            if choice is None:
                self.t.refuse(code, rtb, rtb=rtb, destination=addr, why=Reason.NONE)
                return False
            self.route_hop(rtb, self.crossing.subnet, choice.route, addr, back)
            nxt = transit(self, vpc, rtb, choice.route, addr, back)
            if nxt is None:
                return False
            vpc, rtb = nxt
            if rtb is None and vpc == target_vpc and self.topo.vpc_contains(vpc, addr.ip or ""):
                return True
        self.t.cannot_tell(Code.ROUTING_LOOP, count=MAX_TRANSITS, destination=addr)
        return False

    def lookup(self, rtb: str, addr: Address) -> RouteChoice | None:
        """The route ``rtb`` uses for ``addr``. A route to a customer-managed prefix list whose entries were not
        collected (another account's list shared through RAM) might match and win: the answer cannot be final."""
        for pl_id in unresolved_prefix_lists(self.topo, rtb):
            self.t.cannot_tell(Code.PREFIX_LIST_NOT_COLLECTED, resource=rtb, prefix_list=pl_id)
        return lookup(self.topo, rtb, addr)

    def route_hop(self, rtb: str, subnet: m.Subnet, route: m.Route, addr: Address, back: bool) -> None:
        table = self.topo.route_tables[rtb]
        main = rtb not in self.topo.explicit_route_tables and table.is_main
        self.t.route_hop(RouteUsed(rtb, route), table.region, back, rtb=rtb, subnet=subnet.subnet_id, main=main,
                         destination=addr, route=route.destination, target=route.target)

    # --- the policy gate ------------------------------------------------------------------------------------

    def policy_gate(self, ctx: RequestContext, endpoint: m.VpcEndpoint | None, bucket: m.Bucket,
                    role: m.Role) -> AccessDecision | None:
        """Judge the request against the endpoint, bucket and identity policies; record the decision.

        ``None`` when a policy the decision needs could not be collected (the answer is then ``unknown``).
        """
        if not self._policies_collected(bucket, role):
            return None
        book = self.policies
        service_linked = role.path.startswith("/aws-service-role/")
        decision = decide_access(ctx, PolicyLayers(
            endpoint=EndpointLayer(endpoint.vpc_endpoint_id, book.endpoint(endpoint)) if endpoint else None,
            resource=ResourceLayer(bucket.name, bucket.owner_id, book.bucket(bucket)),
            identity=IdentityLayer(role.arn, book.identity(role)),
            boundary=book.boundary(role),
            # SCPs bound the principal's account; RCPs the bucket owner's (Organizations UG).
            scps=book.org_levels(role.account_id, SCP_TYPE, service_linked=service_linked),
            rcps=book.org_levels(bucket.owner_id, RCP_TYPE),
        ))
        self._record_decision(decision, ctx)
        self._organisation_caveats(role.account_id, bucket.owner_id)
        return decision

    def service_gate(self, ctx: RequestContext, endpoint: m.VpcEndpoint | None, role: m.Role,
                     resource_policy: bool, resource: ResourceLayer | None = None) -> AccessDecision | None:
        """A request to another service through its endpoint: the endpoint policy, and the identity side (identity
        ∩ boundary ∩ SCPs). ``resource``: the named key or secret with its policy, evaluated as the resource
        layer (RCPs of its owner too). Without it, where the service has resource policies (KMS, Secrets
        Manager, a role's trust policy), only a refusal they cannot lift stands; otherwise the answer is unknown."""
        if not self._identity_collected(role):
            return None
        book = self.policies
        service_linked = role.path.startswith("/aws-service-role/")
        decision = decide_access(ctx, PolicyLayers(
            endpoint=EndpointLayer(endpoint.vpc_endpoint_id, book.endpoint(endpoint)) if endpoint else None,
            resource=resource or ResourceLayer(self.question.destination.host, role.account_id, None),
            identity=IdentityLayer(role.arn, book.identity(role)),
            boundary=book.boundary(role),
            scps=book.org_levels(role.account_id, SCP_TYPE, service_linked=service_linked),
            rcps=book.org_levels(resource.owner, RCP_TYPE) if resource else None,
        ))
        definite = not decision.allowed and not decision.undetermined and (
            decision.code in (Code.ENDPOINT_POLICY_DENY, Code.SCP_DENY) or decision.deciding is not None)
        if resource is None and resource_policy and not definite:
            # A resource policy may grant the role directly, or refuse: neither is in the snapshot.
            self.t.cannot_tell(Code.RESOURCE_POLICY_NOT_COLLECTED, action=ctx.action,
                               host=self.question.destination.host)
            if not decision.allowed:
                self._organisation_caveats(role.account_id)
                return decision
        self._record_decision(decision, ctx)
        self._organisation_caveats(role.account_id, *((resource.owner,) if resource else ()))
        return decision

    def _identity_collected(self, role: m.Role) -> bool:
        for gap in self.topo.gaps_for(role.account_id, "global", "iam"):
            self.t.cannot_tell(Code.POLICY_UNREAD, layer=Layer.IDENTITY, owner=role.arn, error=gap.error,
                               permission=gap.permission or "iam:GetRolePolicy")
            return False
        return True

    def _organisation_caveats(self, *accounts: str) -> None:
        """What of the organisation was not read: its SCPs and RCPs may refuse what the answer allows."""
        for gap in self.policies.org_gaps():
            self.t.caveat(Code.ORGANIZATION_UNREAD, account=", ".join(sorted(set(accounts))),
                          error=f"{gap.operation}: {gap.error}")

    def _policies_collected(self, bucket: m.Bucket, role: m.Role) -> bool:
        topo = self.topo
        for gap in topo.gaps_for(bucket.owner_id, bucket.region, "s3"):
            if gap.resource in (None, bucket.name) and gap.operation in ("GetBucketPolicy", "ListBuckets"):
                self.t.cannot_tell(Code.POLICY_UNREAD, layer=Layer.BUCKET, owner=bucket.name, error=gap.error,
                                   permission=gap.permission or "s3:GetBucketPolicy")
                return False
        for gap in topo.gaps_for(role.account_id, "global", "iam"):  # IAM is global: gaps are under "global"
            self.t.cannot_tell(Code.POLICY_UNREAD, layer=Layer.IDENTITY, owner=role.arn, error=gap.error,
                               permission=gap.permission or "iam:GetRolePolicy")
            return False
        return True

    def _record_decision(self, decision: AccessDecision, ctx: RequestContext) -> None:
        t, dest = self.t, self.question.destination.id
        if decision.undetermined:
            # Allowed with the keys one way, refused the other: "unknown" even though a refusal is listed,
            # never a guess (PRIMER, ground rules).
            whys = sorted({(ctx.resource_unknown or k) if k == "resource" else getattr(ctx.keys.get(k), "why", k)
                           for k in decision.undetermined})
            t.not_final(Code.POLICY_KEY_UNKNOWN, keys=", ".join(decision.undetermined), why="; ".join(whys))
        if decision.allowed:
            t.observe(Code.POLICY_ALLOWS, dest, decision=decision)
        else:
            refusals = [(decision.code, decision.resource or "?", decision.deciding), *decision.others]
            for code, resource, deciding in refusals:
                assert code is not None
                statement = dict(deciding.statement) if deciding is not None else None
                t.refuse(code, resource, statement=statement, decision=decision)
        for note in decision.notes:
            t.observe(Code.POLICY_NOTE, dest, note=note)
