"""From where the request leaves (the proxy, or the client itself) to the destination.

The destination's name is resolved here, with this VPC's resolver; this subnet's route table picks the
gateway endpoint, internet gateway or NAT gateway; then the policies are judged (S3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import model as m
from engine.answer import Code
from engine.dns import Address, resolve
from engine.filters import EPHEMERAL, Peer, security_groups_allow
from engine.policy import (
    RequestContext,
    decide_s3_access,
    describe_decision,
    describe_result,
    describe_statement,
)
from engine.routing import lookup
from engine.topology import service_of
from engine.trace import Side, Trace, Tracer
from engine.wording import hop_note

if TYPE_CHECKING:
    from engine.policy import AccessDecision


def to_destination(tracer: Tracer, t: Trace, egress: Side) -> None:
    dest = t.question.destination
    if dest.kind == "instance":
        _to_instance(tracer, t, egress)
        return
    side = "proxy" if t.proxy_instance else "client"
    res = resolve(tracer.topo, egress.subnet.vpc_id, dest.host, egress.subnet.availability_zone)
    if res.answered_by == "private-hosted-zone" and res.resource:
        t.zones.add(res.resource)
    t.hop("dns", dest.host, egress.subnet.region, hop_note(
        "dns", host=dest.host, vpc=egress.subnet.vpc_id, side=side, answered_by=res.answered_by.replace("-", " "),
        answer=res.address.label() if res.address else "NXDOMAIN"))
    if res.address is None:
        t.refuse(Code.DNS_NO_ANSWER, res.resource or dest.host, host=dest.host, vpc=egress.subnet.vpc_id,
                 why=f"private hosted zone {res.resource} owns the name but has no record for it")
        return
    if res.answered_by == "interface-endpoint" and res.eni_id:
        _through_interface_endpoint(tracer, t, egress, res.resource or "", res.eni_id)
        return
    if res.address.is_private:
        _to_private_ip(tracer, t, egress, res.address)
        return
    _out_of_vpc(tracer, t, egress, res.address)


# --- private destinations -----------------------------------------------------------------------------------


def _to_instance(tracer: Tracer, t: Trace, egress: Side) -> None:
    dest = t.question.destination
    target = tracer._side_of_instance(tracer.topo.instances[dest.id], t)
    if target is None or not tracer._ip_leg(t, egress, target, dest.port):
        return
    inst = target.instance
    assert inst is not None
    t.hop("instance", inst.instance_id, inst.region, hop_note(
        "destination-instance", name=inst.name or inst.instance_id, ip=inst.private_ip_address, port=dest.port,
        subnet=inst.subnet_id))


def _to_private_ip(tracer: Tracer, t: Trace, egress: Side, addr: Address) -> None:
    candidates = tracer.topo.enis_by_ip.get(addr.ip or "", [])
    eni = next((e for e in candidates if e.vpc_id == egress.subnet.vpc_id), candidates[0] if candidates else None)
    if eni is None:
        t.cannot_tell(f"{addr.ip} is not an interface in the snapshot; reachbot cannot see what answers there")
        return
    target = Side(eni, tracer.topo.subnets[eni.subnet_id], tracer.topo.instance_of_eni(eni))
    if tracer._ip_leg(t, egress, target, t.question.destination.port):
        owner = target.instance.instance_id if target.instance else eni.network_interface_id
        t.hop("instance" if target.instance else "network-interface", owner, eni.region,
              f"{addr.ip} port {t.question.destination.port} ({eni.interface_type})")


def _through_interface_endpoint(tracer: Tracer, t: Trace, egress: Side, vpce_id: str, eni_id: str) -> None:
    topo = tracer.topo
    ep = topo.endpoints[vpce_id]
    eni = topo.enis[eni_id]
    if not tracer._ip_leg(t, egress, Side(eni, topo.subnets[eni.subnet_id], None), t.question.destination.port):
        return
    policy = "custom" if ep.policy_document else "default (full access)"
    t.hop("interface-endpoint", vpce_id, ep.region, hop_note(
        "interface-endpoint", vpce=vpce_id, service=ep.service_name, eni=eni_id, ip=eni.private_ip_address,
        policy=policy))
    t.endpoint = vpce_id
    _arrive(tracer, t, egress, endpoint=ep, source_ip=None)


# --- leaving the VPC ----------------------------------------------------------------------------------------


def _out_of_vpc(tracer: Tracer, t: Trace, egress: Side, addr: Address) -> None:
    topo = tracer.topo
    port = t.question.destination.port
    sg = security_groups_allow(topo, egress.groups, True, Peer(addr), port)
    if not sg.allowed:
        t.refuse(Code.SG_EGRESS_DENY, sg.resource, rule=sg.rule)
        return
    if not tracer._acl(t, egress.subnet, True, addr, (port, port)) or \
            not tracer._acl(t, egress.subnet, False, addr, EPHEMERAL):
        return
    rtb = topo.route_table_of(egress.subnet.subnet_id)
    t.egress_route_table = rtb
    if rtb is None:
        t.cannot_tell(f"no route table recorded for {egress.subnet.subnet_id} or its VPC")
        return
    choice = lookup(topo, rtb, addr)
    if choice is None:
        t.refuse(Code.NO_ROUTE, rtb, rtb=rtb, destination=addr.label(), why=_why_no_route(tracer, t, rtb, addr))
        return
    tracer._route_hop(t, rtb, egress.subnet, choice.route, addr, back=False)
    if choice.runner_up is not None and choice.route.destination_prefix_list_id:
        t.observe(Code.MORE_SPECIFIC_ROUTE, rtb, rtb=rtb, chosen=choice.route.destination,
                  other=choice.runner_up.destination, destination=addr.label())
    _follow_exit(tracer, t, egress, choice.route, addr)


def _why_no_route(tracer: Tracer, t: Trace, rtb: str, addr: Address) -> str:
    """Name the endpoint that does not apply: the article's 'other region skips the endpoint'."""
    for route, _ in tracer.topo.rtb_routes.get(rtb, []):
        ep = tracer.topo.endpoints.get(route.gateway_id or "")
        if ep and addr.service and service_of(ep.service_name)[1] == addr.service:
            t.observe(Code.ENDPOINT_OTHER_REGION, ep.vpc_endpoint_id, vpce=ep.vpc_endpoint_id,
                      service=ep.service_name, destination=addr.label())
            return (f" (its gateway endpoint {ep.vpc_endpoint_id} serves {ep.service_name} only, and there is no"
                    " internet or NAT route)")
    return ""


