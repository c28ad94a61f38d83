"""The workload half of a synthetic estate: roles, instances with proxy environments, buckets and DNS.

Instances take their proxy environment from a few profiles teams really use (uppercase or lowercase
variables, with or without an S3 exclusion in ``NO_PROXY``, or none at all); buckets carry the policies that
make S3 questions interesting (pinned to a VPC endpoint with ``aws:sourceVpce``, TLS only, cross-account
grants). The analytics role (the ops tier's) has a read-only permissions boundary (issue #11).
"""

from __future__ import annotations

import random
from typing import Any

from engine.estates.builder import EstateBuilder
from engine.estates.synth.network import PROXY_PORT, ClientVpc, Hub

BASE_NO_PROXY = "localhost,127.0.0.1,169.254.169.254,.corp.internal"
PROFILE_WEIGHTS = {"standard": 45, "s3-excluded": 20, "s3-regional": 10, "lowercase": 10, "none": 15}
TIER_WEIGHTS = {"web": 25, "app": 33, "batch": 20, "data": 10, "ops": 10, "bastion": 2}
ROLE_OF_TIER = {"web": "web-role", "app": "app-role", "batch": "batch-role", "data": "readonly-role",
                "ops": "analytics-role", "bastion": "ops-role"}
PURPOSES = ("data", "logs", "artifacts", "backups", "reports", "exports", "media", "models")
# The analytics jobs (on the ops tier) may read anything but never write, whatever a team's identity policy
# grants them: a permissions boundary (IAM UG, "Permissions boundaries for IAM entities"; issue #11).
ANALYTICS_BOUNDARY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadOnlyS3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
    {"Sid": "SessionManager", "Effect": "Allow",
     "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"], "Resource": "*"}]}
SSM_STATEMENT = {"Sid": "SessionManager", "Effect": "Allow",
                 "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"], "Resource": "*"}


def proxy_env(profile: str, proxy_host: str, region: str) -> dict[str, str]:
    url = f"http://{proxy_host}:{PROXY_PORT}"
    if profile == "none":
        return {}
    if profile == "lowercase":
        return {"https_proxy": url, "http_proxy": url, "no_proxy": BASE_NO_PROXY + ",169.254.170.2"}
    no_proxy = BASE_NO_PROXY
    if profile == "s3-excluded":
        no_proxy += ",.amazonaws.com"
    elif profile == "s3-regional":
        no_proxy += f",s3.{region}.amazonaws.com,.s3.{region}.amazonaws.com"
    return {"HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": no_proxy}


def _s3_statement(account_name: str, actions: list[str], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    resources = [f"arn:aws:s3:::{account_name}-*", f"arn:aws:s3:::{account_name}-*/*", *extra]
    return {"Sid": "OwnBuckets", "Effect": "Allow", "Action": actions, "Resource": resources}


def account_roles(b: EstateBuilder, account: str, account_name: str) -> dict[str, str]:
    """Role name → ARN; identity policies grant the account's own buckets (by name prefix)."""
    rw = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    docs: dict[str, list[dict[str, Any]]] = {
        "web-role": [_s3_statement(account_name, rw), SSM_STATEMENT],
        "app-role": [_s3_statement(account_name, rw), SSM_STATEMENT],
        "batch-role": [_s3_statement(account_name, ["s3:*"]), SSM_STATEMENT,
                       {"Sid": "ReadAnywhere", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": "*"}],
        "readonly-role": [_s3_statement(account_name, ["s3:GetObject", "s3:ListBucket"]), SSM_STATEMENT],
        "ops-role": [SSM_STATEMENT],
        "analytics-role": [_s3_statement(account_name, rw), SSM_STATEMENT],
    }
    boundaries = {"analytics-role": ANALYTICS_BOUNDARY}
    return {name: b.role(account, name, {f"{name}-access": {"Version": "2012-10-17", "Statement": stmts}},
                         boundary=(f"{name}-boundary", boundaries[name]) if name in boundaries else None)
            for name, stmts in docs.items()}


def vpc_instances(b: EstateBuilder, rng: random.Random, c: ClientVpc, hubs: dict[str, Hub], roles: dict[str, str],
                  count: int, host: Any) -> None:
    """``host(subnet_id)`` hands out the next free address of a subnet."""
    first_hub = next(iter(hubs.values()))
    dominant = _weighted(rng, PROFILE_WEIGHTS)
    tiers = [_weighted(rng, TIER_WEIGHTS) for _ in range(count)]
    for n, tier in enumerate(tiers):
        az = n % len(c.subnets["public"])
        subnet = c.subnets["public" if tier == "bastion" else tier][az]
        hub = first_hub if c.central_peer and rng.random() < 0.7 else hubs[c.region]
        profile = dominant if rng.random() < 0.8 else _weighted(rng, PROFILE_WEIGHTS)
        if tier == "data" and rng.random() < 0.7:
            profile = "none"
        group = c.groups["db" if tier == "data" else "app" if tier == "ops" else tier]
        if tier in ("ops", "app") and rng.random() < 0.05:
            group = c.groups["locked"]
        ip = host(subnet)
        role = roles[ROLE_OF_TIER[tier]] if rng.random() > 0.01 else None
        source = rng.choice(("user-data", "user-data", "user-data", "tag", "ssm:/reachbot/proxy/{instance_id}/{var}"))
        b.instance(subnet, f"{c.account_name}-{tier}-{c.region}-{c.index}-{n:03d}", ip, [group], role_arn=role,
                   public_ip=f"54.{c.index % 250}.{n % 250}.{(n // 250) % 250 + 1}" if tier == "bastion" else None,
                   proxy_env=proxy_env(profile, hub.proxy_host, hub.region), env_source=source,
                   extra_tags={"Tier": tier, "ProxyProfile": profile})


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def cell_buckets(b: EstateBuilder, rng: random.Random, cell: tuple[str, str, str], count: int,
                 endpoints: list[str], vpcs: list[str], other_batch_roles: list[str]) -> None:
    """Buckets of one (account, region), with a realistic spread of bucket policies."""
    account, account_name, region = cell
    for k in range(count):
        name = f"{account_name}-{PURPOSES[k % len(PURPOSES)]}-{region}-{k:02d}"
        kind = rng.choices(("none", "pinned-vpce", "pinned-vpc", "tls-only", "cross-account"),
                           weights=(45, 15, 5, 15, 20))[0]
        policy = _bucket_policy(rng, kind, name, endpoints, vpcs, other_batch_roles)
        b.bucket(name, region, account, policy=policy)


def _bucket_policy(rng: random.Random, kind: str, name: str, endpoints: list[str], vpcs: list[str],
                   roles: list[str]) -> dict[str, Any] | None:
    arns = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
    if kind == "pinned-vpce" and endpoints:
        # The article's bucket: deny everything that does not arrive through this VPC endpoint.
        return _deny_unless(arns, "DenyUnlessFromOurEndpoint", "aws:sourceVpce", rng.choice(endpoints))
    if kind == "pinned-vpc" and vpcs:
        return _deny_unless(arns, "DenyUnlessFromOurVpc", "aws:SourceVpc", rng.choice(vpcs))
    if kind == "tls-only":
        return {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": arns,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    if kind == "cross-account" and roles:
        partners = rng.sample(roles, min(2, len(roles)))
        return {"Version": "2012-10-17", "Statement": [{
            "Sid": "AllowPartnerBatchRead", "Effect": "Allow", "Principal": {"AWS": partners},
            "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": arns}]}
    return None


def _deny_unless(arns: list[str], sid: str, key: str, value: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": arns,
        "Condition": {"StringNotEquals": {key: value}}}]}
