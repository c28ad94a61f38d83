"""The mapping from API-shaped dicts to the snapshot (PMapper style: pure functions, input shaped like the API
output), the offline directory layout, and what collect promises about the rest of the engine."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import model as m
from engine.collect import map_ec2, map_global
from engine.collect.assemble import assemble
from engine.collect.collector import CollectOptions, collect
from engine.collect.crawl import bucket_region
from engine.collect.raw import RawScope
from engine.errors import CollectionError

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "111122223333"


def test_routes_keep_their_target_kind_state_and_origin() -> None:
    """describe_route_tables: each target in its own field; local and carrier gateways where AWS puts gateway
    ids; blackhole state; propagated routes keep their origin (route priority depends on it)."""
    table = map_ec2.route_tables({"RouteTables": [{
        "RouteTableId": "rtb-1", "VpcId": "vpc-1", "OwnerId": ACCOUNT,
        "Associations": [{"Main": True, "AssociationState": {"State": "associated"}},
                         {"SubnetId": "subnet-old", "AssociationState": {"State": "disassociated"}}],
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
            {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "blackhole"},
            {"DestinationCidrBlock": "10.9.0.0/16", "InstanceId": "i-1", "NetworkInterfaceId": "eni-1"},
            {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"},
            {"DestinationCidrBlock": "172.16.0.0/12", "LocalGatewayId": "lgw-1", "Origin": "CreateRoute"},
        ]}]}, "ap-northeast-1")[0]
    assert [r.target for r in table.routes] == ["local", "vpce-1", "nat-1", "eni-1", "vgw-1", "lgw-1"]
    assert table.routes[2].state == "blackhole" and table.routes[4].origin == "EnableVgwRoutePropagation"
    assert table.is_main and [a.subnet_id for a in table.associations] == [None]


def test_instances_primary_interface_first_and_terminated_ones_left_out() -> None:
    reservations = {"Reservations": [{"OwnerId": ACCOUNT, "Instances": [
        {"InstanceId": "i-1", "VpcId": "vpc-1", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.5",
         "PrivateDnsName": "", "State": {"Name": "running"}, "Tags": [{"Key": "Name", "Value": "web"}],
         "NetworkInterfaces": [{"NetworkInterfaceId": "eni-b", "Attachment": {"DeviceIndex": 1}},
                               {"NetworkInterfaceId": "eni-a", "Attachment": {"DeviceIndex": 0}}]},
        {"InstanceId": "i-2", "State": {"Name": "terminated"}},
    ]}]}
    [inst] = map_ec2.instances(reservations, "ap-northeast-1", {}, {})
    assert inst.network_interface_ids == ["eni-a", "eni-b"] and inst.owner_id == ACCOUNT
    assert inst.private_dns_name is None and inst.name == "web"


def test_interfaces_read_tagset_and_endpoint_types_reachbot_does_not_trace_are_skipped() -> None:
    [eni] = map_ec2.network_interfaces({"NetworkInterfaces": [{
        "NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.5",
        "InterfaceType": "vpc_endpoint", "TagSet": [{"Key": "Name", "Value": "x"}],
        "Association": {"PublicIp": "203.0.113.5"}}]}, "ap-northeast-1")
    assert eni.name == "x" and eni.public_ip == "203.0.113.5" and eni.interface_type == "vpc_endpoint"
    endpoints = map_ec2.vpc_endpoints({"VpcEndpoints": [
        {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Gateway", "VpcId": "vpc-1",
         "ServiceName": "com.amazonaws.ap-northeast-1.s3", "State": "Available", "PolicyDocument": "{}"},
        {"VpcEndpointId": "vpce-2", "VpcEndpointType": "Resource", "VpcId": "vpc-1"},
        {"VpcEndpointId": "vpce-3", "VpcEndpointType": "Interface", "VpcId": "vpc-1",
         "ServiceName": "com.amazonaws.ap-northeast-1.ssm", "State": "deleted"}]}, "ap-northeast-1")
    assert [(e.vpc_endpoint_id, e.state) for e in endpoints] == [("vpce-1", "available")]


@pytest.mark.parametrize(("location", "listed", "region"), [
    ({"LocationConstraint": None}, None, "us-east-1"), ({"LocationConstraint": "EU"}, None, "eu-west-1"),
    ({"LocationConstraint": "ap-northeast-3"}, None, "ap-northeast-3"), (None, "eu-central-1", "eu-central-1"),
    (None, None, None),
])
def test_bucket_region(location: dict[str, str | None] | None, listed: str | None, region: str | None) -> None:
    """S3 API reference, GetBucketLocation: null means us-east-1, "EU" is eu-west-1. When the location cannot be
    read, ListBuckets' BucketRegion (when AWS gives it) is used instead."""
    assert bucket_region(location, listed) == region


