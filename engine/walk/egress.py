"""From where the request leaves (the proxy, or the client itself) to the destination.

The destination's name is resolved here, with this VPC's resolver; this subnet's route table picks the
gateway endpoint, internet gateway or NAT gateway (``engine.walk.targets``); then the policy gate (S3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from engine import model as m
from engine.codes import Code, Layer, Reason
from engine.dns import Address
from engine.filters import EPHEMERAL
from engine.names import parse_arn
from engine.policy import RequestContext, ResourceLayer, Unknowable
from engine.services import SERVICES, ServiceAuth, has_resource_policy, service_of_host
from engine.topology import service_of
from engine.walk.inspection import inspect, returns_through
from engine.walk.names import resolve_for
from engine.walk.targets import APPLIANCES, Target, handed_to, target_of, through_peering
from engine.walk.tgw import follow_transit_gateway
from engine.walk.walker import MAX_TRANSITS, Crossing, Side, Walk


def to_destination(walk: Walk, egress: Side) -> None:
    t = walk.t
    dest = t.question.destination
    if dest.kind == "instance":
        _to_instance(walk, egress)
        return
    res = resolve_for(walk, egress, dest.host, "proxy" if t.proxy_instance else "client")
    if res is None:
        return
    if res.address is None and res.answered_by == "reserved":
        t.refuse(Code.DNS_NO_ANSWER, dest.host, host=dest.host, vpc=egress.subnet.vpc_id, why=Reason.RESERVED_NAME,
                 rfc=res.resource)
        return
    if res.address is None:
        t.refuse(Code.DNS_NO_ANSWER, res.resource or dest.host, host=dest.host, vpc=egress.subnet.vpc_id,
                 why=Reason.ZONE_HAS_NO_RECORD, zone=res.resource)
        return
    if res.answered_by == "public" and res.address.service is None:
        t.caveat(Code.PUBLIC_DNS_ASSUMED, host=dest.host)
    if res.answered_by == "interface-endpoint" and res.eni_id:
        _through_interface_endpoint(walk, egress, res.resource or "", res.eni_id)
    elif res.address.is_private:
        _to_private_ip(walk, egress, res.address)
    else:
        _out_of_vpc(walk, egress, res.address)


# --- private destinations -----------------------------------------------------------------------------------


def _to_instance(walk: Walk, egress: Side) -> None:
    dest = walk.question.destination
    target = walk.side_of_instance(walk.topo.instances[dest.id])
    if target is None or not walk.ip_leg(egress, target, dest.port):
        return
    inst = target.instance
    assert inst is not None
    walk.t.hop("instance", inst.instance_id, inst.region, "destination-instance", name=inst.name or inst.instance_id,
               ip=inst.private_ip_address, port=dest.port, subnet=inst.subnet_id)


def _to_private_ip(walk: Walk, egress: Side, addr: Address) -> None:
    candidates = walk.topo.enis_by_ip.get(addr.ip or "", [])
    eni = next((e for e in candidates if e.vpc_id == egress.subnet.vpc_id), candidates[0] if candidates else None)
    if eni is None:
        walk.t.cannot_tell(Code.ADDRESS_NOT_IN_SNAPSHOT, ip=addr.ip, role="destination")
        return
    target = Side(eni, walk.topo.subnets[eni.subnet_id], walk.topo.instance_of_eni(eni))
    port = walk.question.destination.port
    if walk.ip_leg(egress, target, port):
        owner = target.instance.instance_id if target.instance else eni.network_interface_id
        walk.t.hop("instance" if target.instance else "network-interface", owner, eni.region, "private-address",
                   ip=addr.ip, port=port, interface_type=eni.interface_type)


def _through_interface_endpoint(walk: Walk, egress: Side, vpce_id: str, eni_id: str) -> None:
    topo = walk.topo
    ep = topo.endpoints[vpce_id]
    eni = topo.enis[eni_id]
    if not walk.ip_leg(egress, Side(eni, topo.subnets[eni.subnet_id], None), walk.question.destination.port):
        return
    walk.t.hop("interface-endpoint", vpce_id, ep.region, vpce=vpce_id, service=ep.service_name, eni=eni_id,
               ip=eni.private_ip_address, custom_policy=bool(ep.policy_document))
    walk.t.endpoint = vpce_id
    _arrive(walk, egress, endpoint=ep, source_ip=None)


# --- leaving the VPC ----------------------------------------------------------------------------------------


def _out_of_vpc(walk: Walk, egress: Side, addr: Address) -> None:
    t = walk.t
    port = t.question.destination.port
    if not walk.security_groups_out(egress, addr, port):
        return
    if not walk.acl(egress.subnet, True, addr, (port, port)) or not walk.acl(egress.subnet, False, addr, EPHEMERAL):
        return
    rtb = walk.route_table_of(egress.subnet)
    t.egress_route_table = rtb
    if rtb is None:
        return
    choice = walk.lookup(rtb, addr)
    if choice is None:
        _no_route(walk, rtb, addr)
        return
    walk.route_hop(rtb, egress.subnet, choice.route, addr, back=False)
    if choice.runner_up is not None and choice.route.destination_prefix_list_id:
        t.observe(Code.MORE_SPECIFIC_ROUTE, rtb, rtb=rtb, chosen=choice.route.destination,
                  other=choice.runner_up.destination, destination=addr)
    _leave(walk, egress, choice.route, addr)


def _no_route(walk: Walk, rtb: str, addr: Address) -> None:
    """Name the endpoint that does not apply: the article's 'other region skips the endpoint'."""
    for route, _ in walk.topo.rtb_routes.get(rtb, []):
        ep = walk.topo.endpoints.get(route.gateway_id or "")
        if ep and addr.service and service_of(ep.service_name)[1] == addr.service:
            walk.t.observe(Code.ENDPOINT_OTHER_REGION, ep.vpc_endpoint_id, vpce=ep.vpc_endpoint_id,
                           service=ep.service_name, destination=addr)
            walk.t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr, why=Reason.ENDPOINT_SERVES_OTHER_REGION,
                          vpce=ep.vpc_endpoint_id, service=ep.service_name)
            return
    walk.t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr, why=Reason.NONE)


