"""Policies of one snapshot, compiled once (on first use) and reused for every question.

The compiled forms live in the topology's derived cache (engine.derived), each depending on the tag
``policy:<kind>:<owner>``; a what-if copy that rewrites a policy (Topology.put_endpoint, put_bucket, put_role)
compiles that one again and reuses every other.
"""

from __future__ import annotations

from typing import Any

from engine import model as m
from engine.errors import PolicyDocumentError, SnapshotError
from engine.policy import CompiledPolicy, OrgLevel, PolicyKind, Unknowable, compile_policy
from engine.topology import Topology

SCP_TYPE, RCP_TYPE = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
_ORG_KIND = {SCP_TYPE: PolicyKind.SCP, RCP_TYPE: PolicyKind.RCP}


class PolicyBook:
    def __init__(self, topo: Topology) -> None:
        self.topo = topo

    def endpoint(self, ep: m.VpcEndpoint) -> CompiledPolicy | None:
        """None means AWS's default full-access endpoint policy."""
        return self._get("endpoint", ep.vpc_endpoint_id, ep.vpc_endpoint_id, ep.policy_document,
                         f"{ep.vpc_endpoint_id} endpoint policy", PolicyKind.ENDPOINT)

    def bucket(self, bucket: m.Bucket) -> CompiledPolicy | None:
        return self._get("bucket", bucket.name, bucket.name, bucket.policy, f"bucket policy of {bucket.name}",
                         PolicyKind.BUCKET)

    def resource(self, res: m.KmsKey | m.Secret) -> CompiledPolicy | None:
        """A KMS key policy or a secret's resource policy: the resource layer of a request to that service."""
        what = "key policy" if isinstance(res, m.KmsKey) else "resource policy"
        return self._get("resource", res.arn, res.arn, res.policy, f"{what} of {res.arn}", PolicyKind.BUCKET)

    def identity(self, role: m.Role) -> list[CompiledPolicy]:
        out = []
        for ref in role.policies:
            compiled = self._get("identity", role.arn, f"{role.arn}#{ref.policy_name}", ref.policy_document,
                                 f"{role.role_name} policy {ref.policy_name}", PolicyKind.IDENTITY)
            if compiled is not None:
                out.append(compiled)
        return out

    def boundary(self, role: m.Role) -> CompiledPolicy | None:
        """The role's permissions boundary, named by its policy ARN; None when it has none."""
        ref = role.permissions_boundary
        if ref is None:
            return None
        return self._get("boundary", role.arn, f"{role.arn}#boundary", ref.policy_document,
                         ref.policy_arn or ref.policy_name, PolicyKind.BOUNDARY)

    def org_levels(self, account: str, policy_type: str, *, service_linked: bool = False) -> list[OrgLevel] | None:
        """The levels of ``account``'s path (root, OUs, the account) with their SCPs or RCPs, or None when
        they do not apply: no organisation read, the account is not in it, it is the management account
        ("SCPs and RCPs don't affect ... the management account", Organizations UG), or the principal is a
        service-linked role ("SCPs do not affect service-linked roles"), or the type was not read."""
        org = self.topo.organization
        if org is None or account == org.master_account_id or policy_type in org.unread_types:
            return None
        if service_linked and policy_type == SCP_TYPE:
            return None
        # Built once per (account, type): every S3 answer asks it (a rewritten SCP or RCP touches its tag).
        return self.topo.derived.get(("org-levels", account, policy_type),
                                     tuple(f"policy:org:{p.id}" for p in org.policies),
                                     lambda: self._org_levels(org, account, policy_type))

    def _org_levels(self, org: m.Organization, account: str, policy_type: str) -> list[OrgLevel] | None:
        member = org.account(account)
        if member is None:
            return None
        by_id = {p.id: p for p in org.policies if p.type == policy_type}
        return [OrgLevel(level.target_id, [c for pid in level.policy_ids if pid in by_id
                                           and (c := self._org_policy(by_id[pid])) is not None])
                for level in member.path]

    def org_keys(self, side: str, account: str) -> dict[str, Any]:
        """aws:<side>OrgID and aws:<side>OrgPaths (side "Principal" or "Resource") for ``account``: the values
        when the organisation was read, Unknowable when it could not be, absent outside any organisation
        (IAM UG, "AWS global condition context keys")."""
        org = self.topo.organization
        member = org.account(account) if org is not None else None
        if org is not None and member is not None:
            return {f"aws:{side}OrgID": org.id, f"aws:{side}OrgPaths": [member.paths_key(org.id)]}
        why = Unknowable(f"the organisation of {account} was not read")
        if org is not None and account in org.member_ids:
            return {f"aws:{side}OrgID": org.id, f"aws:{side}OrgPaths": why}  # a member; its path not read
        if self.org_gaps():
            return {f"aws:{side}OrgID": why, f"aws:{side}OrgPaths": why}
        return {}

    def org_gaps(self) -> list[m.Gap]:
        """What collection could not read of the organisation (filed under service ``organizations``)."""
        return self.topo.derived.get(("org-gaps",), (), lambda: [
            g for gaps in self.topo.gaps.values() for g in gaps if g.service == "organizations"])

    def _org_policy(self, policy: m.OrgPolicy) -> CompiledPolicy | None:
        return self._get("org", policy.id, policy.id, policy.content, f"{policy.name} ({policy.id})",
                         _ORG_KIND[policy.type])

    def _get(self, kind: str, owner: str, ident: str, text: str | None, name: str,
             policy_kind: PolicyKind) -> CompiledPolicy | None:
        return self.topo.derived.get(("policy", kind, ident), (f"policy:{kind}:{owner}",),
                                     lambda: _compile(text, name, policy_kind))


def _compile(text: str | None, name: str, kind: PolicyKind) -> CompiledPolicy | None:
    try:
        return compile_policy(text, name=name, kind=kind) if text else None
    except PolicyDocumentError as exc:
        raise SnapshotError(f"the snapshot holds an invalid policy: {exc}") from exc