def test_global_mapping_decodes_policies_and_route53_escapes() -> None:
    """IAM documents arrive decoded by botocore (a dict) or URL-encoded (raw API); Route 53 returns '*' as \\052."""
    scope = RawScope(ACCOUNT, "global")
    scope.store("ListInstanceProfiles", None, {"InstanceProfiles": [{
        "InstanceProfileName": "p", "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/p",
        "Roles": [{"RoleName": "r", "Arn": f"arn:aws:iam::{ACCOUNT}:role/r", "RoleId": "AROA1"}]}]})
    scope.store("ListRolePolicies", "r", {"PolicyNames": ["inline"]})
    scope.store("GetRolePolicy", "r/inline", {"PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"})
    managed = "arn:aws:iam::aws:policy/m"
    scope.store("ListAttachedRolePolicies", "r", {"AttachedPolicies": [{"PolicyName": "m", "PolicyArn": managed}]})
    scope.store("GetPolicyVersion", managed, {"PolicyVersion": {"Document": {"Version": "2012-10-17"}}})
    [role] = map_global.roles(scope)
    assert json.loads(role.role_policy_list[0].policy_document) == {"Version": "2012-10-17"}
    assert role.attached_policies[0].policy_arn == managed
    assert map_global.dns_name("\\052.corp.internal.") == "*.corp.internal."


def _snapshot(scopes: list[RawScope]) -> m.Snapshot:
    return assemble(scopes, ssm_prefix="/reachbot/proxy", overlay=None, taken_at=datetime(2026, 1, 1, tzinfo=UTC),
                    source="test", accounts=[m.Account(account_id=ACCOUNT)], regions=["ap-northeast-1"])


