"""EC2 (and SSM) API output of one (account, region) → snapshot objects. Pure: dicts in, models out.

Each function "only needs input shaped like the API output" (PMapper), so recorded JSON replays offline.
Fields are picked one by one rather than validated wholesale: AWS adds response fields over time, and the
snapshot's own format refuses unknown ones (they would be typos in our format, not AWS's news).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from engine import model as m
from engine.collect import incremental, map_kms, map_nfw, map_resolver
from engine.collect import proxy_settings as ps
from engine.collect.crawl import GONE
from engine.collect.raw import RawScope

Api = Mapping[str, Any]
_ORIGINS = ("CreateRouteTable", "CreateRoute", "EnableVgwRoutePropagation")
_ENDPOINT_TYPES = ("Gateway", "Interface", "GatewayLoadBalancer")
_TGW_ATTACHMENT_TYPES = ("vpc", "peering", "vpn", "direct-connect-gateway", "connect")


@dataclass
class RegionParts:
    """Snapshot lists (by snapshot field name) read from one (account, region), and gaps the mapping found."""

    items: dict[str, list[Any]] = field(default_factory=dict)
    gaps: list[m.Gap] = field(default_factory=list)


def map_region(scope: RawScope, ssm_prefix: str) -> RegionParts:
    region, get = scope.region, scope.get
    routes, truncated = tgw_routes(scope.keyed.get("SearchTransitGatewayRoutes", {}))
    params = ps.from_parameters(get("GetParametersByPath").get("Parameters", []), ssm_prefix)
    user_data = user_data_layers(scope)
    items: dict[str, list[Any]] = {
        "vpcs": vpcs(get("DescribeVpcs"), region, scope.keyed.get("DescribeVpcAttribute", {})),
        "subnets": subnets(get("DescribeSubnets"), region),
        "route_tables": route_tables(get("DescribeRouteTables"), region),
        "internet_gateways": internet_gateways(get("DescribeInternetGateways"), region),
        "nat_gateways": nat_gateways(get("DescribeNatGateways"), region),
        "vpc_peering_connections": peering_connections(get("DescribeVpcPeeringConnections"), region),
        "transit_gateways": transit_gateways(get("DescribeTransitGateways"), region),
        "transit_gateway_attachments": tgw_attachments(
            get("DescribeTransitGatewayAttachments"), get("DescribeTransitGatewayVpcAttachments"), region),
        "transit_gateway_route_tables": tgw_route_tables(get("DescribeTransitGatewayRouteTables"), routes, region),
        "vpc_endpoints": vpc_endpoints(get("DescribeVpcEndpoints"), region),
        "network_interfaces": network_interfaces(get("DescribeNetworkInterfaces"), region),
        "instances": instances(get("DescribeInstances"), region, user_data, params),
        "security_groups": security_groups(get("DescribeSecurityGroups"), region),
        "network_acls": network_acls(get("DescribeNetworkAcls"), region),
        "prefix_lists": prefix_lists(get("DescribePrefixLists"), get("DescribeManagedPrefixLists"),
                                     scope.keyed.get("GetManagedPrefixListEntries", {}), region),
    }
    items |= map_nfw.region_items(scope.keyed, region)
    items |= map_resolver.region_items(scope.responses, scope.keyed, scope.account, region)
    items |= map_kms.region_items(scope.responses, scope.keyed, region)
    items["user_data_reads"] = user_data_reads(scope, get("DescribeInstances"), user_data)
    gaps = [m.Gap(service="ec2", operation="SearchTransitGatewayRoutes", error="AdditionalRoutesAvailable",
                  permission="ec2:SearchTransitGatewayRoutes", resource=t) for t in truncated]
    return RegionParts(items, gaps)


def tags(items: Iterable[Api] | None) -> list[m.Tag]:
    return [m.Tag(key=t["Key"], value=t.get("Value", "")) for t in items or [] if "Key" in t]


def _state(item: Api) -> str:
    state = item.get("State")
    return str(state.get("Name", "") if isinstance(state, Mapping) else state or "")


# --- VPCs, subnets, routes ---------------------------------------------------------------------------------


def vpcs(resp: Api, region: str, attributes: Mapping[str, Api] | None = None) -> list[m.Vpc]:
    """``attributes``: DescribeVpcAttribute responses keyed ``<vpc-id>/<attribute>``; one that is missing (a
    refused call, an older saved directory) stays None in the snapshot, which the engine reads as unknown."""
    out = []
    for v in resp.get("Vpcs", []):
        assoc = [m.CidrBlockAssociation(cidr_block=a["CidrBlock"]) for a in v.get("CidrBlockAssociationSet", [])
                 if a.get("CidrBlockState", {}).get("State", "associated") == "associated"]
        out.append(m.Vpc(vpc_id=v["VpcId"], owner_id=v.get("OwnerId"), region=region, cidr_block=v["CidrBlock"],
                         cidr_block_association_set=assoc, is_default=bool(v.get("IsDefault")),
                         enable_dns_support=_vpc_attribute(attributes, v["VpcId"], "EnableDnsSupport"),
                         enable_dns_hostnames=_vpc_attribute(attributes, v["VpcId"], "EnableDnsHostnames"),
                         tags=tags(v.get("Tags"))))
    return out


def _vpc_attribute(attributes: Mapping[str, Api] | None, vpc_id: str, field: str) -> bool | None:
    """``{"EnableDnsSupport": {"Value": true}}`` (DescribeVpcAttribute's answer) → True; absent → None."""
    resp = (attributes or {}).get(f"{vpc_id}/{field[0].lower()}{field[1:]}") or {}
    value = resp.get(field, {}).get("Value")
    return bool(value) if value is not None else None


def subnets(resp: Api, region: str) -> list[m.Subnet]:
    # IPv6-only subnets have no CidrBlock; reachbot reasons about IPv4, so they are left out.
    return [
        m.Subnet(subnet_id=s["SubnetId"], vpc_id=s["VpcId"], region=region, cidr_block=s["CidrBlock"],
                 availability_zone=s.get("AvailabilityZone"),
                 map_public_ip_on_launch=bool(s.get("MapPublicIpOnLaunch")),
                 owner_id=s.get("OwnerId"), tags=tags(s.get("Tags")))
        for s in resp.get("Subnets", []) if s.get("CidrBlock")
    ]


def route(r: Api) -> m.Route:
    origin = r.get("Origin") if r.get("Origin") in _ORIGINS else "CreateRoute"
    # Local and carrier gateways and Cloud WAN core networks have no field of their own in the snapshot:
    # their id goes where AWS puts gateway ids, and reasoning stops there ("cannot see past it").
    gateway = r.get("GatewayId") or r.get("LocalGatewayId") or r.get("CarrierGatewayId") or r.get("CoreNetworkArn")
    return m.Route(
        destination_cidr_block=r.get("DestinationCidrBlock"),
        destination_ipv6_cidr_block=r.get("DestinationIpv6CidrBlock"),
        destination_prefix_list_id=r.get("DestinationPrefixListId"),
        gateway_id=gateway, nat_gateway_id=r.get("NatGatewayId"), transit_gateway_id=r.get("TransitGatewayId"),
        vpc_peering_connection_id=r.get("VpcPeeringConnectionId"), network_interface_id=r.get("NetworkInterfaceId"),
        instance_id=r.get("InstanceId"), egress_only_internet_gateway_id=r.get("EgressOnlyInternetGatewayId"),
        state="blackhole" if r.get("State") == "blackhole" else "active",
        origin=cast(Literal["CreateRouteTable", "CreateRoute", "EnableVgwRoutePropagation"], origin),
    )


def route_tables(resp: Api, region: str) -> list[m.RouteTable]:
    out = []
    for t in resp.get("RouteTables", []):
        assoc = [
            m.RouteTableAssociation(route_table_association_id=a.get("RouteTableAssociationId"),
                                    subnet_id=a.get("SubnetId"), gateway_id=a.get("GatewayId"),
                                    main=bool(a.get("Main")))
            for a in t.get("Associations", [])
            if a.get("AssociationState", {}).get("State", "associated") == "associated"
        ]
        out.append(m.RouteTable(route_table_id=t["RouteTableId"], vpc_id=t["VpcId"], region=region,
                                owner_id=t.get("OwnerId"), associations=assoc,
                                routes=[route(r) for r in t.get("Routes", [])], tags=tags(t.get("Tags"))))
    return out


def prefix_lists(service: Api, managed: Api, entries: Mapping[str, Api], region: str) -> list[m.PrefixList]:
    """AWS service lists with their CIDRs, and managed lists with their entries, one object per id."""
    found: dict[str, m.PrefixList] = {}
    for p in service.get("PrefixLists", []):
        found[p["PrefixListId"]] = m.PrefixList(prefix_list_id=p["PrefixListId"], prefix_list_name=p["PrefixListName"],
                                                region=region, cidrs=list(p.get("Cidrs", [])))
    for p in managed.get("PrefixLists", []):
        pid = p["PrefixListId"]
        cidrs = [e["Cidr"] for e in (entries.get(pid) or {}).get("Entries", []) if e.get("Cidr")]
        if pid in found and found[pid].cidrs:
            continue
        # A list shared through RAM is listed with its owner's account; when its entries could not be read
        # (GetManagedPrefixListEntries failed), a route or rule naming it cannot be judged.
        found[pid] = m.PrefixList(prefix_list_id=pid, prefix_list_name=p.get("PrefixListName") or pid, region=region,
                                  cidrs=cidrs, owner_id=p.get("OwnerId"), entries_collected=pid in entries)
    return list(found.values())


# --- gateways, peering, transit gateways, endpoints ---------------------------------------------------------


def internet_gateways(resp: Api, region: str) -> list[m.InternetGateway]:
    return [
        m.InternetGateway(internet_gateway_id=g["InternetGatewayId"], region=region, owner_id=g.get("OwnerId"),
                          attachments=[m.InternetGatewayAttachment(vpc_id=a["VpcId"], state=a.get("State", "available"))
                                       for a in g.get("Attachments", []) if a.get("VpcId")],
                          tags=tags(g.get("Tags")))
        for g in resp.get("InternetGateways", [])
    ]


def nat_gateways(resp: Api, region: str) -> list[m.NatGateway]:
    # Deleted and failed NAT gateways stay listed for a while; they are kept so that the blackhole routes still
    # pointing at them resolve to something (the route's own state says it no longer works).
    return [
        m.NatGateway(
            nat_gateway_id=n["NatGatewayId"], vpc_id=n["VpcId"], subnet_id=n["SubnetId"], region=region,
            state=n.get("State", "available"),
            connectivity_type="private" if n.get("ConnectivityType") == "private" else "public",
            nat_gateway_addresses=[
                m.NatGatewayAddress(public_ip=a.get("PublicIp"), private_ip=a.get("PrivateIp"),
                                    network_interface_id=a.get("NetworkInterfaceId"),
                                    allocation_id=a.get("AllocationId"))
                for a in n.get("NatGatewayAddresses", [])
            ],
            tags=tags(n.get("Tags")),
        )
        for n in resp.get("NatGateways", []) if n.get("VpcId") and n.get("SubnetId")
    ]


def peering_connections(resp: Api, region: str) -> list[m.VpcPeeringConnection]:
    def info(i: Api) -> m.PeeringVpcInfo:
        return m.PeeringVpcInfo(vpc_id=i["VpcId"], owner_id=i.get("OwnerId"), region=i.get("Region") or region,
                                cidr_block=i.get("CidrBlock"))

    out = []
    for p in resp.get("VpcPeeringConnections", []):
        requester, accepter = p.get("RequesterVpcInfo", {}), p.get("AccepterVpcInfo", {})
        if not requester.get("VpcId") or not accepter.get("VpcId"):
            continue
        status = p.get("Status", {})
        out.append(m.VpcPeeringConnection(
            vpc_peering_connection_id=p["VpcPeeringConnectionId"], requester_vpc_info=info(requester),
            accepter_vpc_info=info(accepter),
            status=m.PeeringStatus(code=status.get("Code", "active"), message=status.get("Message") or None),
            region=requester.get("Region") or region, tags=tags(p.get("Tags")),
        ))
    return out


def transit_gateways(resp: Api, region: str) -> list[m.TransitGateway]:
    return [
        m.TransitGateway(transit_gateway_id=t["TransitGatewayId"], region=region, owner_id=t.get("OwnerId"),
                         state=t.get("State", "available"), tags=tags(t.get("Tags")))
        for t in resp.get("TransitGateways", []) if t.get("State") not in GONE
    ]


def tgw_attachments(resp: Api, vpc_resp: Api, region: str) -> list[m.TransitGatewayAttachment]:
    """DescribeTransitGatewayAttachments, with the subnets of VPC attachments from the VPC-specific call."""
    vpc_atts = {a["TransitGatewayAttachmentId"]: a for a in vpc_resp.get("TransitGatewayVpcAttachments", [])}
    out = []
    for a in resp.get("TransitGatewayAttachments", []):
        kind = a.get("ResourceType", "vpc")
        if kind not in _TGW_ATTACHMENT_TYPES or a.get("State") in GONE:
            continue
        assoc = a.get("Association") or {}
        out.append(m.TransitGatewayAttachment(
            transit_gateway_attachment_id=a["TransitGatewayAttachmentId"], transit_gateway_id=a["TransitGatewayId"],
            region=region, resource_type=kind, resource_id=a.get("ResourceId"),
            subnet_ids=list(vpc_atts.get(a["TransitGatewayAttachmentId"], {}).get("SubnetIds", [])),
            appliance_mode_support=_appliance_mode(vpc_atts.get(a["TransitGatewayAttachmentId"])),
            state=a.get("State", "available"),
            association=m.TgwAssociation(transit_gateway_route_table_id=assoc["TransitGatewayRouteTableId"],
                                         state=assoc.get("State", "associated"))
            if assoc.get("TransitGatewayRouteTableId") else None,
            tags=tags(a.get("Tags")),
        ))
    return out


def _appliance_mode(vpc_att: Api | None) -> Literal["enable", "disable"] | None:
    """Options.ApplianceModeSupport of a VPC attachment; None when the VPC-specific call did not list it."""
    if vpc_att is None:
        return None
    return "enable" if (vpc_att.get("Options") or {}).get("ApplianceModeSupport") == "enable" else "disable"


def tgw_routes(searches: Mapping[str, Api]) -> tuple[dict[str, list[m.TransitGatewayRoute]], list[str]]:
    """SearchTransitGatewayRoutes per route table → routes, and the tables whose answer was truncated.

    moto 5.2 returns static routes without their TransitGatewayAttachments: such a route is kept without a
    target, and the engine says it cannot tell where it leads rather than guessing."""
    routes: dict[str, list[m.TransitGatewayRoute]] = {}
    truncated = []
    for table_id, resp in searches.items():
        if resp.get("AdditionalRoutesAvailable"):
            truncated.append(table_id)
        routes[table_id] = [
            m.TransitGatewayRoute(
                destination_cidr_block=r.get("DestinationCidrBlock"), prefix_list_id=r.get("PrefixListId"),
                transit_gateway_attachments=[
                    m.TgwRouteAttachment(transit_gateway_attachment_id=a.get("TransitGatewayAttachmentId"),
                                         resource_id=a.get("ResourceId"), resource_type=a.get("ResourceType"))
                    for a in r.get("TransitGatewayAttachments", [])
                ],
                type="propagated" if r.get("Type") == "propagated" else "static",
                state="blackhole" if r.get("State") == "blackhole" else "active",
            )
            for r in resp.get("Routes", []) if r.get("State") in ("active", "blackhole")
        ]
    return routes, truncated


def tgw_route_tables(resp: Api, routes: Mapping[str, list[m.TransitGatewayRoute]],
                     region: str) -> list[m.TransitGatewayRouteTable]:
    return [
        m.TransitGatewayRouteTable(
            transit_gateway_route_table_id=t["TransitGatewayRouteTableId"], transit_gateway_id=t["TransitGatewayId"],
            region=region, routes=routes.get(t["TransitGatewayRouteTableId"], []), tags=tags(t.get("Tags")))
        for t in resp.get("TransitGatewayRouteTables", []) if t.get("State") not in GONE
    ]


def vpc_endpoints(resp: Api, region: str) -> list[m.VpcEndpoint]:
    # Resource and service-network endpoints (VPC Lattice) carry no ServiceName: reachbot does not trace them.
    return [
        m.VpcEndpoint(
            vpc_endpoint_id=e["VpcEndpointId"], vpc_endpoint_type=e["VpcEndpointType"], vpc_id=e["VpcId"],
            service_name=e["ServiceName"], region=region, owner_id=e.get("OwnerId"),
            state=str(e.get("State", "available")).lower(), policy_document=e.get("PolicyDocument") or None,
            route_table_ids=list(e.get("RouteTableIds", [])), subnet_ids=list(e.get("SubnetIds", [])),
            network_interface_ids=list(e.get("NetworkInterfaceIds", [])),
            groups=_groups(e.get("Groups")),
            private_dns_enabled=bool(e.get("PrivateDnsEnabled")),
            dns_entries=[m.DnsEntry(dns_name=d["DnsName"], hosted_zone_id=d.get("HostedZoneId"))
                         for d in e.get("DnsEntries", []) if d.get("DnsName")],
            tags=tags(e.get("Tags")),
        )
        for e in resp.get("VpcEndpoints", [])
        if e.get("VpcEndpointType") in _ENDPOINT_TYPES and e.get("ServiceName") and e.get("VpcId")
        and str(e.get("State", "")).lower() not in GONE
    ]


# --- interfaces, instances, filters --------------------------------------------------------------------------


def _association(a: Api | None) -> m.EniAssociation | None:
    if not a or not (a.get("PublicIp") or a.get("PublicDnsName")):
        return None
    return m.EniAssociation(public_ip=a.get("PublicIp"), public_dns_name=a.get("PublicDnsName") or None)


def _groups(items: Iterable[Api] | None) -> list[m.GroupIdentifier]:
    return [m.GroupIdentifier(group_id=g["GroupId"], group_name=g.get("GroupName")) for g in items or []]


def network_interfaces(resp: Api, region: str) -> list[m.NetworkInterface]:
    out = []
    for n in resp.get("NetworkInterfaces", []):
        if not (n.get("SubnetId") and n.get("VpcId") and n.get("PrivateIpAddress")):
            continue
        att = n.get("Attachment") or {}
        out.append(m.NetworkInterface(
            network_interface_id=n["NetworkInterfaceId"], subnet_id=n["SubnetId"], vpc_id=n["VpcId"], region=region,
            private_ip_address=n["PrivateIpAddress"],
            private_ip_addresses=[
                m.PrivateIpAddress(private_ip_address=p["PrivateIpAddress"], primary=bool(p.get("Primary")),
                                   association=_association(p.get("Association")))
                for p in n.get("PrivateIpAddresses", []) if p.get("PrivateIpAddress")
            ],
            association=_association(n.get("Association")),
            attachment=m.EniAttachment(instance_id=att.get("InstanceId"), device_index=att.get("DeviceIndex"))
            if att else None,
            groups=_groups(n.get("Groups")), interface_type=n.get("InterfaceType") or "interface",
            source_dest_check=n.get("SourceDestCheck", True) is not False, owner_id=n.get("OwnerId"),
            tags=tags(n.get("TagSet") or n.get("Tags")),  # ENIs call their tags TagSet
        ))
    return out


def user_data_layers(scope: RawScope) -> dict[str, dict[str, str]]:
    """Instance id → the proxy variables its user data sets (credentials masked): read now, or reused from the
    previous snapshot (engine/collect/incremental.py). An instance whose read failed is absent (its gap)."""
    layers = {iid: {k: ps.mask(v) for k, v in ps.from_user_data((r.get("UserData") or {}).get("Value")).items()}
              for iid, r in scope.keyed.get("DescribeInstanceAttribute", {}).items()}
    layers |= {iid: dict(read.values) for iid, read in scope.reused.items()}
    return layers


def user_data_reads(scope: RawScope, resp: Api, layers: Mapping[str, Mapping[str, str]]) -> list[m.UserDataRead]:
    """What the next collection may reuse: the reads made now of running instances, and the reused ones. A
    saved directory gives none: its files, perhaps saved by hand, need not be of one moment."""
    out: list[m.UserDataRead] = []
    if scope.read_at is None:
        return out
    for reservation in resp.get("Reservations", []):
        for i in reservation.get("Instances", []):
            iid = i.get("InstanceId")
            if iid in scope.reused:
                out.append(scope.reused[iid])
            elif iid in layers and (read := incremental.record(i, dict(layers[iid]), scope.read_at)) is not None:
                out.append(read)
    return out


def instances(resp: Api, region: str, user_data: Mapping[str, Mapping[str, str]],
              params: Mapping[str, Mapping[str, tuple[str, str]]]) -> list[m.Instance]:
    out = []
    for reservation in resp.get("Reservations", []):
        for i in reservation.get("Instances", []):
            if _state(i) in GONE or not (i.get("VpcId") and i.get("SubnetId") and i.get("PrivateIpAddress")):
                continue
            enis = sorted(i.get("NetworkInterfaces", []),
                          key=lambda n: (n.get("Attachment") or {}).get("DeviceIndex", 0))
            profile = i.get("IamInstanceProfile")
            inst = m.Instance(
                instance_id=i["InstanceId"], region=region, owner_id=reservation.get("OwnerId") or i.get("OwnerId"),
                vpc_id=i["VpcId"], subnet_id=i["SubnetId"], private_ip_address=i["PrivateIpAddress"],
                public_ip_address=i.get("PublicIpAddress") or None, private_dns_name=i.get("PrivateDnsName") or None,
                network_interface_ids=[n["NetworkInterfaceId"] for n in enis],
                security_groups=_groups(i.get("SecurityGroups")),
                iam_instance_profile=m.IamInstanceProfile(arn=profile["Arn"], id=profile.get("Id"))
                if profile else None,
                state=m.InstanceState(name=_state(i) or "running"), tags=tags(i.get("Tags")),
            )
            out.append(inst.model_copy(update={"proxy_environment": proxy_environment(inst, user_data, params)}))
    return out


def proxy_environment(inst: m.Instance, user_data: Mapping[str, Mapping[str, str]],
                      params: Mapping[str, Mapping[str, tuple[str, str]]]) -> dict[str, m.ProxyValue]:
    """User data, then tags, then SSM parameters (later wins); the overlay is applied after assembly."""
    layers: list[tuple[str, Mapping[str, str | None]]] = [
        ("user-data", user_data.get(inst.instance_id, {})),
        ("tag", ps.from_tags(inst.tags)),
    ]
    layers += [(f"ssm:{name}", {var: value}) for var, (value, name) in params.get(inst.instance_id, {}).items()]
    return ps.merge(layers)


def _permission(p: Api) -> m.IpPermission:
    return m.IpPermission(
        ip_protocol=str(p.get("IpProtocol", "-1")), from_port=p.get("FromPort"), to_port=p.get("ToPort"),
        ip_ranges=[m.IpRange(cidr_ip=r["CidrIp"], description=r.get("Description")) for r in p.get("IpRanges", [])],
        ipv6_ranges=[m.Ipv6Range(cidr_ipv6=r["CidrIpv6"]) for r in p.get("Ipv6Ranges", [])],
        prefix_list_ids=[m.PrefixListIdRef(prefix_list_id=r["PrefixListId"]) for r in p.get("PrefixListIds", [])],
        user_id_group_pairs=[m.UserIdGroupPair(group_id=g["GroupId"], user_id=g.get("UserId"))
                             for g in p.get("UserIdGroupPairs", []) if g.get("GroupId")],
    )


def security_groups(resp: Api, region: str) -> list[m.SecurityGroup]:
    return [
        m.SecurityGroup(group_id=g["GroupId"], group_name=g.get("GroupName", g["GroupId"]), vpc_id=g["VpcId"],
                        region=region, owner_id=g.get("OwnerId"),
                        ip_permissions=[_permission(p) for p in g.get("IpPermissions", [])],
                        ip_permissions_egress=[_permission(p) for p in g.get("IpPermissionsEgress", [])],
                        tags=tags(g.get("Tags")))
        for g in resp.get("SecurityGroups", []) if g.get("VpcId")
    ]


def network_acls(resp: Api, region: str) -> list[m.NetworkAcl]:
    out = []
    for acl in resp.get("NetworkAcls", []):
        entries = []
        for e in acl.get("Entries", []):
            ports = e.get("PortRange")
            entries.append(m.NetworkAclEntry(
                rule_number=e["RuleNumber"], protocol=str(e.get("Protocol", "-1")), rule_action=e["RuleAction"],
                egress=bool(e.get("Egress")), cidr_block=e.get("CidrBlock"), ipv6_cidr_block=e.get("Ipv6CidrBlock"),
                port_range=m.PortRange(from_=ports["From"], to=ports["To"]) if ports and "From" in ports else None,
            ))
        out.append(m.NetworkAcl(
            network_acl_id=acl["NetworkAclId"], vpc_id=acl["VpcId"], region=region,
            is_default=bool(acl.get("IsDefault")),
            associations=[m.NetworkAclAssociation(network_acl_association_id=a.get("NetworkAclAssociationId"),
                                                  subnet_id=a["SubnetId"])
                          for a in acl.get("Associations", []) if a.get("SubnetId")],
            entries=entries, tags=tags(acl.get("Tags")),
        ))
    return out
