"""Proven fixes: candidate changes, each re-traced on a patched copy of the estate.

A fix is ``verified`` only if the question becomes reachable with the change applied. Then every flow from
the same source that was reachable before (to each bucket, grouped by what decides its answer, and each
interface-endpoint service) is re-traced; a fix that breaks one says so and is never ranked first.
Ranking follows blast radius: the client's own NO_PROXY, its own role, shared route tables, shared policies.
A blocked answer whose fix needs two changes (e.g. the proxy-side endpoint policy *and* the bucket policy)
gets a ``combined`` fix built by re-tracing after the first change and fixing what refuses next.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine import model as m
from engine.answer import Code, Fix
from engine.derived import EVERYTHING
from engine.dns import Address, parse_aws_host
from engine.filters import FilterResult
from engine.patch import (
    AclEntryChange,
    AddAttachmentSubnet,
    AddRoute,
    AddTgwRoute,
    AssociateEndpoint,
    BoundaryPolicyChange,
    BucketPolicyChange,
    Change,
    DisassociateEndpoint,
    EndpointPolicyChange,
    IdentityPolicyChange,
    NoProxyChange,
    OrgPolicyChange,
    ResourcePolicyChange,
    firewall_domain_entry,
    patched_engine,
    retarget,
)
from engine.proxy import choose_proxy, entry_matches, env_line, exclusion_setting, render_exclusions
from engine.question import Destination, Question, find_destination
from engine.topology import service_of
from engine.walk import Trace
from engine.walk.record import Finding
from engine.wording import EN, Wording, fix_summary

if TYPE_CHECKING:
    from engine.engine import Engine

MAX_STEPS = 3


@dataclass
class Candidate:
    changes: list[Change]
    verified: bool = False
    breaks: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.changes[0].kind if len(self.changes) == 1 else "combined"

    @property
    def blast(self) -> int:
        return max(c.blast for c in self.changes)


def propose_fixes(eng: Engine, q: Question, trace: Trace, wording: Wording = EN) -> list[Fix]:
    """Proven fixes, ranked; summaries and owners in ``wording``'s language (commands and JSON as they are)."""
    found: list[Candidate] = []
    first_code = trace.refusals[0].code
    for change in candidates_for(eng, q, trace):
        found.extend(_try(eng, q, [change], first_code))
    found = _drop_redundant(found)
    for cand in found:
        if cand.verified:
            cand.breaks = _breaks(eng, q, trace, cand.changes)
    found.sort(key=lambda c: (not c.verified, bool(c.breaks), c.blast, len(c.changes)))
    return [_to_fix(c, i, wording) for i, c in enumerate(_unique(found), 1)]


def why_no_fix(trace: Trace, fixes: list[Fix]) -> Finding | None:
    """Why a blocked answer has no proven fix (None when it has one): said, so nobody waits for one."""
    if trace.verdict != "blocked" or any(f.verified for f in fixes):
        return None
    refusal = trace.refusals[0]
    facts = {"refusal": refusal.code.value, "resource": refusal.resource}
    if fixes:
        return Finding(Code.NO_FIX_NOT_PROVEN, refusal.resource, {**facts, "tried": len(fixes)})
    if refusal.statement is not None and refusal.code.layer is not None:
        return Finding(Code.NO_FIX_DELIBERATE_DENY, refusal.resource, {**facts, "sid": refusal.statement.get("Sid")})
    return Finding(Code.NO_FIX_TO_TRY, refusal.resource, facts)


def _try(eng: Engine, q: Question, changes: list[Change], first_code: Code) -> list[Candidate]:
    """Apply and re-trace; if something else refuses next, fix that too (up to MAX_STEPS changes)."""
    patched, question = patched_engine(eng, q, changes)
    trace = patched.trace(question)
    if trace.verdict == "reachable":
        return [Candidate(changes, verified=True)]
    if trace.verdict == "blocked" and len(changes) < MAX_STEPS and trace.refusals[0].code != first_code:
        more = [_try(eng, q, [*changes, nxt], first_code) for nxt in candidates_for(patched, question, trace)]
        verified = [c for group in more for c in group if c.verified]
        if len(changes) > 1 or verified:
            return verified + ([Candidate(changes)] if len(changes) == 1 else [])
    return [Candidate(changes, verified=False)] if len(changes) == 1 else []


