"""Network Firewall API output of one (account, region) → snapshot objects. Pure: dicts in, models out.

DescribeFirewall answers ``Firewall`` and, beside it, ``FirewallStatus`` (whose ``SyncStates`` hold the
endpoint per Availability Zone); DescribeFirewallPolicy answers ``FirewallPolicyResponse`` (name, ARN) and
``FirewallPolicy`` (the rules); DescribeRuleGroup ``RuleGroupResponse`` and ``RuleGroup``. The snapshot keeps
each as one flat object with AWS's field names (``engine.model``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import model as m

Api = Mapping[str, Any]


def region_items(keyed: Mapping[str, Mapping[str, Api]], region: str) -> dict[str, list[Any]]:
    """The snapshot lists of one region from its keyed Describe* responses."""
    return {"firewalls": firewalls(keyed.get("DescribeFirewall", {}), region),
            "firewall_policies": firewall_policies(keyed.get("DescribeFirewallPolicy", {}), region),
            "firewall_rule_groups": rule_groups(keyed.get("DescribeRuleGroup", {}), region)}


def tags(items: Any) -> list[m.Tag]:
    return [m.Tag(key=t["Key"], value=t.get("Value", "")) for t in items or [] if "Key" in t]


def firewalls(described: Mapping[str, Api], region: str) -> list[m.Firewall]:
    out = []
    for resp in described.values():
        fw, status = resp.get("Firewall"), resp.get("FirewallStatus") or {}
        if not fw:
            continue
        states = {az: m.FirewallSyncState(attachment=_attachment(st.get("Attachment")))
                  for az, st in (status.get("SyncStates") or {}).items()}
        out.append(m.Firewall(
            firewall_name=fw["FirewallName"], firewall_arn=fw["FirewallArn"],
            firewall_policy_arn=fw["FirewallPolicyArn"], vpc_id=fw["VpcId"], region=region,
            owner_id=fw["FirewallArn"].split(":")[4] or None,
            subnet_mappings=[m.SubnetMapping(subnet_id=s["SubnetId"]) for s in fw.get("SubnetMappings", [])],
            firewall_status=m.FirewallStatus(status=status.get("Status", "READY"), sync_states=states),
            tags=tags(fw.get("Tags"))))
    return out


def _attachment(att: Api | None) -> m.FirewallAttachment | None:
    if not att or not att.get("SubnetId"):
        return None
    return m.FirewallAttachment(subnet_id=att["SubnetId"], endpoint_id=att.get("EndpointId"),
                                status=att.get("Status", "READY"))


def firewall_policies(described: Mapping[str, Api], region: str) -> list[m.FirewallPolicy]:
    out = []
    for resp in described.values():
        head, body = resp.get("FirewallPolicyResponse"), resp.get("FirewallPolicy") or {}
        if not head:
            continue
        variables = (body.get("PolicyVariables") or {}).get("RuleVariables") or {}
        out.append(m.FirewallPolicy.model_validate({
            "FirewallPolicyArn": head["FirewallPolicyArn"], "FirewallPolicyName": head["FirewallPolicyName"],
            "Region": region, "Tags": [t.model_dump(by_alias=True) for t in tags(head.get("Tags"))],
            **_pick(body, ("StatelessDefaultActions", "StatelessFragmentDefaultActions", "StatefulDefaultActions")),
            **{f: [_reference(r) for r in body.get(f, [])]
               for f in ("StatelessRuleGroupReferences", "StatefulRuleGroupReferences")},
            "StatefulEngineOptions": _pick(body.get("StatefulEngineOptions") or {}, ("RuleOrder",)) or None,
            "PolicyVariables": {"RuleVariables": {k: _pick(v, ("Definition",)) for k, v in variables.items()}},
        }))
    return out


def rule_groups(described: Mapping[str, Api], region: str) -> list[m.FirewallRuleGroup]:
    out = []
    for resp in described.values():
        head, body = resp.get("RuleGroupResponse"), resp.get("RuleGroup") or {}
        if not head:
            continue
        variables = body.get("RuleVariables") or {}
        out.append(m.FirewallRuleGroup.model_validate({
            "RuleGroupArn": head["RuleGroupArn"], "RuleGroupName": head["RuleGroupName"], "Type": head["Type"],
            "Region": region, "Tags": [t.model_dump(by_alias=True) for t in tags(head.get("Tags"))],
            "RuleVariables": {"IPSets": {k: _pick(v, ("Definition",)) for k, v in
                                         (variables.get("IPSets") or {}).items()},
                              "PortSets": {k: _pick(v, ("Definition",)) for k, v in
                                           (variables.get("PortSets") or {}).items()}},
            "RulesSource": _rules_source(body.get("RulesSource") or {}),
            "StatefulRuleOptions": _pick(body.get("StatefulRuleOptions") or {}, ("RuleOrder",)) or None,
        }))
    return out


def _reference(ref: Api) -> dict[str, Any]:
    out = _pick(ref, ("ResourceArn", "Priority"))
    if ref.get("Override"):
        out["Override"] = _pick(ref["Override"], ("Action",))
    return out


def _rules_source(src: Api) -> dict[str, Any]:
    stateless = src.get("StatelessRulesAndCustomActions")
    return {
        "RulesString": src.get("RulesString"),
        "RulesSourceList": _pick(src["RulesSourceList"], ("Targets", "TargetTypes", "GeneratedRulesType"))
        if src.get("RulesSourceList") else None,
        "StatefulRules": [{"Action": r["Action"], "Header": r["Header"],
                           "RuleOptions": [_pick(o, ("Keyword", "Settings")) for o in r.get("RuleOptions", [])]}
                          for r in src.get("StatefulRules", [])],
        "StatelessRulesAndCustomActions": {
            "StatelessRules": stateless.get("StatelessRules", []),
            "CustomActions": stateless.get("CustomActions", []),
        } if stateless else None,
    }


def _pick(item: Api, fields: tuple[str, ...]) -> dict[str, Any]:
    """Only the fields the snapshot keeps: AWS adds response fields over time, the snapshot refuses unknown ones."""
    return {f: item[f] for f in fields if f in item}
