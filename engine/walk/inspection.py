"""The walk at an AWS Network Firewall endpoint: evaluate the firewall's policy (``engine.walk.firewall``) on
the request and record the hop, the refusal (``FIREWALL_DENY``) or why the answer cannot be told.

The firewall sees the sender's own address (it does not translate) and the destination's name: the TLS SNI
for HTTPS, the Host header for HTTP; through a proxy, the proxy's CONNECT target is that same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import model as m
from engine.codes import Code
from engine.dns import Address
from engine.routing import lookup
from engine.topology import Topology
from engine.walk.firewall import NOT_ALLOWED, AppLayer, Flow, Verdict, cidrs_of, evaluate

if TYPE_CHECKING:
    from engine.walk.walker import Side, Walk


def inspect(walk: Walk, sender: Side, firewall: m.Firewall, attachment: m.FirewallAttachment,
            addr: Address) -> bool:
    """True when the request goes on past the firewall (passed, or the answer is already unknown)."""
    t, topo = walk.t, walk.topo
    dest = t.question.destination
    policy = topo.firewall_policies.get(firewall.firewall_policy_arn)
    endpoint = attachment.endpoint_id or ""
    facts = {"endpoint": endpoint, "firewall": firewall.firewall_name, "subnet": attachment.subnet_id,
             "policy": policy.firewall_policy_name if policy else firewall.firewall_policy_arn}
    if policy is None:
        t.hop("network-firewall", endpoint, firewall.region, outcome="unknown", **facts)
        t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=firewall.firewall_policy_arn, kind="firewall-policy")
        return True
    app: AppLayer | None = None if dest.tcp else _APP.get(dest.scheme)
    flow = Flow(sender.eni.private_ip_address, addr, dest.port, dest.host if app else None, app)
    verdict = evaluate(policy, topo.firewall_rule_groups, flow, cidrs_of(topo.vpcs.get(firewall.vpc_id)))
    group = _group_name(topo.firewall_rule_groups.get(verdict.rule_group or ""), verdict.rule_group)
    t.hop("network-firewall", endpoint, firewall.region, outcome=verdict.action, stage=verdict.stage,
          rule_group=group, rule=verdict.rule, host=flow.host, **facts)
    if attachment.status.upper() != "READY":
        t.cannot_tell(Code.FIREWALL_NOT_EVALUATED, firewall=firewall.firewall_name, rule_group=endpoint,
                      why=f"endpoint status {attachment.status}")
    if verdict.action == "drop":
        _refuse(walk, firewall, policy, verdict, group, flow)
        return False
    if verdict.action == "unknown":
        t.cannot_tell(Code.FIREWALL_NOT_EVALUATED, firewall=firewall.firewall_name, rule_group=group or "?",
                      why=verdict.why or verdict.rule)
    return True


_APP: dict[str, AppLayer] = {"https": "TLS_SNI", "http": "HTTP_HOST"}


def _refuse(walk: Walk, firewall: m.Firewall, policy: m.FirewallPolicy, verdict: Verdict, group: str | None,
            flow: Flow) -> None:
    allow_list = verdict.rule_group if verdict.rule == NOT_ALLOWED else None
    walk.t.refuse(Code.FIREWALL_DENY, group or policy.firewall_policy_name, firewall=firewall.firewall_name,
                  policy=policy.firewall_policy_name, rule_group=group or policy.firewall_policy_name,
                  rule=verdict.rule, stage=verdict.stage, why=verdict.why, host=flow.host,
                  rule_group_arn=verdict.rule_group, allow_list=allow_list)


def _group_name(group: m.FirewallRuleGroup | None, arn: str | None) -> str | None:
    if group is not None:
        return group.rule_group_name
    return arn.rsplit("/", 1)[-1] if arn else None


def returns_through(topo: Topology, firewall: m.Firewall, onward: m.Route, client_ip: str) -> bool | None:
    """Whether the reply comes back through the firewall: a stateful firewall must see both directions
    (Network Firewall developer guide, "Architectures": symmetric routing, an IGW ingress route table or the
    NAT gateway subnet's route back to the protected subnet through the firewall endpoint). None when the
    next hop is neither a NAT gateway nor an internet gateway (not judged here)."""
    endpoints = {st.attachment.endpoint_id for st in firewall.firewall_status.sync_states.values()
                 if st.attachment is not None}
    nat = topo.nats.get(onward.nat_gateway_id or "")
    if nat is not None:
        rtb = topo.route_table_of(nat.subnet_id)
    elif onward.gateway_id in topo.igws:
        rtb = next((t.route_table_id for t in topo.route_tables.values()
                    if any(a.gateway_id == onward.gateway_id for a in t.associations)), None)  # edge association
    else:
        return None
    choice = lookup(topo, rtb, Address(ip=client_ip)) if rtb else None
    return choice is not None and choice.route.target in endpoints