def candidates_for(eng: Engine, q: Question, trace: Trace) -> list[Change]:
    if not trace.refusals:
        return []
    refusal = trace.refusals[0]
    out: list[Change] = []
    out += _no_proxy_changes(eng, q, trace)
    if refusal.code in (Code.NO_ROUTE, Code.ENDPOINT_POLICY_DENY, Code.BUCKET_POLICY_DENY):
        out += _route_changes(eng, q, trace, refusal.code)
    if refusal.code == Code.ENDPOINT_POLICY_DENY:
        out += _endpoint_policy_change(eng, q, trace, refusal.resource)
    if refusal.code == Code.BUCKET_POLICY_DENY:
        out += _bucket_policy_change(eng, q, trace, refusal)
    if refusal.code == Code.RESOURCE_POLICY_DENY and refusal.statement is None:
        out += _resource_policy_change(eng, q, refusal.resource)
    if refusal.code == Code.IDENTITY_POLICY_DENY and refusal.statement is None:
        out += _identity_policy_change(eng, q)
    out += network_changes(eng, q, refusal)
    if refusal.code == Code.FIREWALL_DENY:
        out += _firewall_changes(eng, refusal)
    if refusal.code == Code.PERMISSIONS_BOUNDARY_DENY and refusal.statement is None:
        out += _boundary_change(eng, q)
    if refusal.code in (Code.SCP_DENY, Code.RCP_DENY):
        out += _org_policy_change(eng, q, refusal)
    return out


# --- transit gateways and network ACLs (engine/walk/tgw.py) ------------------------------------------------------


def network_changes(eng: Engine, q: Question, refusal: Finding) -> list[Change]:
    if refusal.code == Code.TGW_NO_ATTACHMENT_IN_AZ:
        return _attachment_subnet(eng, refusal)
    if refusal.code == Code.NACL_DENY:
        return _acl_entry(eng, refusal)
    if refusal.code in (Code.NO_ROUTE, Code.NO_RETURN_ROUTE):
        return _tgw_routes(eng, q, refusal)
    return []


def _attachment_subnet(eng: Engine, refusal: Finding) -> list[Change]:
    """Give the attachment the sending subnet, in the zone it lacks ("Amazon VPC attachments": one subnet per
    zone; a dedicated small subnet is the usual choice, the sender's own subnet works as well)."""
    att = eng.topology.tgw_attachments.get(refusal.resource)
    subnet = str(refusal.facts.get("subnet", ""))
    if att is None or subnet not in eng.topology.subnets:
        return []
    return [AddAttachmentSubnet(
        attachment=att.transit_gateway_attachment_id, subnet=subnet,
        command=f"aws ec2 modify-transit-gateway-vpc-attachment --region {att.region} --transit-gateway-attachment-id "
                f"{att.transit_gateway_attachment_id} --add-subnet-ids {subnet}",
        **fix_summary("fix.attachment-subnet", subnet=subnet, az=refusal.facts.get("az"),
                      attachment=att.transit_gateway_attachment_id))]


def _acl_entry(eng: Engine, refusal: Finding) -> list[Change]:
    """An allow entry for exactly the refused flow, numbered just before the entry that denied it."""
    result = refusal.facts.get("filter")
    if not isinstance(result, FilterResult) or result.peer is None or not result.resource.startswith("acl-"):
        return []
    acl = eng.topology.network_acl(result.resource)
    taken = {e.rule_number for e in acl.entries if e.egress == result.egress}
    below = result.rule.rule_number if isinstance(result.rule, m.NetworkAclEntry) else 32767
    number = next((n for n in range(below - 1, 0, -1) if n not in taken), None)
    if number is None:
        return []
    cidr = f"{result.peer.ip}/32" if result.peer.ip else "0.0.0.0/0"
    lo, hi = result.ports
    direction = "--egress" if result.egress else "--ingress"
    return [AclEntryChange(
        network_acl=acl.network_acl_id, rule_number=number, egress=result.egress, cidr=cidr, from_port=lo,
        to_port=hi,
        command=f"aws ec2 create-network-acl-entry --region {acl.region} --network-acl-id {acl.network_acl_id} "
                f"{direction} --rule-number {number} --protocol tcp --port-range From={lo},To={hi} "
                f"--cidr-block {cidr} --rule-action allow",
        **fix_summary("fix.acl-entry-egress" if result.egress else "fix.acl-entry-ingress", lo=lo, hi=hi,
                      cidr=cidr, acl=acl.network_acl_id, number=number))]


