"""A hub-and-spoke estate with central egress, collected from the AWS emulator (moto server on 127.0.0.1) and
answered (issue #10): the spoke's default route to the transit gateway, the egress VPC's NAT gateway and
internet gateway, a spoke attachment with a subnet in zone a only, attachment options.

moto 5.2 returns SearchTransitGatewayRoutes' static routes without their TransitGatewayAttachments, which AWS
always includes (EC2 API reference, TransitGatewayRoute); the saved responses are completed in AWS's shape
and imported with ``--from-dir``, so the mapping of everything else is moto's own output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.collect.collector import CollectOptions, collect
from engine.collect.seed_demo import AMI
from tests.collect.emulator import Emulator, emulator_fixture  # noqa: F401

REGION = "eu-west-1"


def _hub(emulator: Emulator) -> dict[str, str]:
    ec2 = emulator.client("ec2", REGION)
    ids: dict[str, str] = {}

    def vpc(name: str, cidr: str) -> str:
        ids[name] = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        return ids[name]

    def subnet(name: str, vpc_id: str, cidr: str, zone: str) -> str:
        ids[name] = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")[
            "Subnet"]["SubnetId"]
        return ids[name]

    def table(name: str, vpc_id: str, subnets: list[str]) -> str:
        ids[name] = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        for s in subnets:
            ec2.associate_route_table(RouteTableId=ids[name], SubnetId=s)
        return ids[name]

    spoke, egress = vpc("spoke", "10.60.0.0/16"), vpc("egress", "10.70.0.0/16")
    spoke_rt = table("spoke-rt", spoke, [subnet("private-a", spoke, "10.60.1.0/24", "a"),
                                         subnet("private-b", spoke, "10.60.2.0/24", "b")])
    subnet("spoke-tgw-a", spoke, "10.60.9.0/28", "a")
    egress_tgw_rt = table("egress-tgw-rt", egress, [subnet("egress-tgw-a", egress, "10.70.0.0/28", "a"),
                                                    subnet("egress-tgw-b", egress, "10.70.0.16/28", "b")])
    public_rt = table("egress-public-rt", egress, [subnet("egress-public-a", egress, "10.70.1.0/24", "a")])
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=egress)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ids["nat"] = ec2.create_nat_gateway(SubnetId=ids["egress-public-a"], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]
    ids["tgw"], ids["tgw-rtb"] = tgw["TransitGatewayId"], tgw["Options"]["AssociationDefaultRouteTableId"]
    ids["spoke-att"] = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"], VpcId=spoke, SubnetIds=[ids["spoke-tgw-a"]],
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ids["egress-att"] = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"], VpcId=egress, SubnetIds=[ids["egress-tgw-a"], ids["egress-tgw-b"]],
        Options={"ApplianceModeSupport": "disable"},
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    for cidr, att in (("0.0.0.0/0", ids["egress-att"]), ("10.60.0.0/16", ids["spoke-att"])):
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw-rtb"], DestinationCidrBlock=cidr,
                                         TransitGatewayAttachmentId=att)
    ec2.create_route(RouteTableId=spoke_rt, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=ids["tgw"])
    ec2.create_route(RouteTableId=egress_tgw_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"])
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="10.60.0.0/16", TransitGatewayId=ids["tgw"])
    for name, ip in (("client-a", "10.60.1.10"), ("client-b", "10.60.2.10")):
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}]
        ids[name] = ec2.run_instances(
            ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
            SubnetId=ids[name.replace("client", "private")], PrivateIpAddress=ip, TagSpecifications=tags,
        )["Instances"][0]["InstanceId"]
    return ids


def _complete_tgw_routes(raw: Path, ids: dict[str, str]) -> None:
    """Give each saved static route the attachment AWS would list with it (see the module docstring)."""
    targets = {"0.0.0.0/0": (ids["egress-att"], ids["egress"]), "10.60.0.0/16": (ids["spoke-att"], ids["spoke"])}
    for path in raw.glob(f"*/{REGION}/SearchTransitGatewayRoutes/*.json"):
        response: dict[str, Any] = json.loads(path.read_text())
        for route in response.get("Routes", []):
            att, vpc = targets[route["DestinationCidrBlock"]]
            if not route.get("TransitGatewayAttachments"):
                route["TransitGatewayAttachments"] = [
                    {"TransitGatewayAttachmentId": att, "ResourceId": vpc, "ResourceType": "vpc"}]
        path.write_text(json.dumps(response))


@pytest.fixture(scope="module")
def hub(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, str]]:
    ids = _hub(emulator)
    raw = tmp_path_factory.mktemp("hub-raw")
    collect(emulator.options(regions=[REGION], role_arns=(), save_raw=str(raw)))
    _complete_tgw_routes(raw, ids)
    snap = collect(CollectOptions(from_dir=str(raw), regions=[REGION])).snapshot
    return Engine(snap, "hub"), ids


def test_collected_hub_holds_attachment_subnets_zones_and_options(hub: tuple[Engine, dict[str, str]]) -> None:
    """DescribeTransitGatewayVpcAttachments: subnets (whose zones DescribeSubnets gives) and
    Options.ApplianceModeSupport; the NAT gateway of the egress VPC with its address."""
    eng, ids = hub
    topo = eng.topology
    spoke, egress = topo.tgw_attachments[ids["spoke-att"]], topo.tgw_attachments[ids["egress-att"]]
    assert spoke.subnet_ids == [ids["spoke-tgw-a"]] and egress.appliance_mode_support == "disable"
    assert {topo.subnets[s].availability_zone for s in egress.subnet_ids} == {f"{REGION}a", f"{REGION}b"}
    assert topo.nats[ids["nat"]].vpc_id == ids["egress"]


def test_collected_spoke_reaches_the_internet_through_the_egress_vpc(hub: tuple[Engine, dict[str, str]]) -> None:
    """Spoke → transit gateway → egress VPC → NAT gateway → internet gateway (Transit Gateway guide, "Example:
    Centralized egress to the internet")."""
    eng, ids = hub
    a = eng.ask("client-a -> tcp://52.94.10.10:443", fixes=False)
    assert a.verdict == "reachable", (a.caveats, a.blocked_by)
    assert [h.id for h in a.hops if h.kind == "nat-gateway"] == [ids["nat"]]


def test_collected_spoke_in_the_zone_its_attachment_lacks_is_refused(hub: tuple[Engine, dict[str, str]]) -> None:
    """The spoke's attachment has no subnet in zone b, so client-b's traffic never reaches the gateway
    ("Amazon VPC attachments in AWS Transit Gateway", Limits); the proven fix adds a zone-b subnet."""
    eng, ids = hub
    a = eng.ask("client-b -> tcp://52.94.10.10:443")
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("TGW_NO_ATTACHMENT_IN_AZ", ids["spoke-att"])
    assert any(f.kind == "tgw_attachment" and f.verified for f in a.fixes)
