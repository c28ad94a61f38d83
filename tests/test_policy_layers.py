"""Named policy layers (issue #16): decide_access(ctx, PolicyLayers) and the positional adapter decide_s3_access.

The adapter must decide exactly as the named form for every combination of endpoint, bucket and identity
policy. Boundaries, SCPs, RCPs and session policies are evaluated: see test_policy_org_layers.py.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from engine.policy import (
    CompiledPolicy,
    EndpointLayer,
    IdentityLayer,
    PolicyLayers,
    RequestContext,
    ResourceLayer,
    compile_policy,
    decide_access,
    decide_s3_access,
)

ACCT, OTHER = "444455556666", "111122223333"
ROLE = f"arn:aws:iam::{ACCT}:role/web-role"
VPCE = "vpce-0proxy00000000001"
ARNS = ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]


def _policy(kind: str, effect: str, principal: bool) -> CompiledPolicy:
    stmt: dict[str, Any] = {"Effect": effect, "Action": "s3:GetObject", "Resource": ARNS}
    if principal:
        stmt["Principal"] = "*"
    return compile_policy({"Version": "2012-10-17", "Statement": [stmt]}, name=f"{kind} {effect}", kind=kind)


ENDPOINTS = [None, (VPCE, None), (VPCE, _policy("endpoint", "Allow", True)), (VPCE, _policy("endpoint", "Deny", True))]
BUCKETS = [None, _policy("bucket", "Allow", True), _policy("bucket", "Deny", True)]
IDENTITIES: list[list[CompiledPolicy]] = [[], [_policy("identity", "Allow", False)],
                                          [_policy("identity", "Deny", False)]]
CTX = RequestContext.build(principal_arn=f"arn:aws:sts::{ACCT}:assumed-role/web-role/i-0abc",
                           action="s3:GetObject", resource="arn:aws:s3:::app-data/k",
                           keys={"aws:SourceVpce": VPCE})
ALLOW_ALL = compile_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, name="all",
                           kind="identity")


def _layers(endpoint: Any, bucket: Any, identity: Any, owner: str, **more: Any) -> PolicyLayers:
    return PolicyLayers(endpoint=EndpointLayer(*endpoint) if endpoint else None,
                        resource=ResourceLayer("app-data", owner, bucket), identity=IdentityLayer(ROLE, identity),
                        **more)


@pytest.mark.parametrize("owner", [ACCT, OTHER], ids=["same-account", "cross-account"])
def test_positional_adapter_decides_exactly_as_the_named_layers(owner: str) -> None:
    """Every combination of endpoint gate, bucket policy and identity policy, same- and cross-account."""
    decisions = set()
    for endpoint, bucket, identity in itertools.product(ENDPOINTS, BUCKETS, IDENTITIES):
        old = decide_s3_access(CTX, endpoint=endpoint, bucket=("app-data", owner, bucket), identity=(ROLE, identity))
        new = decide_access(CTX, _layers(endpoint, bucket, identity, owner))
        assert old == new
        decisions.add((new.allowed, new.code))
    assert len(decisions) >= 3  # the grid really exercises allows and several refusals


def test_unset_future_layers_decide_as_before() -> None:
    """None means the layer is not in play (no boundary, no organisation), so nothing changes."""
    layers = _layers(None, None, [_policy("identity", "Allow", False)], ACCT, boundary=None, scps=None)
    assert layers.unsupported() == [] and decide_access(CTX, layers).allowed