def _tgw_routes(eng: Engine, q: Question, refusal: Finding) -> list[Change]:
    """A route table of a transit gateway, or a VPC table that must send the spoke's replies back to it."""
    topo = eng.topology
    dest = refusal.facts.get("destination")
    if not isinstance(dest, Address):
        return []
    if refusal.resource in topo.tgw_route_tables:
        return _tgw_route(eng, refusal.resource, dest)
    table = topo.route_tables.get(refusal.resource)
    src_vpc = topo.vpcs.get(q.source.vpc_id)
    if refusal.code != Code.NO_RETURN_ROUTE or table is None or src_vpc is None \
            or not dest.ip or not topo.vpc_contains(src_vpc.vpc_id, dest.ip):
        return []
    shared = {a.transit_gateway_id for a in topo.tgw_attachment_by_vpc.get(table.vpc_id, [])} & \
        {a.transit_gateway_id for a in topo.tgw_attachment_by_vpc.get(src_vpc.vpc_id, [])}
    return [AddRoute(route_table=table.route_table_id, destination=src_vpc.cidr_block, transit_gateway=tgw,
                     command=f"aws ec2 create-route --region {table.region} --route-table-id {table.route_table_id}"
                             f" --destination-cidr-block {src_vpc.cidr_block} --transit-gateway-id {tgw}",
                     **fix_summary("fix.add-route", destination=src_vpc.cidr_block, target=tgw,
                                   route_table=table.route_table_id))
            for tgw in sorted(shared)]


def _tgw_route(eng: Engine, table_id: str, dest: Address) -> list[Change]:
    """To a private address: the attachment of the VPC that holds it; to a public one: an attachment whose VPC
    has a public NAT gateway (the egress VPC)."""
    topo = eng.topology
    table = topo.tgw_route_tables[table_id]
    atts = [a for a in topo.tgw_attachments.values()
            if a.transit_gateway_id == table.transit_gateway_id and a.resource_type == "vpc" and a.resource_id]
    if dest.ip and dest.is_private:
        found = [(a, topo.vpcs[a.resource_id or ""].cidr_block) for a in atts
                 if a.resource_id in topo.vpcs and topo.vpc_contains(a.resource_id or "", dest.ip)]
    else:
        found = [(a, "0.0.0.0/0") for a in atts if any(
            topo.nats[n].connectivity_type == "public" for n in topo.in_vpc(a.resource_id or "", "nat-gateway"))]
    return [AddTgwRoute(route_table=table_id, destination=cidr, attachment=a.transit_gateway_attachment_id,
                        command=f"aws ec2 create-transit-gateway-route --region {table.region} "
                                f"--transit-gateway-route-table-id {table_id} --destination-cidr-block {cidr} "
                                f"--transit-gateway-attachment-id {a.transit_gateway_attachment_id}",
                        **fix_summary("fix.add-route", destination=cidr, target=a.transit_gateway_attachment_id,
                                      route_table=table_id))
            for a, cidr in found[:2]]


def _firewall_changes(eng: Engine, refusal: Any) -> list[Change]:
    """A name an allow list does not hold: propose that exact name, the narrowest entry (a leading-dot entry
    would open every subdomain too)."""
    group = eng.topology.firewall_rule_groups.get(refusal.facts.get("allow_list") or "")
    host = refusal.facts.get("host")
    return [firewall_domain_entry(group, host)] if group is not None and host else []


# --- NO_PROXY ------------------------------------------------------------------------------------------------


