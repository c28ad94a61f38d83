"""Collecting the article's estate from an AWS emulator (moto server on 127.0.0.1), through the production boto3
code path: the snapshot holds what was seeded, and the engine answers the ten cases as on the bundled estate.

The estate (engine/collect/seed_demo.py) spans two accounts reached with --role-arn (STS AssumeRole) and two
regions: the Osaka shared-proxy VPC with its restrictive S3 gateway endpoint, Osaka and Tokyo client VPCs with
their own endpoints, inter-region and cross-account peering, the proxy's name in a private hosted zone.
"""

from __future__ import annotations

import json

import pytest

from engine import Engine
from engine.collect.collector import collect
from engine.estates import CASES, NETWORK_ACCOUNT, OSAKA, TOKYO
from engine.model import Snapshot
from engine.snapshot import dump_snapshot, load_from
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401

APP = "444455556666"


def _by_name(snap: Snapshot, name: str):  # type: ignore[no-untyped-def]
    return next(i for i in snap.instances if i.name == name)


def test_collection_holds_the_seeded_estate_with_complete_coverage(emulator: Emulator, collected: Collected) -> None:
    """Every seeded resource is in the snapshot with its AWS id, region and account; both accounts and both
    regions are covered completely (no gap), plus each account's global services (IAM, S3, Route 53)."""
    snap, ids = collected.result.snapshot, emulator.estate.ids
    assert snap.source == "collect" and snap.regions == sorted([OSAKA, TOKYO])
    assert {(c.account_id, c.region, c.complete) for c in snap.coverage} == {
        (a, r, True) for a in (NETWORK_ACCOUNT, APP) for r in (OSAKA, TOKYO, "global")}
    vpcs = {v.vpc_id: v for v in snap.vpcs}
    assert vpcs[ids["shared-egress-osaka"]].owner_id == NETWORK_ACCOUNT
    assert (vpcs[ids["app-tokyo"]].region, vpcs[ids["app-tokyo"]].cidr_block) == (TOKYO, "10.30.0.0/16")
    rtbs = {t.route_table_id: t for t in snap.route_tables}
    proxy_rt = rtbs[ids["shared-proxy-public-rt"]]
    targets = {r.destination: r.target for r in proxy_rt.routes}
    assert targets["0.0.0.0/0"] == ids["shared-egress-igw"]
    assert targets["10.20.0.0/16"] == ids["pcx-osaka"] and targets["10.30.0.0/16"] == ids["pcx-tokyo"]
    assert ids["shared-egress-s3"] in targets.values()  # the prefix-list route moto adds for the gateway endpoint
    assert [a.subnet_id for a in proxy_rt.associations] == [ids["shared-proxy-public-a"]]
    peerings = {p.vpc_peering_connection_id: p for p in snap.vpc_peering_connections}
    tokyo_pcx = peerings[ids["pcx-tokyo"]]
    assert (tokyo_pcx.requester_vpc_info.region, tokyo_pcx.accepter_vpc_info.region) == (TOKYO, OSAKA)
    assert tokyo_pcx.status.code == "active" and tokyo_pcx.accepter_vpc_info.owner_id == NETWORK_ACCOUNT
    endpoints = {e.vpc_endpoint_id: e for e in snap.vpc_endpoints}
    shared = endpoints[ids["shared-egress-s3"]]
    assert shared.service_name == f"com.amazonaws.{OSAKA}.s3" and shared.route_table_ids == [proxy_rt.route_table_id]
    assert "AllowOnlySharedServicesBuckets" in (shared.policy_document or "")
    assert endpoints[ids["app-tokyo-ssm"]].private_dns_enabled


def test_buckets_zones_and_roles_come_with_region_policy_records_and_policies(
        emulator: Emulator, collected: Collected) -> None:
    """S3: region from GetBucketLocation, policy from GetBucketPolicy (NoSuchBucketPolicy = none).
    Route 53: the private zone's VPC associations across accounts and regions and its A record.
    IAM: instance profiles → roles → inline and attached managed policies."""
    snap, ids = collected.result.snapshot, emulator.estate.ids
    buckets = {b.name: b for b in snap.buckets}
    assert (buckets["app-data"].region, buckets["app-data"].owner_id) == (OSAKA, APP)
    assert ids["app-osaka-s3"] in (buckets["app-data"].policy or "")
    assert buckets["app-data-tokyo"].region == TOKYO
    assert buckets["network-shared-proxy-config"].policy is None
    zone = next(z for z in snap.hosted_zones if z.name == "corp.internal.")
    assert {(v.vpc_id, v.vpc_region) for v in zone.vpcs} == {
        (ids["shared-egress-osaka"], OSAKA), (ids["app-osaka"], OSAKA), (ids["app-tokyo"], TOKYO)}
    proxy = next(r for r in zone.resource_record_sets if r.name == "proxy.corp.internal.")
    assert [v.value for v in proxy.resource_records] == ["10.10.0.10"]
    web = next(r for r in snap.roles if r.role_name == "app-web-role")
    assert {p.policy_name for p in web.role_policy_list} == {"app-data-access"}
    assert [p.policy_name for p in web.attached_policies] == ["session-manager"]
    assert json.loads(web.attached_policies[0].policy_document)["Statement"][0]["Sid"] == "SessionManager"
    profile = _by_name(snap, "web-tokyo-a").iam_instance_profile
    assert profile is not None and profile.arn == f"arn:aws:iam::{APP}:instance-profile/app-web-role"


