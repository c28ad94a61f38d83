"""IAM, S3 and Route 53 API output of one account → snapshot objects. Pure: dicts in, models out."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from engine import model as m
from engine.collect.crawl import bucket_region, zone_key
from engine.collect.raw import RawScope

Api = Mapping[str, Any]
_OCTAL = re.compile(r"\\(\d{3})")


def policy_text(document: Any) -> str | None:
    """A policy document as JSON text. botocore hands IAM documents over already decoded (a dict); the raw
    API and some saved files have them URL-encoded (IAM API reference, "PolicyDocument")."""
    if document is None:
        return None
    if isinstance(document, Mapping):
        return json.dumps(document, indent=2)
    text = str(document)
    if text.lstrip().startswith("%7B") or text.lstrip().startswith("%7b"):
        text = unquote(text)
    return text


# --- S3 --------------------------------------------------------------------------------------------------------


def buckets(scope: RawScope) -> list[m.Bucket]:
    """Buckets whose region is known; a bucket whose location could not be read is left out (its gap stays)."""
    out = []
    for b in scope.get("ListBuckets").get("Buckets", []):
        name = b["Name"]
        region = bucket_region(scope.get_keyed("GetBucketLocation", name), b.get("BucketRegion"))
        if region is None:
            continue
        policy = scope.get_keyed("GetBucketPolicy", name) or {}
        out.append(m.Bucket(name=name, region=region, owner_id=scope.account, policy=policy.get("Policy") or None))
    return out


# --- Route 53 --------------------------------------------------------------------------------------------------


def hosted_zones(scope: RawScope) -> list[m.HostedZone]:
    out = []
    for z in scope.get("ListHostedZones").get("HostedZones", []):
        config = z.get("Config", {})
        if not config.get("PrivateZone"):
            continue
        key = zone_key(z["Id"])
        detail = scope.get_keyed("GetHostedZone", key) or {}
        records = scope.get_keyed("ListResourceRecordSets", key) or {}
        out.append(m.HostedZone(
            id=z["Id"], name=z["Name"], owner_id=scope.account,
            config=m.HostedZoneConfig(private_zone=True, comment=config.get("Comment") or None),
            vpcs=[m.HostedZoneVpc(vpc_region=v["VPCRegion"], vpc_id=v["VPCId"]) for v in detail.get("VPCs", [])],
            resource_record_sets=[record(r) for r in records.get("ResourceRecordSets", [])],
        ))
    return out


def record(r: Api) -> m.ResourceRecordSet:
    alias = r.get("AliasTarget")
    return m.ResourceRecordSet(
        name=dns_name(r["Name"]), type=r["Type"], ttl=r.get("TTL"),
        resource_records=[m.ResourceRecord(value=v["Value"]) for v in r.get("ResourceRecords", [])],
        alias_target=m.AliasTarget(dns_name=dns_name(alias["DNSName"]), hosted_zone_id=alias.get("HostedZoneId"))
        if alias else None,
    )


def dns_name(name: str) -> str:
    """Route 53 returns some characters as octal escapes (``\\052`` for the ``*`` of a wildcard record)."""
    return _OCTAL.sub(lambda mt: chr(int(mt.group(1), 8)), name)


# --- IAM -------------------------------------------------------------------------------------------------------


def instance_profiles(scope: RawScope) -> list[m.InstanceProfile]:
    return [
        m.InstanceProfile(instance_profile_name=p["InstanceProfileName"], arn=p["Arn"],
                          roles=[r["Arn"] for r in p.get("Roles", [])])
        for p in scope.get("ListInstanceProfiles").get("InstanceProfiles", [])
    ]


def roles(scope: RawScope) -> list[m.Role]:
    """The roles of instance profiles, with the policies that could be read. A policy that could not be read
    is missing here and its IAM gap (filed under region ``global``) makes answers that need it ``unknown``."""
    seen: dict[str, Api] = {}
    for p in scope.get("ListInstanceProfiles").get("InstanceProfiles", []):
        for r in p.get("Roles", []):
            seen.setdefault(r["RoleName"], r)
    return [_role(scope, name, listed) for name, listed in sorted(seen.items())]


def _role(scope: RawScope, name: str, listed: Api) -> m.Role:
    detail = (scope.get_keyed("GetRole", name) or {}).get("Role", {})
    attached = (scope.get_keyed("ListAttachedRolePolicies", name) or {}).get("AttachedPolicies", [])
    inline = (scope.get_keyed("ListRolePolicies", name) or {}).get("PolicyNames", [])
    boundary_arn = detail.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    # GetRole's Tags are the aws:PrincipalTag/* keys of the role's sessions (IAM UG, global condition keys).
    return m.Role(
        role_name=name, arn=listed["Arn"], role_id=listed.get("RoleId"), path=listed.get("Path", "/"),
        tags=[m.Tag(key=t["Key"], value=t.get("Value", "")) for t in detail.get("Tags", [])],
        attached_policies=[ref for p in attached
                           if (ref := _managed(scope, p["PolicyArn"], p.get("PolicyName"))) is not None],
        role_policy_list=[ref for policy in inline if (ref := _inline(scope, name, policy)) is not None],
        permissions_boundary=_managed(scope, boundary_arn, None) if boundary_arn else None,
    )


def _managed(scope: RawScope, arn: str, name: str | None) -> m.PolicyRef | None:
    version = (scope.get_keyed("GetPolicyVersion", arn) or {}).get("PolicyVersion", {})
    text = policy_text(version.get("Document"))
    if text is None:
        return None
    meta = (scope.get_keyed("GetPolicy", arn) or {}).get("Policy", {})
    return m.PolicyRef(policy_name=name or meta.get("PolicyName") or arn.rsplit("/", 1)[-1], policy_arn=arn,
                       policy_document=text)


def _inline(scope: RawScope, role: str, policy: str) -> m.PolicyRef | None:
    text = policy_text((scope.get_keyed("GetRolePolicy", f"{role}/{policy}") or {}).get("PolicyDocument"))
    return m.PolicyRef(policy_name=policy, policy_document=text) if text is not None else None


# --- the organisation (read across every account's global scope) -------------------------------------------

ORG_POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")


def organization(scopes: list[RawScope]) -> tuple[m.Organization | None, set[str]]:
    """The organisation as read by any account (the management or a delegated administrator account reads
    every path; a member account only DescribeOrganization), and the accounts whose path and SCPs/RCPs were
    read completely. None when no account is in an organisation."""
    meta: Api | None = None
    parents: dict[str, Api] = {}
    attached: dict[tuple[str, str], list[str]] = {}
    policies: dict[str, m.OrgPolicy] = {}
    members: set[str] = set()
    for scope in scopes:
        if scope.get("DescribeOrganization").get("Organization"):
            meta = scope.get("DescribeOrganization")["Organization"]
            members.add(scope.account)
        members |= {a["Id"] for a in scope.get("ListAccounts").get("Accounts", [])}
        for child, found in scope.keyed.get("ListParents", {}).items():
            if found.get("Parents"):
                parents[child] = found["Parents"][0]
        for key, found in scope.keyed.get("ListPoliciesForTarget", {}).items():
            target, _, kind = key.rpartition("/")
            attached[(target, kind)] = [p["Id"] for p in found.get("Policies", [])]
        for pid, found in scope.keyed.get("DescribePolicy", {}).items():
            if (policy := _org_policy(found)) is not None:
                policies[pid] = policy
    if meta is None:
        return None, set()
    accounts, complete, unread = [], set(), set()
    for account in sorted(c for c in parents if c.isdigit()):
        path = _path_up(account, parents)
        if path is None:
            continue
        levels = [m.OrgTarget(target_id=t, policy_ids=[pid for kind in ORG_POLICY_TYPES
                                                       for pid in attached.get((t, kind), [])]) for t in path]
        accounts.append(m.OrgAccount(account_id=account, path=levels))
        missing = {kind for t in path for kind in ORG_POLICY_TYPES if (t, kind) not in attached}
        missing |= {kind for t in path for kind in ORG_POLICY_TYPES
                    for pid in attached.get((t, kind), []) if pid not in policies}
        unread |= missing
        if not missing:
            complete.add(account)
    org = m.Organization(id=meta["Id"], master_account_id=meta.get("MasterAccountId", ""), accounts=accounts,
                         member_ids=sorted(members | {a.account_id for a in accounts}),
                         policies=sorted(policies.values(), key=lambda p: p.id), unread_types=sorted(unread))
    return org, complete


def _path_up(account: str, parents: dict[str, Api]) -> list[str] | None:
    """Root first, the account last; None when a level's parent was not read."""
    path, child = [account], account
    while child in parents:
        parent = parents[child]
        path.append(parent["Id"])
        if parent.get("Type") == "ROOT":
            return list(reversed(path))
        child = parent["Id"]
        if len(path) > 8:
            return None
    return None


def _org_policy(found: Api) -> m.OrgPolicy | None:
    policy = found.get("Policy", {})
    summary = policy.get("PolicySummary", {})
    if not summary.get("Id") or policy.get("Content") is None:
        return None
    return m.OrgPolicy(id=summary["Id"], name=summary.get("Name", summary["Id"]), type=summary.get("Type", ""),
                       content=policy["Content"], aws_managed=bool(summary.get("AwsManaged")))
