"""Issue #11's IAM layers in a synthetic estate: the organisation, its SCPs and a data perimeter.

- The organisation: a root, an ``infrastructure`` OU holding the network account and a ``workloads`` OU holding
  every application account; the management account is outside the estate (SCPs do not apply to it). AWS's
  managed ``FullAWSAccess`` SCP is attached at every level (without it at each level nothing is allowed:
  Organizations UG, "SCP evaluation"), and one customer SCP, ``p-guardrails``, on the workloads OU denies
  deleting objects and replacing bucket policies (``SCP_DENY`` for an ``s3:DeleteObject`` question).
- A partner account outside the organisation (collected, so the estate holds its buckets), with one exchange
  bucket per region that grants the organisation's batch roles read access.
- A data perimeter on a share of the application VPCs' S3 gateway endpoints that carried AWS's default policy:
  ``aws:ResourceOrgID`` must be the organisation's id (VPC guide, "Control access to VPC endpoints using
  endpoint policies"; the data-perimeter examples), so the partner's bucket is refused there
  (``ENDPOINT_POLICY_DENY``) while the organisation's own buckets pass.

The permissions boundary of issue #11 is on the analytics role (``workloads.account_roles``).
"""

from __future__ import annotations

import random

from engine.estates.builder import EstateBuilder, policy_text
from engine.estates.synth.profiles import Profile

FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
GUARDRAILS_ID = "p-guardrails"
GUARDRAILS = {"Version": "2012-10-17", "Statement": [{
    "Sid": "NoDeletesNoPolicyChanges", "Effect": "Deny", "Resource": "*",
    "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket", "s3:PutBucketPolicy"]}]}
PERIMETER_SID = "OrganisationBucketsOnly"
PARTNER_NAME = "partner-exchange"
INFRA_OU, WORKLOADS_OU = "ou-synth-infrastructure", "ou-synth-workloads"


def org_id_of(seed: int) -> str:
    return f"o-synth{seed % 100000:05d}"


def partner_account_of(seed: int) -> str:
    return f"{300000000000 + seed % 1000 * 1000:012d}"


def add_organization(b: EstateBuilder, accounts: list[tuple[str, str]], seed: int) -> str:
    """The organisation over ``accounts`` (the network account first); returns its id."""
    org_id = org_id_of(seed)
    network, apps = accounts[0][0], [acct for acct, _ in accounts[1:]]
    paths = {network: [INFRA_OU], **{acct: [WORKLOADS_OU] for acct in apps}}
    attached: dict[str, list[str]] = {"root": ["p-FullAWSAccess"], INFRA_OU: ["p-FullAWSAccess"],
                                      WORKLOADS_OU: ["p-FullAWSAccess", GUARDRAILS_ID]}
    attached |= {acct: ["p-FullAWSAccess"] for acct in paths}
    policies = {"p-FullAWSAccess": ("SERVICE_CONTROL_POLICY", FULL_ACCESS),
                GUARDRAILS_ID: ("SERVICE_CONTROL_POLICY", GUARDRAILS)}
    b.organization(org_id, f"{900000000000 + seed % 1000:012d}", paths, policies, attached)
    return org_id


def add_partner(b: EstateBuilder, regions: list[str], seed: int, batch_roles: list[str]) -> None:
    """The partner's exchange bucket in every region, readable by the organisation's batch roles."""
    account = b.account(partner_account_of(seed), PARTNER_NAME)  # collected (read-only), not a member
    for region in regions:
        name = f"{PARTNER_NAME}-{region}"
        arns = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
        b.bucket(name, region, account, policy={"Version": "2012-10-17", "Statement": [{
            "Sid": "AllowCustomerBatchRead", "Effect": "Allow", "Principal": {"AWS": batch_roles},
            "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": arns}]})


def add_perimeter(b: EstateBuilder, rng: random.Random, p: Profile, org_id: str, client_vpcs: set[str]) -> None:
    """Give a share of the client VPCs' default-policy S3 gateway endpoints the data-perimeter policy (at least
    one, so every estate size shows it)."""
    endpoints = b.items["vpc_endpoints"]
    candidates = [i for i, e in enumerate(endpoints) if e.vpc_endpoint_type == "Gateway" and e.vpc_id in client_vpcs
                  and e.policy_document is None]
    chosen = [i for i in candidates if rng.random() < p.perimeter_endpoint_share] or candidates[:1]
    text = policy_text(perimeter_policy(org_id))
    for i in chosen:
        endpoints[i] = endpoints[i].model_copy(update={"policy_document": text})


def perimeter_policy(org_id: str) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": PERIMETER_SID, "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceOrgID": org_id}}}]}