def test_proxy_settings_are_merged_from_user_data_tags_and_ssm_with_their_source(collected: Collected) -> None:
    """User data (shell, gzipped cloud-config), tags and SSM parameters, later winning: batch-tokyo-b's user data
    has no S3 exclusion, its SSM NO_PROXY has one and wins; each value names where it came from."""
    snap = collected.result.snapshot
    web_osaka = _by_name(snap, "web-osaka-a").proxy_environment
    assert {k: v.source for k, v in web_osaka.items()} == {
        "HTTPS_PROXY": "user-data", "HTTP_PROXY": "user-data", "NO_PROXY": "user-data"}
    assert web_osaka["NO_PROXY"].value == "localhost,127.0.0.1,169.254.169.254,.corp.internal"
    batch_osaka = _by_name(snap, "batch-osaka-b").proxy_environment
    assert batch_osaka["NO_PROXY"].value.endswith(",.amazonaws.com") and batch_osaka["NO_PROXY"].source == "user-data"
    web_tokyo = _by_name(snap, "web-tokyo-a").proxy_environment
    assert {v.source for v in web_tokyo.values()} == {"tag"}
    batch = _by_name(snap, "batch-tokyo-b")
    assert batch.proxy_environment["NO_PROXY"].value.endswith(",.amazonaws.com")
    assert batch.proxy_environment["NO_PROXY"].source == f"ssm:/reachbot/proxy/{batch.instance_id}/NO_PROXY"


def test_proxy_password_is_masked_in_the_snapshot_and_the_store(emulator: Emulator, collected: Collected) -> None:
    """web-osaka-a's user data carries svc-web's proxy password: the snapshot keeps only http://****@host:port."""
    snap = collected.result.snapshot
    value = _by_name(snap, "web-osaka-a").proxy_environment["HTTPS_PROXY"].value
    assert value == "http://****@proxy.corp.internal:3128"
    assert "s3cr3t" not in dump_snapshot(snap)
    assert "s3cr3t" not in load_from_store(emulator, collected.store)