def through_gateway_endpoint(walk: Walk, egress: Side, ep: m.VpcEndpoint) -> None:
    vpce_id = ep.vpc_endpoint_id
    walk.t.hop("gateway-endpoint", vpce_id, ep.region, vpce=vpce_id, service=ep.service_name, vpc=ep.vpc_id,
               custom_policy=bool(ep.policy_document))
    if ep.state.lower() not in ("available", "pending"):
        walk.t.refuse(Code.ENDPOINT_NOT_AVAILABLE, vpce_id, vpce=vpce_id, state=ep.state)
        return
    walk.t.endpoint = vpce_id
    _arrive(walk, egress, endpoint=ep, source_ip=None)


def through_igw(walk: Walk, egress: Side, igw_id: str, public_ip: str | None, sender: str) -> None:
    region = walk.topo.igws[igw_id].region if igw_id in walk.topo.igws else egress.subnet.region
    walk.t.hop("internet-gateway", igw_id, region, igw=igw_id, public_ip=public_ip)
    if not public_ip:
        walk.t.refuse(Code.IGW_NO_PUBLIC_IP, sender, eni=sender, igw=igw_id)
        return
    _arrive(walk, egress, endpoint=None, source_ip=public_ip)


def through_nat(walk: Walk, egress: Side, nat: m.NatGateway, addr: Address) -> None:
    """The NAT gateway forwards from its own subnet: that subnet's network ACL judges the request and the reply,
    its route table picks the internet gateway (or a gateway endpoint) and must route the reply back to the
    client (VPC user guide, "NAT gateways" and "Control subnet traffic with network ACLs")."""
    t, topo = walk.t, walk.topo
    nat_id = nat.nat_gateway_id
    public_ip = next((a.public_ip for a in nat.nat_gateway_addresses if a.public_ip), None)
    t.hop("nat-gateway", nat_id, nat.region, nat=nat_id, subnet=nat.subnet_id, public_ip=public_ip)
    subnet = topo.subnets.get(nat.subnet_id)
    if subnet is None:
        t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=nat.subnet_id, kind="subnet", via=nat_id)
        return
    if not _nat_subnet_passes(walk, egress, subnet, addr):
        return
    rtb = topo.route_table_of(nat.subnet_id)
    choice = walk.lookup(rtb, addr) if rtb else None
    ep = topo.endpoints.get(choice.route.gateway_id or "") if choice else None
    if choice is not None and ep is not None and ep.vpc_endpoint_type == "Gateway":
        # The NAT gateway is inside the VPC, so its subnet's gateway-endpoint route applies to what it forwards;
        # S3 then sees the NAT's private address as aws:VpcSourceIp.
        walk.route_hop(rtb or "", subnet, choice.route, addr, back=False)
        nat_eni = next((topo.enis[a.network_interface_id] for a in nat.nat_gateway_addresses
                        if a.network_interface_id in topo.enis), None)
        sender = Side(nat_eni, subnet, None) if nat_eni else egress
        if _reply_reaches_client(walk, egress, subnet, addr):
            through_gateway_endpoint(walk, sender, ep)
        return
    if choice is not None and target_of(topo, choice.route) in APPLIANCES:
        # Inspection after NAT: the firewall (or appliance) sees the NAT's private address as the source.
        walk.route_hop(rtb or "", subnet, choice.route, addr, back=False)
        nat_eni = next((topo.enis[a.network_interface_id] for a in nat.nat_gateway_addresses
                        if a.network_interface_id in topo.enis), None)
        through_inspection(walk, Side(nat_eni, subnet, None) if nat_eni else egress, choice.route, addr)
        return
    igw = choice.route.gateway_id if choice is not None and choice.route.gateway_id in topo.igws else None
    if nat.connectivity_type == "private" or igw is None:
        why = Reason.PRIVATE_NAT_GATEWAY if nat.connectivity_type == "private" else Reason.NAT_SUBNET_NO_IGW_ROUTE
        t.refuse(Code.NAT_NO_INTERNET_ROUTE, nat_id, nat=nat_id, why=why, rtb=rtb, destination=addr)
        return
    assert choice is not None
    walk.route_hop(rtb or "", subnet, choice.route, addr, back=False)
    if _reply_reaches_client(walk, egress, subnet, addr):
        through_igw(walk, egress, igw, public_ip, nat_id)


