"""Assemble a whole synthetic estate from the network and workload parts, seeded and reproducible."""

from __future__ import annotations

import gc
import random

from engine import model as m
from engine.estates.builder import EstateBuilder
from engine.estates.synth.central import central_egress_clients, central_egress_hub
from engine.estates.synth.inspection import add_inspection
from engine.estates.synth.network import Addresses, ClientVpc, Hub, build_client_vpc, build_hub
from engine.estates.synth.organization import add_organization, add_partner, add_perimeter
from engine.estates.synth.profiles import REGIONS, Profile
from engine.estates.synth.workloads import account_roles, cell_buckets, vpc_instances

NETWORK_ACCOUNT_NAME = "network-shared"
TEAMS = ("payments", "ledger", "search", "catalog", "checkout", "identity", "media", "analytics", "ml",
         "support", "billing", "risk", "growth", "mobile", "platform", "data", "infra", "security", "ads", "maps")


def accounts_of(p: Profile, seed: int) -> list[tuple[str, str]]:
    """(account id, name): the network account first. Ids are 12 digits, stable for (profile, seed)."""
    out = [(f"{100000000000 + seed % 1000 * 1000:012d}", NETWORK_ACCOUNT_NAME)]
    for k in range(1, p.accounts):
        team = TEAMS[(k - 1) % len(TEAMS)]
        suffix = "" if k <= len(TEAMS) else f"{(k - 1) // len(TEAMS) + 1}"
        out.append((f"{200000000000 + seed % 1000 * 1000 + k * 1000003:012d}", f"{team}{suffix}-prod"))
    return out


def generate(p: Profile, seed: int) -> m.Snapshot:
    # Generation allocates millions of long-lived objects and frees almost none: the cyclic collector's
    # full passes would only re-walk them (a third of the xl build time), so it is paused meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _generate(p, seed)
    finally:
        if paused:
            gc.enable()


def _generate(p: Profile, seed: int) -> m.Snapshot:
    rng = random.Random(f"reachbot-synth:{p.name}:{seed}")
    b = EstateBuilder(source=f"synth:{p.name}:seed={seed}")
    addrs = Addresses()
    accounts = accounts_of(p, seed)
    for account_id, name in accounts:
        b.account(account_id, name)
    network_id = accounts[0][0]
    proxy_role = _proxy_role(b, network_id)
    regions = list(REGIONS[: p.regions])
    hubs = {r: build_hub(b, addrs, rng, p, r, network_id, proxy_role, first=i == 0) for i, r in enumerate(regions)}
    for hub in hubs.values():
        central_egress_hub(b, addrs, hub, network_id)
    roles = {acct: account_roles(b, acct, name) for acct, name in accounts[1:]}
    vpcs: list[ClientVpc] = []
    for acct, name in accounts[1:]:
        for region in regions:
            vpcs += [build_client_vpc(b, addrs, rng, p, hubs, (acct, name, region), j) for j in range(p.vpcs_per_cell)]
    central_egress_clients(b, rng, p, hubs, vpcs)
    for c in vpcs:
        count = max(1, round(p.instances_per_vpc * rng.uniform(0.8, 1.2)))
        vpc_instances(b, rng, c, hubs, roles[c.account], count, addrs.host)
    _buckets(b, rng, p, accounts, regions, vpcs, roles)
    _dns(b, hubs, vpcs, network_id)
    add_inspection(b, addrs, hubs, vpcs)
    org_id = add_organization(b, accounts, seed)
    add_partner(b, regions, seed, [r["batch-role"] for r in roles.values()])
    add_perimeter(b, rng, p, org_id, {c.vpc for c in vpcs})
    return b.build()


def _proxy_role(b: EstateBuilder, network_id: str) -> str:
    return b.role(network_id, "forward-proxy-role", {"proxy-config-read": {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "ReadConfig", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                       "Resource": ["arn:aws:s3:::network-shared-*", "arn:aws:s3:::network-shared-*/*"]}],
    }})


def _buckets(b: EstateBuilder, rng: random.Random, p: Profile, accounts: list[tuple[str, str]], regions: list[str],
             vpcs: list[ClientVpc], roles: dict[str, dict[str, str]]) -> None:
    network_id = accounts[0][0]
    for region in regions:
        b.bucket(f"{NETWORK_ACCOUNT_NAME}-proxy-config-{region}", region, network_id)
    batch_roles = {acct: r["batch-role"] for acct, r in roles.items()}
    by_cell: dict[tuple[str, str], list[ClientVpc]] = {}
    for c in vpcs:
        by_cell.setdefault((c.account, c.region), []).append(c)
    for acct, name in accounts[1:]:
        others = [arn for a, arn in batch_roles.items() if a != acct]
        for region in regions:
            cell_vpcs = by_cell.get((acct, region), [])
            endpoints = [c.s3_endpoint for c in cell_vpcs if c.s3_endpoint]
            cell_buckets(b, rng, (acct, name, region), p.buckets_per_cell, endpoints, [c.vpc for c in cell_vpcs],
                         rng.sample(others, min(6, len(others))))


def _dns(b: EstateBuilder, hubs: dict[str, Hub], vpcs: list[ClientVpc], network_id: str) -> None:
    """One private zone, ``corp.internal``, shared with every VPC, naming each region's proxy."""
    records = {h.proxy_host: h.proxy_ip for h in hubs.values()}
    b.private_zone("corp.internal", [h.vpc for h in hubs.values()] + [c.vpc for c in vpcs], records,
                   account=network_id)