def _follow_exit(tracer: Tracer, t: Trace, egress: Side, route: m.Route, addr: Address) -> None:
    target = route.target or ""
    if route.state == "blackhole":
        t.refuse(Code.BLACKHOLE_ROUTE, t.egress_route_table or target, rtb=t.egress_route_table,
                 destination=addr.label(), target=target)
    elif target.startswith("vpce-"):
        _through_gateway_endpoint(tracer, t, egress, target)
    elif target.startswith("igw-"):
        _through_igw(tracer, t, egress, target, egress.public_ip, egress.eni.network_interface_id)
    elif route.nat_gateway_id:
        _through_nat(tracer, t, egress, route.nat_gateway_id, addr)
    elif route.vpc_peering_connection_id:
        tracer._through_peering(t, egress.subnet.vpc_id, target, addr)
    elif route.transit_gateway_id:
        t.hop("transit-gateway", target, egress.subnet.region, f"{addr.label()} handed to {target}")
        t.cannot_tell(f"{addr.label()} leaves through transit gateway {target}; centralised egress behind a transit"
                      " gateway is not traced further yet")
    else:
        t.hop("network-interface", target, None, hop_note("appliance", target=target))
        t.cannot_tell(f"traffic to {addr.label()} is handed to {target}; reachbot cannot see past it")


def _through_gateway_endpoint(tracer: Tracer, t: Trace, egress: Side, vpce_id: str) -> None:
    ep = tracer.topo.endpoints.get(vpce_id)
    if ep is None:
        t.cannot_tell(f"gateway endpoint {vpce_id} is not in the snapshot")
        return
    policy = "custom" if ep.policy_document else "default (full access)"
    t.hop("gateway-endpoint", vpce_id, ep.region, hop_note(
        "gateway-endpoint", vpce=vpce_id, service=ep.service_name, vpc=ep.vpc_id, policy=policy))
    if ep.state.lower() not in ("available", "pending"):
        t.refuse(Code.ENDPOINT_NOT_AVAILABLE, vpce_id, vpce=vpce_id, state=ep.state)
        return
    t.endpoint = vpce_id
    _arrive(tracer, t, egress, endpoint=ep, source_ip=None)


