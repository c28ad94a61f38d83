"""Size profiles of synthetic estates: how many accounts, regions, VPCs, instances and buckets.

The figures are chosen so the generated estate lands near the counts issue #7 names (``large``: 20 accounts ×
4 regions, ~20k instances, ~5k subnets, ~2k route tables, ~500 endpoints, ~2k buckets). Shares are
probabilities drawn with the seeded generator, so one (profile, seed) always gives the same estate.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

# The first region hosts the central proxy that cross-region VPCs use over inter-region peering (the
# article's Tokyo-clients / Osaka-proxy shape).
REGIONS = (
    "ap-northeast-3", "ap-northeast-1", "us-east-1", "eu-west-1",
    "us-west-2", "eu-central-1", "ap-southeast-2", "ca-central-1",
)
AZ_SUFFIXES = ("a", "b", "c", "d")


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    accounts: int  # including the network account that owns the proxies and transit gateways
    regions: int
    vpcs_per_cell: int  # client VPCs per (application account, region)
    azs: int
    instances_per_vpc: int
    buckets_per_cell: int  # per (application account, region)
    gateway_endpoint_share: float = 0.9  # client VPCs with an S3 gateway endpoint
    interface_endpoint_share: float = 0.25  # client VPCs with ssm/ssmmessages/ec2messages/sts/logs endpoints
    tgw_share: float = 0.75  # client VPCs reaching the regional proxy through the transit gateway (else peering)
    nat_share: float = 0.4  # client VPCs with a NAT gateway for direct internet egress
    cross_region_share: float = 0.15  # VPCs outside the first region that also peer with its proxy VPC
    proxy_s3_endpoint_share: float = 0.5  # regional proxy VPCs with their own S3 gateway endpoint
    missing_tgw_route_share: float = 0.03  # attachments whose VPC route was forgotten in the TGW table
    restricted_acl_share: float = 0.05  # VPCs whose batch subnets have an ACL refusing the proxy port
    central_egress_share: float = 0.6  # TGW-attached VPCs without a NAT that egress through the hub's NAT
    missing_attachment_az_share: float = 0.05  # attachments without a subnet in the last zone
    tgw_acl_share: float = 0.1  # central-egress VPCs whose attachment subnets refuse HTTPS from the data tier
    perimeter_endpoint_share: float = 0.35  # default-policy client S3 endpoints given the data-perimeter policy


PROFILES: dict[str, Profile] = {
    "tiny": Profile("tiny", accounts=3, regions=2, vpcs_per_cell=1, azs=2, instances_per_vpc=20, buckets_per_cell=4),
    "small": Profile("small", accounts=4, regions=2, vpcs_per_cell=2, azs=2, instances_per_vpc=84,
                     buckets_per_cell=12),
    "large": Profile("large", accounts=20, regions=4, vpcs_per_cell=3, azs=3, instances_per_vpc=88,
                     buckets_per_cell=26),
    "xl": Profile("xl", accounts=40, regions=6, vpcs_per_cell=3, azs=3, instances_per_vpc=143,
                  buckets_per_cell=26),
}


def profile_for(size: str | dict[str, Any]) -> Profile:
    """A named profile, or a dict: ``{"base": "small", "accounts": 6, …}`` overrides a named one."""
    if isinstance(size, str):
        if size not in PROFILES:
            raise ValueError(f"unknown estate size {size!r}; choose one of {', '.join(PROFILES)}")
        return PROFILES[size]
    overrides = dict(size)
    base = PROFILES[str(overrides.pop("base", "small"))]
    known = {f.name for f in fields(Profile)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown estate size keys: {', '.join(sorted(unknown))}")
    overrides.setdefault("name", "custom")
    profile = replace(base, **overrides)
    if not 1 <= profile.regions <= len(REGIONS) or not 1 <= profile.azs <= len(AZ_SUFFIXES):
        raise ValueError(f"regions must be 1–{len(REGIONS)} and azs 1–{len(AZ_SUFFIXES)}")
    if profile.accounts < 2:
        raise ValueError("an estate needs a network account and at least one application account")
    return profile