def _no_proxy_changes(eng: Engine, q: Question, trace: Trace) -> list[Change]:
    """Send the request direct (add the narrowest entries) or through the proxy (narrow an over-broad entry)."""
    env = {k: v.value for k, v in q.source.proxy_environment.items()}
    variable, entries = exclusion_setting(env, q.runtime)
    host = q.destination.host
    if trace.proxy is not None and trace.proxy.proxy is not None:
        new = entries + [e for e in _narrow_entries(host, q.runtime) if e not in entries]
    elif trace.proxy is not None and trace.proxy.bypass_entry and _has_proxy(env):
        keep = [e for e in entries if not entry_matches(e, host, q.destination.port, q.runtime)]
        new = keep + [e for e in _direct_services(eng, q) if e not in keep
                      and not entry_matches(e, host, q.destination.port, q.runtime)]
    else:
        return []
    value = render_exclusions(q.runtime, new)
    return [NoProxyChange(instance=q.source.instance_id, variable=variable, value=value, runtime=q.runtime,
                          command=env_line(q.runtime, variable, value),
                          **fix_summary("fix.set-variable", variable=variable,
                                        instance=q.source.name or q.source.instance_id, value=value))]


def _has_proxy(env: dict[str, str]) -> bool:
    return any(k.lower() in ("https_proxy", "http_proxy", "all_proxy", "https.proxyhost") for k in env)


def _narrow_entries(host: str, runtime: str) -> list[str]:
    """The narrowest entries that cover the destination's regional service name (and its bucket names)."""
    aws = parse_aws_host(host)
    base = f"{aws.service}.{aws.region}.amazonaws.com" if aws else host
    entries = [base]
    if runtime == "java" or not entry_matches(base, host, 443, runtime):
        entries = [f"*.{base}", base] if runtime == "java" else [f".{base}", base]
    return [e for e in entries if e]


def _direct_services(eng: Engine, q: Question) -> list[str]:
    """Names this client should keep reaching directly: services with endpoints in its own VPC."""
    topo = eng.topology
    rtb = topo.route_table_of(q.source.subnet_id)
    names: list[str] = []
    for ep in (topo.endpoints[e] for e in topo.in_vpc(q.source.vpc_id, "endpoint")):
        region, service = service_of(ep.service_name)
        if ep.vpc_endpoint_type == "Gateway" and rtb not in ep.route_table_ids:
            continue
        if ep.vpc_endpoint_type == "Interface" and not ep.private_dns_enabled:
            continue
        names += _narrow_entries(f"{service}.{region}.amazonaws.com", q.runtime)
    return list(dict.fromkeys(names))


# --- route tables --------------------------------------------------------------------------------------------


def _route_changes(eng: Engine, q: Question, trace: Trace, code: Code) -> list[Change]:
    topo = eng.topology
    rtb = trace.egress_route_table
    if rtb is None or q.destination.region is None:
        return []
    aws = parse_aws_host(q.destination.host)
    service = "s3" if q.destination.kind == "s3-bucket" else (aws.service if aws else "")
    out: list[Change] = []
    at_proxy = trace.proxy_instance is not None or bool(q.source.proxy_ports)
    if at_proxy and trace.endpoint and code != Code.NO_ROUTE:
        ep = topo.endpoints[trace.endpoint]
        if ep.vpc_endpoint_type == "Gateway" and rtb in ep.route_table_ids:
            out.append(DisassociateEndpoint(
                route_table=rtb, vpc_endpoint=ep.vpc_endpoint_id,
                command=f"aws ec2 modify-vpc-endpoint --region {ep.region} --vpc-endpoint-id "
                        f"{ep.vpc_endpoint_id} --remove-route-table-ids {rtb}",
                **fix_summary("fix.remove-endpoint-route", vpce=ep.vpc_endpoint_id, rtb=rtb)))
    if code == Code.NO_ROUTE and trace.egress is not None:
        vpc = trace.egress.subnet.vpc_id
        for ep in (topo.endpoints[e] for e in topo.in_vpc(vpc, "endpoint")):
            if ep.vpc_endpoint_type == "Gateway" and rtb not in ep.route_table_ids and \
                    ep.service_name == f"com.amazonaws.{q.destination.region}.{service}":
                out.append(AssociateEndpoint(
                    route_table=rtb, vpc_endpoint=ep.vpc_endpoint_id,
                    command=f"aws ec2 modify-vpc-endpoint --region {ep.region} --vpc-endpoint-id "
                            f"{ep.vpc_endpoint_id} --add-route-table-ids {rtb}",
                    **fix_summary("fix.associate-endpoint", rtb=rtb, vpce=ep.vpc_endpoint_id)))
        for nat in (topo.nats[n] for n in topo.in_vpc(vpc, "nat-gateway")):
            if nat.state == "available" and nat.connectivity_type == "public":
                out.append(AddRoute(
                    route_table=rtb, destination="0.0.0.0/0", nat_gateway=nat.nat_gateway_id,
                    command=f"aws ec2 create-route --region {nat.region} --route-table-id {rtb} "
                            f"--destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat.nat_gateway_id}",
                    **fix_summary("fix.add-route", destination="0.0.0.0/0", target=nat.nat_gateway_id,
                                  route_table=rtb)))
                break
    return out


