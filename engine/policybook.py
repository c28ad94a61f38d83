"""Policies of one snapshot, compiled once (on first use) and reused for every question."""

from __future__ import annotations

from engine import model as m
from engine.errors import PolicyDocumentError, SnapshotError
from engine.policy import CompiledPolicy, PolicyKind, compile_policy
from engine.topology import Topology


class PolicyBook:
    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self._compiled: dict[tuple[str, str], CompiledPolicy | None] = {}

    def endpoint(self, ep: m.VpcEndpoint) -> CompiledPolicy | None:
        """None means AWS's default full-access endpoint policy."""
        return self._get(("endpoint", ep.vpc_endpoint_id), ep.policy_document,
                         f"{ep.vpc_endpoint_id} endpoint policy", PolicyKind.ENDPOINT)

    def bucket(self, bucket: m.Bucket) -> CompiledPolicy | None:
        return self._get(("bucket", bucket.name), bucket.policy, f"bucket policy of {bucket.name}", PolicyKind.BUCKET)

    def identity(self, role: m.Role) -> list[CompiledPolicy]:
        out = []
        for ref in role.policies:
            compiled = self._get(("identity", f"{role.arn}#{ref.policy_name}"), ref.policy_document,
                                 f"{role.role_name} policy {ref.policy_name}", PolicyKind.IDENTITY)
            if compiled is not None:
                out.append(compiled)
        return out

    def _get(self, key: tuple[str, str], text: str | None, name: str, kind: PolicyKind) -> CompiledPolicy | None:
        if key not in self._compiled:
            try:
                self._compiled[key] = compile_policy(text, name=name, kind=kind) if text else None
            except PolicyDocumentError as exc:
                raise SnapshotError(f"the snapshot holds an invalid policy: {exc}") from exc
        return self._compiled[key]