def _nat_subnet_passes(walk: Walk, egress: Side, subnet: m.Subnet, addr: Address) -> bool:
    """The request enters the NAT's subnet from the client and leaves it towards the destination."""
    port = walk.question.destination.port
    client = Address(ip=egress.eni.private_ip_address)
    return walk.acl(subnet, False, client, (port, port)) and walk.acl(subnet, True, addr, (port, port))


def _reply_reaches_client(walk: Walk, egress: Side, subnet: m.Subnet, addr: Address) -> bool:
    """The reply enters the NAT's subnet on the NAT's ephemeral port, is translated back to the client's address
    and leaves towards it by the NAT subnet's route table (in a central egress VPC: back through the transit
    gateway, whose return routes and the spoke's attachment decide)."""
    client = Address(ip=egress.eni.private_ip_address)
    if not walk.acl(subnet, False, addr, EPHEMERAL) or not walk.acl(subnet, True, client, EPHEMERAL):
        return False
    if subnet.vpc_id == egress.subnet.vpc_id and walk.topo.vpc_contains(subnet.vpc_id, client.ip or ""):
        local = walk.lookup(walk.topo.route_table_of(subnet.subnet_id) or "", client)
        if local is not None and local.route.gateway_id == "local":
            return True  # the local route: nothing else to judge inside the VPC
    crossing = walk.crossing
    try:
        if not walk.route_to_ip(subnet, client, egress.subnet.vpc_id, True, addr, EPHEMERAL):
            return False
    finally:
        walk.crossing = crossing
    walk.appliance_mode_check()  # an inspection VPC between the spoke and the egress VPC, crossed both ways
    return True