def _through_igw(tracer: Tracer, t: Trace, egress: Side, igw_id: str, public_ip: str | None, eni: str) -> None:
    region = tracer.topo.igws[igw_id].region if igw_id in tracer.topo.igws else egress.subnet.region
    t.hop("internet-gateway", igw_id, region, hop_note("internet-gateway", igw=igw_id, public_ip=public_ip or "none"))
    if not public_ip:
        t.refuse(Code.IGW_NO_PUBLIC_IP, eni, eni=eni, igw=igw_id)
        return
    _arrive(tracer, t, egress, endpoint=None, source_ip=public_ip)


def _through_nat(tracer: Tracer, t: Trace, egress: Side, nat_id: str, addr: Address) -> None:
    topo = tracer.topo
    nat = topo.nats.get(nat_id)
    if nat is None:
        t.cannot_tell(f"NAT gateway {nat_id} is not in the snapshot")
        return
    public_ip = next((a.public_ip for a in nat.nat_gateway_addresses if a.public_ip), None)
    t.hop("nat-gateway", nat_id, nat.region, hop_note("nat-gateway", nat=nat_id, subnet=nat.subnet_id,
                                                      public_ip=public_ip or "none"))
    rtb = topo.route_table_of(nat.subnet_id)
    choice = lookup(topo, rtb, addr) if rtb else None
    target = (choice.route.gateway_id or "") if choice else ""
    if choice is not None and target.startswith("vpce-"):
        # The NAT gateway is inside the VPC, so its subnet's gateway-endpoint route applies to what it forwards;
        # S3 then sees the NAT's private address as aws:VpcSourceIp.
        tracer._route_hop(t, rtb or "", topo.subnets[nat.subnet_id], choice.route, addr, back=False)
        nat_eni = next((topo.enis[a.network_interface_id] for a in nat.nat_gateway_addresses
                        if a.network_interface_id in topo.enis), None)
        sender = Side(nat_eni, topo.subnets[nat.subnet_id], None) if nat_eni else egress
        _through_gateway_endpoint(tracer, t, sender, target)
        return
    if nat.connectivity_type == "private" or choice is None or not target.startswith("igw-"):
        why = "it is a private NAT gateway" if nat.connectivity_type == "private" else \
            f"its subnet's route table {rtb} has no internet gateway route for {addr.label()}"
        t.refuse(Code.NAT_NO_INTERNET_ROUTE, nat_id, nat=nat_id, why=why)
        return
    tracer._route_hop(t, rtb or "", topo.subnets[nat.subnet_id], choice.route, addr, back=False)
    _through_igw(tracer, t, egress, target, public_ip, nat_id)


# --- the destination and its policies -----------------------------------------------------------------------


def _arrive(tracer: Tracer, t: Trace, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None) -> None:
    dest = t.question.destination
    if dest.kind != "s3-bucket":
        t.hop("service", dest.host, dest.region, hop_note("service", service=dest.host.split(".")[0],
                                                          region=dest.region, host=dest.host))
        if endpoint is not None and endpoint.policy_document:
            t.caveats.append(f"the endpoint policy of {endpoint.vpc_endpoint_id} is not evaluated for "
                             f"{dest.host}: reachbot evaluates policies for S3 requests only")
        return
    bucket = tracer.topo.buckets[dest.id]
    role = tracer.topo.role_of(t.question.source)
    ctx = _request_context(t, egress, endpoint, source_ip, bucket, role)
    t.hop("s3-bucket", bucket.name, bucket.region, hop_note(
        "s3-bucket", bucket=bucket.name, region=bucket.region, account=bucket.owner_id,
        action=t.question.action, resource=ctx.resource if ctx else "?"))
    if ctx is None or role is None:
        return
    decision = _decide(tracer, t, ctx, endpoint, bucket, role)
    if decision is not None:
        _record_decision(t, decision)


