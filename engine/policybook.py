"""Policies of one snapshot, compiled once (on first use) and reused for every question.

The compiled forms live in the topology's derived cache (engine.derived), each depending on the tag
``policy:<kind>:<owner>``; a what-if copy that rewrites a policy (Topology.put_endpoint, put_bucket, put_role)
compiles that one again and reuses every other.
"""

from __future__ import annotations

from engine import model as m
from engine.errors import PolicyDocumentError, SnapshotError
from engine.policy import CompiledPolicy, PolicyKind, compile_policy
from engine.topology import Topology


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

    def identity(self, role: m.Role) -> list[CompiledPolicy]:
        out = []
        for ref in role.policies:
            compiled = self._get("identity", role.arn, f"{role.arn}#{ref.policy_name}", ref.policy_document,
                                 f"{role.role_name} policy {ref.policy_name}", PolicyKind.IDENTITY)
            if compiled is not None:
                out.append(compiled)
        return out

    def _get(self, kind: str, owner: str, ident: str, text: str | None, name: str,
             policy_kind: PolicyKind) -> CompiledPolicy | None:
        return self.topo.derived.get(("policy", kind, ident), (f"policy:{kind}:{owner}",),
                                     lambda: _compile(text, name, policy_kind))


def _compile(text: str | None, name: str, kind: PolicyKind) -> CompiledPolicy | None:
    try:
        return compile_policy(text, name=name, kind=kind) if text else None
    except PolicyDocumentError as exc:
        raise SnapshotError(f"the snapshot holds an invalid policy: {exc}") from exc