# --- where the route out leads, by the type of its target (engine.walk.targets) --------------------------------


def _leave(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    """Follow the route the egress subnet's table chose for a public address."""
    if route.state == "blackhole":
        rtb = walk.t.egress_route_table
        walk.t.refuse(Code.BLACKHOLE_ROUTE, rtb or route.target or "", rtb=rtb, destination=addr, target=route.target)
        return
    _EXIT.get(target_of(walk.topo, route), _not_in_snapshot)(walk, egress, route, addr)


def _exit_gateway_endpoint(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    through_gateway_endpoint(walk, egress, walk.topo.endpoints[route.target or ""])


def _exit_igw(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    through_igw(walk, egress, route.target or "", egress.public_ip, egress.eni.network_interface_id)


def _exit_nat(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    through_nat(walk, egress, walk.topo.nats[route.nat_gateway_id or ""], addr)


def _exit_peering(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    through_peering(walk, egress.subnet.vpc_id, route.target or "", addr)


def _exit_tgw(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    """Centralised egress: the transit gateway carries the request to an egress VPC, whose attachment subnet's
    route table decides next (normally its NAT gateway, then that subnet's internet gateway). Transit Gateway
    guide, "Example: Centralized egress to the internet" (the egress VPC's NAT subnets route the spokes'
    CIDRs back through the transit gateway)."""
    port = walk.question.destination.port
    walk.crossing = Crossing(egress.subnet, Address(ip=egress.eni.private_ip_address), (port, port))
    walk.tgw_landings = []
    _through_tgw(walk, egress, egress.subnet.vpc_id, route.target or "", addr, 0)


def _through_tgw(walk: Walk, egress: Side, vpc: str, tgw: str, addr: Address, depth: int) -> None:
    landing = follow_transit_gateway(walk, vpc, tgw, addr, False)
    if landing is None:
        return
    vpc, rtb = landing
    if rtb is None or walk.crossing.subnet.vpc_id != vpc or depth >= MAX_TRANSITS:
        walk.t.hop("transit-gateway", tgw, egress.subnet.region, "transit-gateway-egress", destination=addr, tgw=tgw)
        walk.t.cannot_tell(Code.TGW_EGRESS_NOT_TRACED, destination=addr, tgw=tgw)
        return
    _from_egress_vpc(walk, egress, walk.crossing.subnet, rtb, addr, depth)


def _from_egress_vpc(walk: Walk, egress: Side, subnet: m.Subnet, rtb: str, addr: Address, depth: int) -> None:
    """The egress VPC's attachment subnet table: a NAT gateway there carries the spoke's traffic; an internet
    gateway or a gateway endpoint does not (each serves only its own VPC's interfaces: domain-rules.md). A
    transit VPC (inspection) that hands the traffic back to the gateway is followed on to the egress VPC; a
    Network Firewall endpoint there is evaluated and followed on from its subnet (Network Firewall developer
    guide, "Architectures": centralized inspection before the NAT gateway)."""
    t, topo = walk.t, walk.topo
    choice = walk.lookup(rtb, addr)
    if choice is None:
        t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr, why=Reason.NONE)
        return
    walk.route_hop(rtb, subnet, choice.route, addr, back=False)
    route, target = choice.route, target_of(topo, choice.route)
    if route.state == "blackhole":
        t.refuse(Code.BLACKHOLE_ROUTE, rtb, rtb=rtb, destination=addr, target=route.target)
    elif target is Target.NAT_GATEWAY:
        through_nat(walk, egress, topo.nats[route.nat_gateway_id or ""], addr)
    elif target is Target.GATEWAY_ENDPOINT:
        t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr, why=Reason.GATEWAY_ENDPOINT_NOT_TRANSITIVE,
                 vpce=route.target, attachment=_attachment_of(walk, subnet))
    elif target is Target.INTERNET_GATEWAY:
        t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr, why=Reason.IGW_NEEDS_NAT, igw=route.target)
    elif target in APPLIANCES:
        through_inspection(walk, egress, route, addr)  # the egress VPC's firewall sees the spoke's address
    elif target is Target.TRANSIT_GATEWAY:
        _through_tgw(walk, egress, subnet.vpc_id, route.target or "", addr, depth + 1)
    else:
        t.hop("transit-gateway", route.target or "", subnet.region, "transit-gateway-egress", destination=addr,
              tgw=route.target)
        t.cannot_tell(Code.TGW_EGRESS_NOT_TRACED, destination=addr, tgw=route.target)


def _attachment_of(walk: Walk, subnet: m.Subnet) -> str:
    return next((a.transit_gateway_attachment_id for a in walk.topo.tgw_attachment_by_vpc.get(subnet.vpc_id, [])
                 if subnet.subnet_id in a.subnet_ids), "?")


def through_inspection(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    """A Gateway Load Balancer endpoint: AWS Network Firewall's (its policy is in the snapshot: evaluate it, then
    route on from the firewall endpoint's subnet), or a third-party appliance's or any other appliance target
    (unknown, named). ``egress`` is
    the sender whose address the firewall sees (after a NAT gateway, the NAT's interface); other legs that meet
    a firewall endpoint (a NAT subnet's route, an inspection VPC behind a transit gateway) can call this too."""
    found = walk.topo.firewall_endpoints.get(route.target or "")
    if found is None:
        handed_to(walk, route, addr)
        return
    firewall, attachment = found
    if sum(h.kind == "network-firewall" for h in walk.t.hops) >= _MAX_FIREWALLS:
        walk.t.cannot_tell(Code.ROUTING_LOOP, count=_MAX_FIREWALLS, destination=addr)
        return
    if not inspect(walk, egress, firewall, attachment, addr):
        return
    subnet = walk.topo.subnets.get(attachment.subnet_id)
    rtb = walk.topo.route_table_of(attachment.subnet_id)
    choice = walk.lookup(rtb, addr) if rtb and subnet else None
    if choice is None or subnet is None:
        _no_route(walk, rtb or attachment.subnet_id, addr)
        return
    walk.route_hop(rtb or "", subnet, choice.route, addr, back=False)
    if returns_through(walk.topo, firewall, choice.route, egress.eni.private_ip_address) is False:
        walk.t.cannot_tell(Code.FIREWALL_ASYMMETRIC, firewall=firewall.firewall_name, via=choice.route.target,
                           client=egress.eni.private_ip_address)
    _leave(walk, egress, choice.route, addr)


_MAX_FIREWALLS = 4


def _not_in_snapshot(walk: Walk, egress: Side, route: m.Route, addr: Address) -> None:
    target = route.target or ""
    walk.t.hop("network-interface", target, None, "appliance", target=target, service=None)
    walk.t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=target, kind=Target.NOT_IN_SNAPSHOT)


_EXIT: dict[Target, Callable[[Walk, Side, m.Route, Address], None]] = {
    Target.GATEWAY_ENDPOINT: _exit_gateway_endpoint,
    Target.INTERNET_GATEWAY: _exit_igw,
    Target.NAT_GATEWAY: _exit_nat,
    Target.VPC_PEERING: _exit_peering,
    Target.TRANSIT_GATEWAY: _exit_tgw,
    Target.NETWORK_INTERFACE: through_inspection,  # an appliance instance: never evaluated, named
    Target.GWLB_ENDPOINT: through_inspection,
    Target.INTERFACE_ENDPOINT: through_inspection,  # not a route target AWS accepts; never guess past it
}


# --- the destination and its policies -----------------------------------------------------------------------


def _arrive(walk: Walk, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None) -> None:
    t = walk.t
    dest = t.question.destination
    if dest.kind != "s3-bucket":
        t.hop("service", dest.host, dest.region, service=dest.host.split(".")[0], region=dest.region, host=dest.host)
        auth = SERVICES.get(service_of_host(dest.host))
        if auth is None or t.question.action.split(":")[0].lower() != auth.prefix:
            if endpoint is not None and endpoint.policy_document:
                t.caveat(Code.POLICY_NOT_EVALUATED, vpce=endpoint.vpc_endpoint_id, host=dest.host)
            return
        role = walk.topo.role_of(t.question.source)
        named = _named_resource(walk) if t.question.resource else None
        ctx = _service_context(walk, egress, endpoint, source_ip, auth, role, named)
        if ctx is not None and role is not None:
            layer = _resource_layer(walk, named) if named is not None else None
            decision = walk.service_gate(ctx, endpoint, role, has_resource_policy(auth, t.question.action), layer)
            if (isinstance(named, m.KmsKey) and layer is not None and decision is not None
                    and not decision.allowed and decision.deciding is None):
                # "When authorizing access to a KMS key, grants are considered along with key policies and
                # IAM policies" (KMS DG, "Grants in AWS KMS"): an implicit deny is not the last word.
                t.caveat(Code.KMS_GRANTS_NOT_COLLECTED, key=named.arn)
        return
    bucket = walk.topo.buckets[dest.id]
    role = walk.topo.role_of(t.question.source)
    ctx = _request_context(walk, egress, endpoint, source_ip, bucket, role)
    t.hop("s3-bucket", bucket.name, bucket.region, bucket=bucket.name, region=bucket.region, account=bucket.owner_id,
          action=t.question.action, resource=ctx.resource if ctx else "?")
    if ctx is None or role is None:
        return
    walk.policy_gate(ctx, endpoint, bucket, role)


def _request_context(walk: Walk, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None,
                     bucket: m.Bucket, role: m.Role | None) -> RequestContext | None:
    """The client's credentials, whatever the packets' path (the proxy only tunnels TLS), and every key S3
    puts in the request context (IAM UG, "AWS global condition context keys"; S3 UG, "Condition keys")."""
    t = walk.t
    client = t.question.source
    if role is None:
        t.cannot_tell(Code.NO_INSTANCE_ROLE, instance=client.instance_id)
        return None
    keys = _request_keys(walk, egress, endpoint, source_ip, bucket, role)
    key = t.question.destination.key
    resource = f"arn:aws:s3:::{bucket.name}/{key or '*'}" if _object_action(t.question.action) \
        else f"arn:aws:s3:::{bucket.name}"
    ctx = RequestContext.build(
        principal_arn=f"arn:aws:sts::{role.account_id}:assumed-role/{role.role_name}/{client.instance_id}",
        role_arn=role.arn, action=t.question.action, resource=resource, keys=keys)
    t.request_context = {"principal": ctx.principal_arn, "action": ctx.action, "resource": ctx.resource,
                         **{k: _shown(v) for k, v in keys.items()}, "aws:PrincipalArn": role.arn,
                         "aws:PrincipalAccount": role.account_id}
    return ctx


def _request_keys(walk: Walk, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None,
                  bucket: m.Bucket, role: m.Role) -> dict[str, Any]:
    keys = _common_keys(walk, egress, endpoint, source_ip, role)
    keys |= {
        "aws:ResourceAccount": bucket.owner_id, "s3:ResourceAccount": bucket.owner_id,
        # SDKs and the CLI sign with SigV4 in the Authorization header (S3 API, "Authenticating requests").
        "s3:signatureversion": "AWS4-HMAC-SHA256", "s3:authType": "REST-HEADER",
        # Bucket tags reach the context only for buckets with ABAC enabled, and tags are not collected.
        "aws:ResourceTag/*": Unknowable("bucket tags are not in the snapshot"),
        **walk.policies.org_keys("Resource", bucket.owner_id),
    }
    if keys["aws:SecureTransport"]:
        # Every AWS API endpoint requires TLS 1.2 or later (AWS Security Blog, "TLS 1.2 to become the minimum
        # TLS protocol level for all AWS API endpoints"); which of 1.2 / 1.3 the client negotiates is unknown.
        keys["s3:TlsVersion"] = Unknowable("the TLS version the client negotiates is not in the snapshot",
                                           ("1.2", "1.3"))
    return keys


def _named_resource(walk: Walk) -> m.KmsKey | m.Secret | None:
    """The key or secret the question names, by ARN; a KMS alias ARN resolves to its key (KMS Developer Guide,
    "Aliases in AWS KMS": an alias points to one key of its account and Region), a secret ARN without its six
    random characters to the secret of that name. None (and the answer unknown) when the snapshot lacks it."""
    topo, arn = walk.topo, parse_arn(walk.t.question.resource or "")
    assert not isinstance(arn, str)  # the question parser validated it
    found: m.KmsKey | m.Secret | None
    if arn.service == "kms":
        found = topo.kms_keys.get(str(arn)) or next(
            (k for k in topo.kms_keys.values() if arn.resource in k.aliases and k.account_id == arn.account
             and k.region == arn.region), None)
    else:
        name = arn.resource.removeprefix("secret:")
        found = topo.secrets.get(str(arn)) or next(
            (s for s in topo.secrets.values() if s.name == name and s.account_id == arn.account
             and s.region == arn.region), None)
    if found is None:
        gap = _resource_gap(walk, arn.account, arn.region, arn.service, str(arn))
        if gap is None:
            walk.t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, kind="KMS key" if arn.service == "kms" else "secret",
                               resource=str(arn))
    return found


def _resource_gap(walk: Walk, account: str, region: str, service: str, arn: str) -> m.Gap | None:
    """A collection gap that hides the resource or its policy: the answer then names the missing permission."""
    for gap in walk.topo.gaps_for(account, region, service):
        if gap.resource in (None, arn):
            what = f"the {'key' if service == 'kms' else 'resource'} policy"
            walk.t.cannot_tell(Code.POLICY_UNREAD, layer=Layer.BUCKET, owner=arn, error=gap.error, what=what,
                               permission=gap.permission or f"{service}:{gap.operation}")
            return gap
    return None


def _resource_layer(walk: Walk, res: m.KmsKey | m.Secret) -> ResourceLayer | None:
    """The key policy or the secret's policy as the resource layer. A key policy must allow (KMS Developer
    Guide, "Key policies in AWS KMS"); a secret's policy follows the standard same-account OR rule (Secrets
    Manager User Guide, "Permissions policies attached to secrets" / IAM UG, "Policy evaluation logic")."""
    kms = isinstance(res, m.KmsKey)
    if kms and res.policy is None:  # every key has a key policy: None means it was not read
        if _resource_gap(walk, res.account_id, res.region, "kms", res.arn) is None:
            walk.t.cannot_tell(Code.POLICY_UNREAD, layer=Layer.BUCKET, owner=res.arn, error="not collected",
                               what="the key policy", permission="kms:GetKeyPolicy")
        return None
    if not kms and _resource_gap(walk, res.account_id, res.region, "secretsmanager", res.arn):
        return None
    if isinstance(res, m.KmsKey) and res.key_state != "Enabled":
        # "Key states of AWS KMS keys": a disabled key, or one pending deletion or import, refuses
        # cryptographic operations; which operations each state allows is not modelled, so: unknown.
        walk.t.cannot_tell(Code.KMS_KEY_NOT_ENABLED, key=res.arn, state=res.key_state)
    return ResourceLayer(res.arn, res.account_id, walk.policies.resource(res), code=Code.RESOURCE_POLICY_DENY,
                         must_allow=kms)


def _service_context(walk: Walk, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None,
                     auth: ServiceAuth, role: m.Role | None,
                     named: m.KmsKey | m.Secret | None = None) -> RequestContext | None:
    """A request to another service: when the question names no resource (or the snapshot lacks it), the
    resource (and whose it is) is unknown unless the action takes "*" (Service Authorization Reference)."""
    t = walk.t
    if role is None:
        t.cannot_tell(Code.NO_INSTANCE_ROLE, instance=t.question.source.instance_id)
        return None
    keys = _common_keys(walk, egress, endpoint, source_ip, role)
    star = t.question.action.lower() in auth.star_actions
    if named is not None:
        return _named_context(walk, keys, role, named)
    if not star:
        owner = Unknowable("the question does not name the resource, so its account is not known")
        keys |= {"aws:ResourceAccount": owner, "aws:ResourceOrgID": owner, "aws:ResourceOrgPaths": owner,
                 "aws:ResourceTag/*": owner}
    ctx = RequestContext.build(
        principal_arn=f"arn:aws:sts::{role.account_id}:assumed-role/{role.role_name}/{t.question.source.instance_id}",
        role_arn=role.arn, action=t.question.action, resource="*", keys=keys)
    if not star:
        ctx = replace(ctx, resource_unknown=f"the question does not name the {auth.prefix} resource")
    t.request_context = {"principal": ctx.principal_arn, "action": ctx.action,
                         "resource": "*" if star else "(not named)", **{k: _shown(v) for k, v in keys.items()}}
    return ctx


def _named_context(walk: Walk, keys: dict[str, Any], role: m.Role, res: m.KmsKey | m.Secret) -> RequestContext:
    """The keys a request for a named key or secret carries (IAM UG, "AWS global condition context keys";
    KMS Developer Guide, "AWS KMS condition keys"; Secrets Manager User Guide, "Condition keys")."""
    t = walk.t
    keys |= {"aws:ResourceAccount": res.account_id, **walk.policies.org_keys("Resource", res.account_id),
             "aws:ResourceTag/*": Unknowable("the resource's tags are not in the snapshot")}
    if isinstance(res, m.KmsKey):
        # kms:ViaService is absent: the client calls KMS itself, no AWS service on its behalf.
        keys["kms:CallerAccount"] = role.account_id
        requested = t.question.resource or ""
        if ":alias/" in requested:
            keys["kms:RequestAlias"] = requested.rsplit(":", 1)[1]
        context = Unknowable("the request's encryption context is not in the question")
        keys |= {"kms:EncryptionContextKeys": context, "kms:EncryptionContext:*": context}
    else:
        keys["secretsmanager:SecretId"] = res.arn
    ctx = RequestContext.build(
        principal_arn=f"arn:aws:sts::{role.account_id}:assumed-role/{role.role_name}/{t.question.source.instance_id}",
        role_arn=role.arn, action=t.question.action, resource=res.arn, keys=keys)
    t.request_context = {"principal": ctx.principal_arn, "action": ctx.action, "resource": res.arn,
                         **{k: _shown(v) for k, v in keys.items()}}
    return ctx


def _common_keys(walk: Walk, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None,
                 role: m.Role) -> dict[str, Any]:
    """Keys every request of the client's role session carries (IAM UG, "AWS global condition context keys")."""
    keys: dict[str, Any] = {
        "aws:SecureTransport": walk.t.question.destination.scheme == "https",
        "aws:PrincipalType": "AssumedRole", "aws:PrincipalIsAWSService": False,
        **{f"aws:PrincipalTag/{tag.key}": tag.value for tag in role.tags},
        **walk.policies.org_keys("Principal", role.account_id),
    }
    if role.role_id:
        keys["aws:userid"] = f"{role.role_id}:{walk.t.question.source.instance_id}"
    if endpoint is not None:
        # Only requests that arrive through a VPC endpoint carry these keys; aws:SourceIp is then absent.
        keys |= {"aws:SourceVpce": endpoint.vpc_endpoint_id, "aws:SourceVpc": endpoint.vpc_id,
                 "aws:VpcSourceIp": egress.eni.private_ip_address}
    elif source_ip:
        keys["aws:SourceIp"] = source_ip
    # aws:CalledVia is absent: the client calls S3 itself, no service calls on its behalf.
    return keys


def _shown(value: Any) -> Any:
    return f"(unknown: {value.why})" if isinstance(value, Unknowable) else value


def _object_action(action: str) -> bool:
    bucket_level = {"s3:listbucket", "s3:getbucketlocation", "s3:getbucketpolicy", "s3:listbucketversions"}
    return action.lower() not in bucket_level