def _request_context(t: Trace, egress: Side, endpoint: m.VpcEndpoint | None, source_ip: str | None,
                     bucket: m.Bucket, role: m.Role | None) -> RequestContext | None:
    """The client's credentials, whatever the packets' path (the proxy only tunnels TLS)."""
    client = t.question.source
    if role is None:
        t.cannot_tell(f"{client.instance_id} has no instance profile role in the snapshot, so the request's "
                      "credentials (and the identity policy) are unknown")
        return None
    keys: dict[str, Any] = {"aws:SecureTransport": t.question.destination.scheme == "https"}
    if endpoint is not None:
        # Only requests that arrive through a VPC endpoint carry these keys; aws:SourceIp is then absent.
        keys |= {"aws:SourceVpce": endpoint.vpc_endpoint_id, "aws:SourceVpc": endpoint.vpc_id,
                 "aws:VpcSourceIp": egress.eni.private_ip_address}
    elif source_ip:
        keys["aws:SourceIp"] = source_ip
    key = t.question.destination.key
    resource = f"arn:aws:s3:::{bucket.name}/{key or '*'}" if _object_action(t.question.action) \
        else f"arn:aws:s3:::{bucket.name}"
    ctx = RequestContext.build(
        principal_arn=f"arn:aws:sts::{role.account_id}:assumed-role/{role.role_name}/{client.instance_id}",
        role_arn=role.arn, action=t.question.action, resource=resource, keys=keys)
    t.request_context = {"principal": ctx.principal_arn, "action": ctx.action, "resource": ctx.resource,
                         **keys, "aws:PrincipalArn": role.arn,
                         "aws:PrincipalAccount": role.account_id}
    return ctx


def _object_action(action: str) -> bool:
    bucket_level = {"s3:listbucket", "s3:getbucketlocation", "s3:getbucketpolicy", "s3:listbucketversions"}
    return action.lower() not in bucket_level


def _decide(tracer: Tracer, t: Trace, ctx: RequestContext, endpoint: m.VpcEndpoint | None,
            bucket: m.Bucket, role: m.Role) -> AccessDecision | None:
    topo = tracer.topo
    for gap in topo.gaps_for(bucket.owner_id, bucket.region, "s3"):
        if gap.resource in (None, bucket.name) and gap.operation in ("GetBucketPolicy", "ListBuckets"):
            t.cannot_tell(f"the bucket policy of {bucket.name} could not be read ({gap.error}); "
                          f"grant {gap.permission or 's3:GetBucketPolicy'} to the collector")
            return None
    for gap in topo.gaps_for(role.account_id, "global", "iam"):  # IAM is global: gaps are filed under "global"
        t.cannot_tell(f"the identity policies of {role.arn} could not be read ({gap.error}); "
                      f"grant {gap.permission or 'iam:GetRolePolicy'} to the collector")
        return None
    ep = (endpoint.vpc_endpoint_id, tracer.policies.endpoint(endpoint)) if endpoint is not None else None
    return decide_s3_access(
        ctx, endpoint=ep, bucket=(bucket.name, bucket.owner_id, tracer.policies.bucket(bucket)),
        identity=(role.arn, tracer.policies.identity(role)))


def _record_decision(t: Trace, decision: AccessDecision) -> None:
    if decision.allowed:
        t.observe(Code.POLICY_ALLOWS, t.question.destination.id, detail=describe_decision(decision))
    else:
        refusals = [(decision.code or "", decision.resource or "?", decision.deciding), *decision.others]
        for code, resource, deciding in refusals:
            statement = dict(deciding.statement) if deciding is not None else None
            t.refuse(Code(code), resource, statement=statement, detail=_policy_detail(decision, code, resource))
    for note in decision.notes:
        t.observe(Code.POLICY_NOTE, t.question.destination.id, detail=note)


_KIND_OF_CODE = {"ENDPOINT_POLICY_DENY": "endpoint", "BUCKET_POLICY_DENY": "bucket", "IDENTITY_POLICY_DENY": "identity"}


def _policy_detail(decision: AccessDecision, code: str, resource: str) -> str:
    """The refusing policy's verdict, then every statement of it with the element that matched or failed."""
    kind = _KIND_OF_CODE.get(code)
    results = [r for r in decision.results if str(r.kind) == kind] or decision.results
    parts = []
    for result in results:
        statements = "; ".join(describe_statement(ev) for ev in result.statements)
        parts.append(f"{describe_result(result)}: {statements}" if statements else describe_result(result))
    if kind == "bucket" and not any(str(r.kind) == "bucket" for r in decision.results):
        parts.append(f"bucket {resource} has no bucket policy, so nothing there allows the cross-account request")
    return " | ".join(parts)