def load_from_store(emulator: Emulator, location: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", emulator.url)
        return dump_snapshot(load_from(location).snapshot)


def test_proxy_instance_is_found_from_the_private_hosted_zone_name(collected: Collected) -> None:
    """Clients name the proxy proxy.corp.internal; the zone associated with their VPC answers 10.10.0.10, the
    squid instance, which is marked as a proxy on the URL's port. Clients are not proxies."""
    snap = collected.result.snapshot
    assert _by_name(snap, "squid-proxy-osaka").proxy_ports == [3128]
    assert all(not i.proxy_ports for i in snap.instances if i.name != "squid-proxy-osaka")


def _article_refuser(emulator: Emulator, n: int) -> str | None:
    ids = emulator.estate.ids
    return {1: ids["shared-egress-s3"], 3: ids["shared-egress-s3"], 7: ids["shared-egress-s3"],
            6: ids["app-osaka-private-rt"], 8: ids["app-tokyo-private-rt"]}.get(n)


@pytest.mark.parametrize("n", [c[0] for c in CASES])
def test_article_case_answers_as_on_the_bundled_estate(
        emulator: Emulator, collected: Collected, article_engine: Engine, n: int) -> None:
    """The ten cases (article-scenarios.md): same verdict, same hop kinds in order, same refusal code, and the
    refusing resource is the collected counterpart of the bundled one (ids differ)."""
    _, src, bucket = next(c for c in CASES if c[0] == n)
    question = f"why can {src} not reach bucket {bucket}"
    engine = emulator.state.setdefault("engine", Engine(collected.result.snapshot, "collected"))
    got, want = engine.ask(question, fixes=False), article_engine.ask(question, fixes=False)
    assert got.verdict == want.verdict
    assert [h.kind for h in got.hops] == [h.kind for h in want.hops]
    assert (got.blocked_by.code if got.blocked_by else None) == (want.blocked_by.code if want.blocked_by else None)
    assert (got.blocked_by.resource if got.blocked_by else None) == _article_refuser(emulator, n)


def test_transit_gateway_attachments_route_tables_and_routes_are_read(emulator: Emulator, collected: Collected) -> None:
    """Attachments with their subnets and association, route tables, routes from SearchTransitGatewayRoutes.
    moto 5.2 returns static routes without their attachment: the route is kept with no target (the engine then
    cannot tell where it leads) rather than guessed."""
    snap, ids = collected.result.snapshot, emulator.estate.ids
    att = next(a for a in snap.transit_gateway_attachments
               if a.transit_gateway_attachment_id == ids["app-tokyo-tgw-attachment"])
    assert (att.resource_type, att.resource_id) == ("vpc", ids["app-tokyo"])
    assert att.subnet_ids == [ids["app-tokyo-private-a"]]
    assert att.appliance_mode_support == "enable"  # Options.ApplianceModeSupport of the VPC-specific call
    assert att.association is not None and att.association.transit_gateway_route_table_id == ids["app-tokyo-tgw-rtb"]
    table = next(t for t in snap.transit_gateway_route_tables
                 if t.transit_gateway_route_table_id == ids["app-tokyo-tgw-rtb"])
    assert {(r.destination_cidr_block, r.state) for r in table.routes} == {
        ("10.99.0.0/16", "active"), ("10.98.0.0/16", "blackhole")}


def test_prefix_lists_nat_and_interfaces(emulator: Emulator, collected: Collected) -> None:
    """AWS-managed prefix lists per region (moto gives every region the same placeholder CIDRs: the engine
    matches them by name and region), a customer-managed list with its entries, the NAT gateway's address."""
    snap, ids = collected.result.snapshot, emulator.estate.ids
    names = {(p.prefix_list_name, p.region) for p in snap.prefix_lists}
    assert {(f"com.amazonaws.{r}.s3", r) for r in (OSAKA, TOKYO)} <= names
    onprem = next(p for p in snap.prefix_lists if p.prefix_list_id == ids["corp-onprem"])
    assert onprem.cidrs == ["192.168.0.0/16"] and onprem.entries_collected and onprem.owner_id == NETWORK_ACCOUNT
    nat = next(n for n in snap.nat_gateways if n.nat_gateway_id == ids["shared-egress-nat"])
    assert nat.subnet_id == ids["shared-proxy-public-a"] and nat.nat_gateway_addresses[0].public_ip
    squid = _by_name(snap, "squid-proxy-osaka")
    eni = next(e for e in snap.network_interfaces if e.network_interface_id == squid.network_interface_ids[0])
    assert eni.private_ip_address == "10.10.0.10" and eni.public_ip == squid.public_ip_address


def test_offline_import_of_the_saved_directory_gives_the_same_snapshot(collected: Collected) -> None:
    """--from-dir replays the same mapping on the saved API output (DIR/<account>/<region>/<Operation>.json):
    the snapshot is the live one, apart from its source and time, and without user-data reads for a later
    incremental collection (files saved by hand need not be of one moment)."""
    from engine.collect.collector import CollectOptions

    offline = collect(CollectOptions(from_dir=str(collected.raw_dir))).snapshot
    live = collected.result.snapshot
    keep = {"source", "taken_at", "accounts", "user_data_reads"}
    assert offline.source == "collect --from-dir"
    assert offline.user_data_reads == [] and live.user_data_reads
    assert offline.model_dump(exclude=keep) == live.model_dump(exclude=keep)
    assert (collected.raw_dir / APP / TOKYO / "DescribeRouteTables.json").is_file()
    assert (collected.raw_dir / APP / "global" / "GetBucketPolicy" / "app-data.json").is_file()


def test_describe_instances_pages_are_all_followed(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """DescribeInstances is always paginated (MaxResults: unpaginated calls draw on EC2's smaller "unfiltered
    and unpaginated" token bucket, EC2 Developer Guide, "Request throttling for the Amazon EC2 API"); with 105
    reservations and pages of 50 the paginator must follow NextToken to the third page."""
    import boto3

    from engine.collect import crawl
    from engine.collect.seed_demo import _assumed
    from tests.collect.emulator import Recorder

    account, region = "777788889999", "eu-west-1"
    session = _assumed(boto3.Session(), emulator.url, account)
    ec2 = session.client("ec2", region_name=region, endpoint_url=emulator.url)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/20")["Subnet"]["SubnetId"]
    for _ in range(105):
        ec2.run_instances(ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1, SubnetId=subnet)
    monkeypatch.setitem(crawl.PAGE_SIZES, "DescribeInstances", 50)
    recorder = Recorder()
    result = collect(emulator.options(recorder, regions=[region],
                                      role_arns=[f"arn:aws:iam::{account}:role/reachbot-collector"]))
    assert len(result.snapshot.instances) == 105
    assert recorder.actions["ec2:DescribeInstances"] == 3
    assert recorder.actions["ec2:DescribeInstanceAttribute"] == 105


def test_vpc_dns_attributes_are_read_with_one_describe_vpc_attribute_call_each(
        emulator: Emulator, collected: Collected) -> None:
    """DescribeVpcAttribute answers one attribute per call (EC2 API reference; VPC user guide, "DNS attributes
    for your VPC"): the seeded VPCs have both true; a VPC whose resolver is switched off reads false, and a
    VPC made by CreateVpc keeps AWS's default enableDnsHostnames=false."""
    import boto3

    from engine.collect.seed_demo import _assumed
    from tests.collect.emulator import Recorder

    assert all(v.enable_dns_support and v.enable_dns_hostnames for v in collected.result.snapshot.vpcs)
    account, region = "777788880000", "eu-west-1"
    session = _assumed(boto3.Session(), emulator.url, account)
    ec2 = session.client("ec2", region_name=region, endpoint_url=emulator.url)
    off = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=off, EnableDnsSupport={"Value": False})
    fresh = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    recorder = Recorder()
    result = collect(emulator.options(recorder, regions=[region],
                                      role_arns=[f"arn:aws:iam::{account}:role/reachbot-collector"]))
    vpcs = {v.vpc_id: v for v in result.snapshot.vpcs}
    assert (vpcs[off].enable_dns_support, vpcs[off].enable_dns_hostnames) == (False, False)
    assert (vpcs[fresh].enable_dns_support, vpcs[fresh].enable_dns_hostnames) == (True, False)
    assert recorder.actions["ec2:DescribeVpcAttribute"] == 2 * len(vpcs)


def test_kms_keys_and_secrets_come_with_their_policies_and_aliases(emulator: Emulator, collected: Collected) -> None:
    """ListKeys → DescribeKey (ARN, state) and GetKeyPolicy (policy name "default", KMS API Reference), with
    ListAliases naming the alias of each key; ListSecrets → GetResourcePolicy (Secrets Manager API Reference).
    Collected per (account, region) where they live, and nowhere else."""
    snap, ids = collected.result.snapshot, emulator.estate.ids
    key = next(k for k in snap.kms_keys if k.arn == ids["app-tokyo-key"])
    assert (key.region, key.account_id, key.key_state, key.aliases) == (TOKYO, APP, "Enabled", ["alias/app-tokyo"])
    assert key.policy is not None and json.loads(key.policy)["Statement"][0]["Sid"] == "EnableIAM"
    secret = next(s for s in snap.secrets if s.arn == ids["app-tokyo-secret"])
    assert (secret.name, secret.region, secret.account_id) == ("app-tokyo/db-pass", TOKYO, APP)
    assert secret.policy is not None and json.loads(secret.policy)["Statement"][0]["Effect"] == "Deny"
    assert collected.recorder.actions["kms:GetKeyPolicy"] >= 1
    assert collected.recorder.actions["secretsmanager:GetResourcePolicy"] >= 1


def test_collected_secret_policy_refuses_the_role_it_denies(emulator: Emulator, collected: Collected) -> None:
    """The seeded secret's policy denies app-web-role: web-tokyo-a's question about it is refused by that
    policy's explicit Deny, which overrides every allow ("Determine who has permissions to your AWS Secrets
    Manager secrets"), and the collected key's policy delegates to IAM, where the role has no kms grant."""
    eng, ids = Engine(collected.result.snapshot, "collected"), emulator.estate.ids
    secret = eng.ask(f"why can web-tokyo-a not reach {ids['app-tokyo-secret']} for secretsmanager:GetSecretValue",
                     fixes=False)
    assert secret.blocked_by is not None and secret.blocked_by.code == "RESOURCE_POLICY_DENY"
    key = eng.ask(f"why can web-tokyo-a not reach {ids['app-tokyo-key']} for kms:Decrypt", fixes=False)
    assert key.blocked_by is not None and key.blocked_by.code == "IDENTITY_POLICY_DENY"