# --- policies ------------------------------------------------------------------------------------------------


def _allow_statement(q: Question, sid: str, principal: Any | None) -> dict[str, Any]:
    bucket = q.destination.id
    stmt: dict[str, Any] = {"Sid": sid, "Effect": "Allow"}
    if principal is not None:
        stmt["Principal"] = principal
    stmt |= {"Action": q.action, "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    return stmt


def _document(text: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A policy document and its statements as a list (a single statement may be written bare)."""
    doc: dict[str, Any] = json.loads(text) if text else {"Version": "2012-10-17", "Statement": []}
    raw = doc.get("Statement", [])
    return doc, list(raw) if isinstance(raw, list) else [raw]


def _endpoint_policy_change(eng: Engine, q: Question, trace: Trace, vpce: str) -> list[Change]:
    ep = eng.topology.endpoints.get(vpce)
    role = eng.topology.role_of(q.source)
    if ep is None or role is None or trace.refusals[0].statement is not None:
        return []  # an explicit Deny in an endpoint policy is a deliberate guard: leave it to a human
    doc, statements = _document(ep.policy_document)
    stmt = _allow_statement(q, f"Allow{_camel(q.destination.id)}From{_camel(role.role_name)}", "*")
    stmt["Condition"] = {"ArnEquals": {"aws:PrincipalArn": role.arn}}
    new = {**doc, "Statement": [*statements, stmt]}
    text = json.dumps(new, separators=(",", ":"))
    return [EndpointPolicyChange(
        vpc_endpoint=vpce, policy=new,
        command=f"aws ec2 modify-vpc-endpoint --region {ep.region} --vpc-endpoint-id {vpce} --policy-document '{text}'",
        **fix_summary("fix.endpoint-policy", action=q.action, resource=q.destination.id, role=role.role_name,
                      vpce=vpce))]


def _bucket_policy_change(eng: Engine, q: Question, trace: Trace, refusal: Any) -> list[Change]:
    bucket = eng.topology.buckets[q.destination.id]
    role = eng.topology.role_of(q.source)
    if role is None:
        return []
    doc, statements = _document(bucket.policy)
    if refusal.statement is not None:
        widened = _widen_negated_condition(statements, refusal.statement, trace.request_context or {})
        if widened is None:
            return []
        new_statements, added = widened
        sid = refusal.statement.get("Sid")
        what = fix_summary("fix.bucket-condition", added=added, sid=sid, bucket=bucket.name) if sid else \
            fix_summary("fix.bucket-condition-no-sid", added=added, bucket=bucket.name)
    else:
        new_statements = [*statements, _allow_statement(q, f"Allow{_camel(role.role_name)}", {"AWS": role.arn})]
        what = fix_summary("fix.bucket-allow", action=q.action, role=role.role_name)
    new = {**doc, "Statement": new_statements}
    text = json.dumps(new, separators=(",", ":"))
    return [BucketPolicyChange(bucket=bucket.name, policy=new, **what,
                               command=f"aws s3api put-bucket-policy --bucket {bucket.name} --policy '{text}'")]


def _resource_policy_change(eng: Engine, q: Question, arn: str) -> list[Change]:
    """A key policy (or secret policy) that does not allow the role: add a statement naming the role. A key
    policy's "Resource": "*" means the key itself (KMS DG, "Key policies in AWS KMS")."""
    topo, role = eng.topology, eng.topology.role_of(q.source)
    res = topo.kms_keys.get(arn) or topo.secrets.get(arn)
    if role is None or res is None:
        return []
    doc, statements = _document(res.policy)
    allow = {"Sid": f"Allow{_camel(role.role_name)}", "Effect": "Allow", "Principal": {"AWS": role.arn},
             "Action": q.action, "Resource": "*"}
    new = {**doc, "Statement": [*statements, allow]}
    text = json.dumps(new, separators=(",", ":"))
    if isinstance(res, m.KmsKey):
        what, command = "key", f"aws kms put-key-policy --key-id {arn} --policy-name default --policy '{text}'"
    else:
        what, command = "secret", f"aws secretsmanager put-resource-policy --secret-id {arn} " \
                                  f"--resource-policy '{text}'"
    return [ResourcePolicyChange(resource=arn, policy=new, command=command,
                                 **fix_summary(f"fix.{what}-policy", action=q.action, role=role.role_name, arn=arn))]


_NEGATED = ("StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase", "ArnNotEquals", "ArnNotLike")


def _widen_negated_condition(statements: list[dict[str, Any]], deciding: dict[str, Any],
                             context: dict[str, Any]) -> tuple[list[dict[str, Any]], str] | None:
    """'Deny unless key = X' with the key present: add the request's value to X (the smallest change)."""
    lowered = {k.lower(): v for k, v in context.items()}
    out: list[dict[str, Any]] = []
    added: list[str] = []
    for stmt in statements:
        if stmt != deciding or added:
            out.append(stmt)
            continue
        cond = {op: dict(keys) for op, keys in (stmt.get("Condition") or {}).items()}
        for op, keys in cond.items():
            if op.split(":")[-1].removesuffix("IfExists") not in _NEGATED:
                continue
            for key, values in keys.items():
                value = lowered.get(key.lower())
                if isinstance(value, str):
                    listed = values if isinstance(values, list) else [values]
                    keys[key] = [*listed, value]
                    added.append(f"{key} = {value}")
        out.append({**stmt, "Condition": cond})
    return (out, ", ".join(added)) if added else None


def _identity_policy_change(eng: Engine, q: Question) -> list[Change]:
    role = eng.topology.role_of(q.source)
    if role is None:
        return []
    doc = {"Version": "2012-10-17", "Statement": [_allow_statement(q, f"Allow{_camel(q.destination.id)}", None)]}
    text = json.dumps(doc, separators=(",", ":"))
    return [IdentityPolicyChange(
        role=role.arn, policy_name="reachbot-fix", policy=doc,
        command=f"aws iam put-role-policy --role-name {role.role_name} --policy-name reachbot-fix "
                f"--policy-document '{text}'",
        **fix_summary("fix.identity-policy", action=q.action, resource=q.destination.id, role=role.role_name))]


def _boundary_change(eng: Engine, q: Question) -> list[Change]:
    """The boundary does not allow the action: a new version of the boundary policy that does. (An explicit
    Deny in a boundary is a deliberate guard: left to a human.)"""
    role = eng.topology.role_of(q.source)
    ref = role.permissions_boundary if role is not None else None
    if ref is None or ref.policy_arn is None:
        return []
    doc, statements = _document(ref.policy_document)
    new = {**doc, "Statement": [*statements, _allow_statement(q, f"Allow{_camel(q.destination.id)}", None)]}
    text = json.dumps(new, separators=(",", ":"))
    return [BoundaryPolicyChange(
        policy_arn=ref.policy_arn, policy=new,
        command=f"aws iam create-policy-version --policy-arn {ref.policy_arn} --set-as-default "
                f"--policy-document '{text}'",
        **fix_summary("fix.boundary-policy", action=q.action, resource=q.destination.id, policy=ref.policy_arn))]


def _org_policy_change(eng: Engine, q: Question, refusal: Any) -> list[Change]:
    """SCP/RCP: organisation-owned, so only proposed (with its proof): an explicit Deny gets an exception for
    the client's role (aws:PrincipalArn, the usual guard-rail exception); a level where nothing allows gets
    an Allow in one of the customer-managed policies attached there."""
    org, role = eng.topology.organization, eng.topology.role_of(q.source)
    if org is None or role is None:
        return []
    if refusal.statement is not None:
        policy = next((p for p in org.policies if f"{p.name} ({p.id})" == refusal.resource), None)
        if policy is None:
            return []
        doc, statements = _document(policy.content)
        new_statements = [_with_principal_exception(st, role.arn) if st == refusal.statement else st
                          for st in statements]
        what = fix_summary("fix.org-exempt", role=role.role_name, policy=policy.name, id=policy.id)
    else:
        attached = {pid for a in org.accounts for level in a.path if level.target_id == refusal.resource
                    for pid in level.policy_ids}
        kind = "SERVICE_CONTROL_POLICY" if refusal.code == Code.SCP_DENY else "RESOURCE_CONTROL_POLICY"
        policy = next((p for p in org.policies if p.id in attached and p.type == kind and not p.aws_managed), None)
        if policy is None:
            return []
        doc, statements = _document(policy.content)
        new_statements = [*statements, _allow_statement(q, f"Allow{_camel(q.destination.id)}", None)]
        what = fix_summary("fix.org-allow", action=q.action, resource=q.destination.id, policy=policy.name,
                           id=policy.id, target=refusal.resource)
    new = {**doc, "Statement": new_statements}
    text = json.dumps(new, separators=(",", ":"))
    return [OrgPolicyChange(policy_id=policy.id, policy=new, **what,
                            command=f"aws organizations update-policy --policy-id {policy.id} --content '{text}'")]


def _with_principal_exception(statement: dict[str, Any], role_arn: str) -> dict[str, Any]:
    cond = {op: dict(keys) for op, keys in (statement.get("Condition") or {}).items()}
    arns = cond.setdefault("ArnNotLike", {})
    listed = arns.get("aws:PrincipalArn", [])
    arns["aws:PrincipalArn"] = [*(listed if isinstance(listed, list) else [listed]), role_arn]
    return {**statement, "Condition": cond}


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("_", "-").split("-") if part.isalnum())


# --- side effects --------------------------------------------------------------------------------------------


GROUP_BUCKETS_ABOVE = 200


def _breaks(eng: Engine, q: Question, trace: Trace, changes: list[Change]) -> list[str]:
    """Flows that work today and would stop working with ``changes``.

    Only flows a change can touch are re-traced, so the cost does not grow with the estate: a NO_PROXY change
    touches the flows whose proxy choice it flips; an endpoint (dis)association touches flows to that
    endpoint's service and region leaving through that route table (the source's or the proxy's). Adding an
    Allow, widening a Deny's exception or adding a default route where there was none cannot break a flow.
    """
    flows: dict[tuple[str, str], Question] = {}
    for change in changes:
        for flow in _touched(eng, q, trace, change):
            flows.setdefault((flow.source.instance_id, flow.destination.id), flow)
    if not flows:
        return []
    patched, _ = patched_engine(eng, q, changes)
    broken = []
    for flow in flows.values():
        if _works_today(eng, flow) and patched.trace(retarget(patched, flow)).verdict != "reachable":
            broken.append(f"{flow.source.name or flow.source.instance_id} → {flow.destination.id}")
    return broken


def _touched(eng: Engine, q: Question, trace: Trace, change: Change) -> list[Question]:
    if isinstance(change, NoProxyChange):
        inst = eng.topology.instances[change.instance]
        before = {k: v.value for k, v in inst.proxy_environment.items()}
        after = {**before, change.variable: change.value}
        return [_question(inst, d, q) for d in _destinations(eng)
                if choose_proxy(d.url, before, q.runtime).proxy != choose_proxy(d.url, after, q.runtime).proxy]
    if isinstance(change, AssociateEndpoint | DisassociateEndpoint):
        ep = eng.topology.endpoints[change.vpc_endpoint]
        region, service = service_of(ep.service_name)
        rtb = change.route_table
        via_proxy = trace.proxy_instance is not None and \
            eng.topology.route_table_of(trace.proxy_instance.subnet_id) == rtb
        sources = [s for s in (q.source, trace.proxy_instance) if s is not None and
                   (via_proxy or eng.topology.route_table_of(s.subnet_id) == rtb)]
        return [_question(src, d, q) for src in sources for d in _destinations(eng)
                if d.region == region and (d.kind == "s3-bucket" if service == "s3" else d.host.startswith(service))]
    return []


def _destinations(eng: Engine) -> list[Destination]:
    """Every bucket (above GROUP_BUCKETS_ABOVE, one per group that answers alike) and every endpoint service."""
    topo = eng.topology
    return topo.derived.get(("fixes", "destinations"), ("buckets", "endpoints", "private_dns_endpoint"),
                            lambda: _all_destinations(eng))


def _all_destinations(eng: Engine) -> list[Destination]:
    topo = eng.topology
    grouped = len(topo.buckets) > GROUP_BUCKETS_ABOVE
    seen: set[tuple[str, str, str | None]] = set()
    out: list[Destination] = []
    for bucket in (topo.buckets[b.name] for b in topo.snap.buckets):  # snapshot order, patched copies
        policy = bucket.policy.replace(bucket.name, "{bucket}") if bucket.policy else None
        key = (bucket.region, bucket.owner_id, policy) if grouped else (bucket.name, "", None)
        if key not in seen:
            seen.add(key)
            out.append(find_destination(topo, f"s3://{bucket.name}"))
    out += [find_destination(topo, host) for host in sorted({h for _vpc, h in topo.private_dns_endpoint})]
    return out


def _question(source: m.Instance, dest: Destination, q: Question) -> Question:
    return Question(f"{source.instance_id} -> {dest.id}", source, dest, q.action, q.runtime)


def _works_today(eng: Engine, flow: Question) -> bool:
    key = ("fixes", "works", flow.source.instance_id, flow.destination.id, flow.runtime, flow.action)
    return eng.topology.derived.get(key, (EVERYTHING,), lambda: eng.trace(flow).verdict == "reachable")


# --- output --------------------------------------------------------------------------------------------------


def _drop_redundant(found: list[Candidate]) -> list[Candidate]:
    """A combination is only worth offering when none of its changes works on its own."""
    alone = {_key(c.changes[0]) for c in found if c.verified and len(c.changes) == 1}
    return [c for c in found if len(c.changes) == 1 or not any(_key(ch) in alone for ch in c.changes)]


def _key(change: Change) -> str:
    return json.dumps([change.kind, change.change], sort_keys=True)


def _unique(found: list[Candidate]) -> list[Candidate]:
    seen, out = set(), []
    for c in found:
        key = json.dumps([ch.change for ch in c.changes], sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _to_fix(c: Candidate, rank: int, w: Wording) -> Fix:
    if len(c.changes) == 1:
        ch = c.changes[0]
        return Fix(kind=ch.kind, summary=_summary(ch, w), verified=c.verified, change=ch.change,
                   owner=_owner(ch, w), command=ch.command, breaks=c.breaks, rank=rank)
    return Fix(kind="combined", summary=w.label("fix.and").join(_summary(ch, w) for ch in c.changes),
               verified=c.verified, change={"steps": [{"kind": ch.kind, "change": ch.change} for ch in c.changes]},
               owner="; ".join(dict.fromkeys(_owner(ch, w) for ch in c.changes)),
               command="\n".join(ch.command for ch in c.changes), breaks=c.breaks, rank=rank)


def _summary(ch: Change, w: Wording) -> str:
    """The change's summary in ``w``'s language; its English one where the catalog has no words for it."""
    return w.say(ch.said) if ch.said is not None and ch.said[0] in w.catalog.labels else ch.summary


def _owner(ch: Change, w: Wording) -> str:
    key = f"owner.{ch.kind}"
    return w.label(key) if key in w.catalog.labels else ch.owner