def test_references_outside_the_collection_become_gaps_so_the_snapshot_still_loads() -> None:
    """A route to a transit gateway in an account that was not collected: the route table's region gets a
    NotCollected gap naming the target, and the engine's consistency check accepts the snapshot."""
    from engine.topology import Topology

    scope = RawScope(ACCOUNT, "ap-northeast-1")
    scope.store("DescribeVpcs", None, {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": ACCOUNT}]})
    scope.store("DescribeRouteTables", None, {"RouteTables": [{
        "RouteTableId": "rtb-1", "VpcId": "vpc-1", "OwnerId": ACCOUNT,
        "Routes": [{"DestinationCidrBlock": "10.8.0.0/16", "TransitGatewayId": "tgw-elsewhere"}]}]})
    snap = _snapshot([scope])
    [coverage] = snap.coverage
    assert not coverage.complete and coverage.gaps == [m.Gap(
        service="ec2", operation="DescribeTransitGateways", error="NotCollected",
        permission="ec2:DescribeTransitGateways", resource="tgw-elsewhere")]
    Topology(snap)


def test_hand_made_directory_names_what_it_lacks(tmp_path: Path) -> None:
    """--from-dir with only some files (saved with the AWS CLI): what is there is read, each missing call is a
    NotSaved gap naming its permission. A list of pages in one file is folded into one response."""
    region = tmp_path / ACCOUNT / "ap-northeast-1"
    region.mkdir(parents=True)
    (region / "DescribeVpcs.json").write_text(json.dumps([
        {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}], "NextToken": "x"},
        {"Vpcs": [{"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}]}]))
    snap = collect(CollectOptions(from_dir=str(tmp_path))).snapshot
    assert [v.vpc_id for v in snap.vpcs] == ["vpc-1", "vpc-2"]
    gaps = {c.region: c.gaps for c in snap.coverage}
    assert {g.error for g in gaps["ap-northeast-1"]} == {"NotSaved"}
    assert m.Gap(service="ec2", operation="DescribeRouteTables", error="NotSaved",
                 permission="ec2:DescribeRouteTables") in gaps["ap-northeast-1"]
    assert {g.permission for g in gaps["global"]} == {"s3:ListAllMyBuckets", "route53:ListHostedZones",
                                                       "iam:ListInstanceProfiles",
                                                       "organizations:DescribeOrganization"}


def test_malformed_saved_file_names_the_file(tmp_path: Path) -> None:
    region = tmp_path / ACCOUNT / "ap-northeast-1"
    region.mkdir(parents=True)
    (region / "DescribeVpcs.json").write_text('{"Vpcs": [')
    with pytest.raises(CollectionError, match=r"DescribeVpcs.json is not valid JSON"):
        collect(CollectOptions(from_dir=str(tmp_path)))


def test_only_engine_collect_imports_boto3() -> None:
    """style.md: engine/ is pure; only engine/collect talks to AWS."""
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        if "collect" in path.relative_to(ROOT / "engine").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] in ("boto3", "botocore") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_answering_path_imports_neither_collect_nor_boto3() -> None:
    """Answering a question (engine, snapshot choice, the ask CLI) must not load engine.collect or boto3."""
    code = ("import sys, engine, engine.snapshot, engine.cli.commands.ask\n"
            "from engine import Engine, load_bundled\n"
            "Engine(load_bundled()).ask('why can web-osaka-a not reach bucket app-data')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('engine.collect', 'boto3', 'botocore'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True).stdout
    assert out.strip() == "[]"


def test_collect_package_init_imports_nothing() -> None:
    """engine.snapshot imports engine.collect.store for s3:// paths; the package itself must stay free of boto3."""
    tree = ast.parse((ROOT / "engine" / "collect" / "__init__.py").read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def test_saved_output_of_an_unexpected_shape_is_a_collection_error(tmp_path: Path) -> None:
    """A hand-edited file lacking a field every real response has: an error naming the account and region."""
    region = tmp_path / ACCOUNT / "ap-northeast-1"
    region.mkdir(parents=True)
    (region / "DescribeVpcs.json").write_text(json.dumps({"Vpcs": [{"VpcId": "vpc-1"}]}))
    with pytest.raises(CollectionError, match=rf"account {ACCOUNT}, ap-northeast-1 is not shaped.*'CidrBlock'"):
        collect(CollectOptions(from_dir=str(tmp_path)))


def test_vpc_dns_attributes_missing_from_a_saved_directory_stay_unrecorded() -> None:
    """DescribeVpcAttribute's ``{"EnableDnsSupport": {"Value": false}}`` becomes False; an attribute that was
    not read (an older saved directory, a refused call) stays None, which the engine answers as unknown,
    never as AWS's usual default (VPC user guide, "DNS attributes for your VPC")."""
    listing = {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}]}
    attrs = {"vpc-1/enableDnsSupport": {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": False}},
             "vpc-1/enableDnsHostnames": {"VpcId": "vpc-1", "EnableDnsHostnames": {"Value": True}}}
    vpcs = {v.vpc_id: v for v in map_ec2.vpcs(listing, "eu-west-1", attrs)}
    assert (vpcs["vpc-1"].enable_dns_support, vpcs["vpc-1"].enable_dns_hostnames) == (False, True)
    assert (vpcs["vpc-2"].enable_dns_support, vpcs["vpc-2"].enable_dns_hostnames) == (None, None)


def test_vpc_attachment_options_and_shared_prefix_list_entries_are_mapped() -> None:
    """DescribeTransitGatewayVpcAttachments gives each VPC attachment's subnets and Options.ApplianceModeSupport
    (EC2 API reference, TransitGatewayVpcAttachment); a RAM-shared prefix list is listed with its owner, and
    when GetManagedPrefixListEntries did not answer for it, it is marked as not collected (recorded
    AWS-shaped responses: moto does not share prefix lists across accounts)."""
    scope = RawScope(ACCOUNT, "ap-northeast-1")
    scope.store("DescribeTransitGatewayAttachments", None, {"TransitGatewayAttachments": [
        {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc",
         "ResourceId": "vpc-1", "State": "pendingAcceptance"},
        {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "ResourceType": "vpc",
         "ResourceId": "vpc-2", "State": "available",
         "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}}]})
    scope.store("DescribeTransitGatewayVpcAttachments", None, {"TransitGatewayVpcAttachments": [
        {"TransitGatewayAttachmentId": "tgw-attach-2", "SubnetIds": ["subnet-a", "subnet-b"],
         "Options": {"DnsSupport": "enable", "ApplianceModeSupport": "enable"}}]})
    scope.store("DescribeManagedPrefixLists", None, {"PrefixLists": [
        {"PrefixListId": "pl-shared", "PrefixListName": "corp-ranges", "OwnerId": "999988887777",
         "State": "create-complete"},
        {"PrefixListId": "pl-own", "PrefixListName": "own", "OwnerId": ACCOUNT, "State": "create-complete"}]})
    scope.store("GetManagedPrefixListEntries", "pl-own", {"Entries": [{"Cidr": "172.16.0.0/12"}]})
    parts = map_ec2.map_region(scope, "/reachbot/proxy")
    atts = {a.transit_gateway_attachment_id: a for a in parts.items["transit_gateway_attachments"]}
    assert (atts["tgw-attach-1"].state, atts["tgw-attach-1"].appliance_mode_support) == ("pendingAcceptance", None)
    assert atts["tgw-attach-2"].subnet_ids == ["subnet-a", "subnet-b"]
    assert atts["tgw-attach-2"].appliance_mode_support == "enable"
    pls = {p.prefix_list_id: p for p in parts.items["prefix_lists"]}
    assert (pls["pl-shared"].owner_id, pls["pl-shared"].entries_collected) == ("999988887777", False)
    assert (pls["pl-own"].cidrs, pls["pl-own"].entries_collected) == (["172.16.0.0/12"], True)


def test_role_tags_and_path_come_from_get_role() -> None:
    """GetRole's Tags become the role's tags (the aws:PrincipalTag/* keys of its sessions, IAM UG global
    condition keys) and its Path is kept (service-linked roles live under /aws-service-role/)."""
    scope = RawScope(ACCOUNT, "global")
    arn = f"arn:aws:iam::{ACCOUNT}:role/app/web-role"
    scope.store("ListInstanceProfiles", None, {"InstanceProfiles": [{
        "InstanceProfileName": "web", "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/web",
        "Roles": [{"RoleName": "web-role", "Arn": arn, "Path": "/app/", "RoleId": "AROAEXAMPLE"}]}]})
    scope.store("GetRole", "web-role", {"Role": {"RoleName": "web-role", "Arn": arn, "Path": "/app/",
                                                 "Tags": [{"Key": "team", "Value": "data"}]}})
    [role] = map_global.roles(scope)
    assert role.path == "/app/" and [(t.key, t.value) for t in role.tags] == [("team", "data")]


def test_shared_vpc_keeps_the_owners_dns_attributes_whoever_lists_it_first() -> None:
    """A VPC shared through RAM is listed by its participants, who cannot read its attributes; the owner's
    copy (with DescribeVpcAttribute's answers) is the one kept (VPC user guide, "Share your VPC")."""
    from engine.collect.assemble import _Items

    bare = m.Vpc(vpc_id="vpc-1", region="eu-west-1", cidr_block="10.0.0.0/16")
    owned = bare.model_copy(update={"enable_dns_support": True, "enable_dns_hostnames": True})
    items = _Items()
    items.add("vpcs", [bare])
    items.add("vpcs", [owned])
    items.add("vpcs", [bare])
    assert items.sorted("vpcs") == [owned]
