"""Build estates in code: the bundled article estate, scenario graphs in tests, and synthetic estates.

Identifiers are derived from the names given (a stable hash), so the same build gives the same ids every
time and they look like AWS's own (``vpc-0`` + 16 hex digits). The builder fills in what AWS would:
the ``local`` route, the main route-table association, a gateway endpoint's prefix-list routes, interface
endpoints' ENIs, the default network ACL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from ipaddress import ip_address, ip_network
from typing import Any, Literal

from engine import model as m

AWS_PL_CIDRS = {
    # Documentation-style placeholders; real lists change over time, which is why routing decisions use the
    # prefix list's service and region rather than these numbers (domain-rules.md, "Routing inside a VPC").
    "s3": ["52.219.0.0/20", "3.5.160.0/22", "18.34.0.0/19"],
    "dynamodb": ["52.94.0.0/22"],
}


def aws_id(prefix: str, *parts: object, width: int = 17) -> str:
    """An AWS-looking id, stable for the same inputs: ``aws_id("vpc", "osaka-shared")`` → ``vpc-0…``."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}-0{digest[: width - 1]}"


def policy_text(document: Mapping[str, Any] | str | None) -> str | None:
    if document is None or isinstance(document, str):
        return document
    return json.dumps(document, indent=2)


def tags(name: str | None, extra: Mapping[str, str] | None = None) -> list[m.Tag]:
    items = [m.Tag(key="Name", value=name)] if name else []
    items += [m.Tag(key=k, value=v) for k, v in (extra or {}).items()]
    return items


def allow_all(protocol: str = "-1", cidr: str = "0.0.0.0/0") -> m.IpPermission:
    return m.IpPermission(ip_protocol=protocol, ip_ranges=[m.IpRange(cidr_ip=cidr)])


def tcp(port: int, *cidrs: str, groups: Iterable[str] = (), to_port: int | None = None) -> m.IpPermission:
    return m.IpPermission(
        ip_protocol="tcp",
        from_port=port,
        to_port=to_port if to_port is not None else port,
        ip_ranges=[m.IpRange(cidr_ip=c) for c in cidrs],
        user_id_group_pairs=[m.UserIdGroupPair(group_id=g) for g in groups],
    )


class EstateBuilder:
    """Accumulates resources and returns a validated :class:`~engine.model.Snapshot`."""

    def __init__(self, source: str = "built", taken_at: datetime | None = None) -> None:
        self.source = source
        self.taken_at = taken_at or datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
        self.items: dict[str, list[Any]] = {f: [] for f in m.Snapshot.model_fields if f not in _SCALARS}
        self._vpc: dict[str, dict[str, Any]] = {}  # vpc id → {"region", "account", "main_rtb"}
        self._subnet: dict[str, dict[str, Any]] = {}
        self._rtbs: dict[str, dict[str, Any]] = {}
        self._pls: dict[tuple[str, str], str] = {}
        # Performance (issue #7): instance() used to scan every instance profile per instance (quadratic for
        # 100k-instance synthetic estates); this set answers "already added?" in O(1).
        self._profile_arns: set[str] = set()
        self._organization: m.Organization | None = None
        self._gaps: dict[tuple[str, str], list[m.Gap]] = {}  # (account, region) → what collection could not read

    # --- accounts, VPCs, subnets, route tables ----------------------------------------------------------

    def account(self, account_id: str, name: str | None = None) -> str:
        self.items["accounts"].append(m.Account(account_id=account_id, name=name))
        return account_id

    def vpc(self, name: str, region: str, cidr: str, account: str, dns_support: bool = True,
            dns_hostnames: bool = True) -> str:
        vpc_id = aws_id("vpc", region, name)
        self.items["vpcs"].append(
            m.Vpc(vpc_id=vpc_id, region=region, cidr_block=cidr, owner_id=account, tags=tags(name),
                  enable_dns_support=dns_support, enable_dns_hostnames=dns_hostnames)
        )
        main = aws_id("rtb", vpc_id, "main")
        self._vpc[vpc_id] = {"region": region, "account": account, "main_rtb": main, "cidr": cidr, "subnets": []}
        self._rtbs[main] = {
            "vpc": vpc_id, "name": f"{name}-main", "main": True, "subnets": [],
            "routes": [m.Route(destination_cidr_block=cidr, gateway_id="local", origin="CreateRouteTable")],
        }
        return vpc_id

    def subnet(self, vpc_id: str, name: str, cidr: str, az_suffix: str = "a", public: bool = False) -> str:
        region = self._vpc[vpc_id]["region"]
        subnet_id = aws_id("subnet", vpc_id, name)
        self.items["subnets"].append(
            m.Subnet(
                subnet_id=subnet_id, vpc_id=vpc_id, region=region, cidr_block=cidr,
                availability_zone=f"{region}{az_suffix}", map_public_ip_on_launch=public,
                owner_id=self._vpc[vpc_id]["account"], tags=tags(name),
            )
        )
        self._subnet[subnet_id] = {"vpc": vpc_id, "region": region, "cidr": cidr, "az": f"{region}{az_suffix}"}
        self._vpc[vpc_id]["subnets"].append(subnet_id)
        return subnet_id

    def route_table(self, vpc_id: str, name: str, subnets: Iterable[str] = ()) -> str:
        rtb_id = aws_id("rtb", vpc_id, name)
        cidr = self._vpc[vpc_id]["cidr"]
        self._rtbs[rtb_id] = {
            "vpc": vpc_id, "name": name, "main": False, "subnets": list(subnets),
            "routes": [m.Route(destination_cidr_block=cidr, gateway_id="local", origin="CreateRouteTable")],
        }
        return rtb_id

    def edge_route_table(self, vpc_id: str, name: str, gateway_id: str) -> str:
        """A gateway route table: associated with an internet gateway, it routes what enters the VPC through it
        (VPC user guide, "Gateway route tables"; an inspection appliance's ingress routing)."""
        rtb_id = self.route_table(vpc_id, name)
        self._rtbs[rtb_id]["gateways"] = [gateway_id]
        return rtb_id

    def main_route_table(self, vpc_id: str) -> str:
        return str(self._vpc[vpc_id]["main_rtb"])

    def route(self, rtb_id: str, destination: str, target: str, state: str = "active", **extra: Any) -> None:
        """Add a static route; the target's kind is read from its id prefix, as AWS's console does."""
        dest: dict[str, Any] = (
            {"destination_prefix_list_id": destination}
            if destination.startswith("pl-")
            else {"destination_cidr_block": destination}
        )
        self._rtbs[rtb_id]["routes"].append(m.Route.model_validate({**dest, **_target_field(target), "state": state,
                                                                     **extra}))

    def network_acl(self, vpc_id: str, name: str, subnets: Iterable[str], entries: Iterable[m.NetworkAclEntry]) -> str:
        """A custom network ACL; its subnets leave the VPC's default ACL, as an association replacement does."""
        acl_id = aws_id("acl", vpc_id, name)
        subnets = list(subnets)
        self._vpc[vpc_id]["subnets"] = [s for s in self._vpc[vpc_id]["subnets"] if s not in subnets]
        self.items["network_acls"].append(
            m.NetworkAcl(
                network_acl_id=acl_id, vpc_id=vpc_id, region=self._vpc[vpc_id]["region"], tags=tags(name),
                associations=[m.NetworkAclAssociation(subnet_id=s) for s in subnets], entries=list(entries),
            )
        )
        return acl_id

    # --- gateways and endpoints -------------------------------------------------------------------------

    def internet_gateway(self, vpc_id: str, name: str | None = None) -> str:
        igw_id = aws_id("igw", vpc_id)
        self.items["internet_gateways"].append(
            m.InternetGateway(
                internet_gateway_id=igw_id, region=self._vpc[vpc_id]["region"],
                owner_id=self._vpc[vpc_id]["account"],
                attachments=[m.InternetGatewayAttachment(vpc_id=vpc_id)], tags=tags(name),
            )
        )
        return igw_id

    def nat_gateway(self, subnet_id: str, public_ip: str, private_ip: str, name: str | None = None) -> str:
        nat_id = aws_id("nat", subnet_id, width=18)
        info = self._subnet[subnet_id]
        eni = self._eni(subnet_id, private_ip, f"NAT {nat_id}", interface_type="nat_gateway", public_ip=public_ip)
        self.items["nat_gateways"].append(
            m.NatGateway(
                nat_gateway_id=nat_id, vpc_id=info["vpc"], subnet_id=subnet_id, region=info["region"],
                nat_gateway_addresses=[
                    m.NatGatewayAddress(public_ip=public_ip, private_ip=private_ip, network_interface_id=eni)
                ],
                tags=tags(name),
            )
        )
        return nat_id

    def aws_prefix_list(self, region: str, service: str) -> str:
        key = (region, service)
        if key not in self._pls:
            pl_id = "pl-" + hashlib.sha256(f"{region}{service}".encode()).hexdigest()[:8]
            self._pls[key] = pl_id
            self.items["prefix_lists"].append(
                m.PrefixList(
                    prefix_list_id=pl_id, prefix_list_name=f"com.amazonaws.{region}.{service}",
                    region=region, cidrs=AWS_PL_CIDRS.get(service, []),
                )
            )
        return self._pls[key]

    def gateway_endpoint(
        self, vpc_id: str, service: str, route_tables: Iterable[str], policy: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> str:
        region = self._vpc[vpc_id]["region"]
        vpce_id = aws_id("vpce", vpc_id, service)
        rtbs = list(route_tables)
        pl_id = self.aws_prefix_list(region, service)
        for rtb in rtbs:
            self.route(rtb, pl_id, vpce_id)
        self.items["vpc_endpoints"].append(
            m.VpcEndpoint(
                vpc_endpoint_id=vpce_id, vpc_endpoint_type="Gateway", vpc_id=vpc_id, region=region,
                service_name=f"com.amazonaws.{region}.{service}", owner_id=self._vpc[vpc_id]["account"],
                policy_document=policy_text(policy), route_table_ids=rtbs, tags=tags(name),
            )
        )
        return vpce_id

    def interface_endpoint(
        self, vpc_id: str, service: str, subnets: Mapping[str, str], groups: Iterable[str],
        private_dns: bool = True, policy: Mapping[str, Any] | None = None, name: str | None = None,
    ) -> str:
        """``subnets`` maps subnet id → the endpoint ENI's private IP in it."""
        region = self._vpc[vpc_id]["region"]
        vpce_id = aws_id("vpce", vpc_id, service)
        enis = [
            self._eni(sid, ip, f"VPC Endpoint Interface {vpce_id}", interface_type="vpc_endpoint", groups=groups)
            for sid, ip in subnets.items()
        ]
        self.items["vpc_endpoints"].append(
            m.VpcEndpoint(
                vpc_endpoint_id=vpce_id, vpc_endpoint_type="Interface", vpc_id=vpc_id, region=region,
                service_name=f"com.amazonaws.{region}.{service}", owner_id=self._vpc[vpc_id]["account"],
                policy_document=policy_text(policy), subnet_ids=list(subnets), network_interface_ids=enis,
                groups=[m.GroupIdentifier(group_id=g) for g in groups], private_dns_enabled=private_dns,
                dns_entries=[m.DnsEntry(dns_name=f"{vpce_id}.{service}.{region}.vpce.amazonaws.com")],
                tags=tags(name),
            )
        )
        return vpce_id

    def gwlb_endpoint(self, vpc_id: str, subnet_id: str, ip: str, service_id: str, name: str | None = None) -> str:
        """A Gateway Load Balancer endpoint (one subnet, one AZ) for endpoint service ``vpce-svc-…``; AWS Network
        Firewall's firewall endpoints are endpoints of this type too."""
        region = self._vpc[vpc_id]["region"]
        vpce_id = aws_id("vpce", vpc_id, service_id)
        eni = self._eni(subnet_id, ip, f"VPC Endpoint Interface {vpce_id}",
                        interface_type="gateway_load_balancer_endpoint")
        self.items["vpc_endpoints"].append(
            m.VpcEndpoint(
                vpc_endpoint_id=vpce_id, vpc_endpoint_type="GatewayLoadBalancer", vpc_id=vpc_id, region=region,
                service_name=f"com.amazonaws.vpce.{region}.{service_id}", owner_id=self._vpc[vpc_id]["account"],
                subnet_ids=[subnet_id], network_interface_ids=[eni], tags=tags(name),
            )
        )
        return vpce_id

    # --- AWS Network Firewall ----------------------------------------------------------------------------

    def firewall_rule_group(self, name: str, region: str, account: str, *, domains: Iterable[str] = (),
                            domain_list: str = "ALLOWLIST", target_types: Iterable[str] = ("TLS_SNI", "HTTP_HOST"),
                            stateful_rules: Iterable[m.StatefulRule] = (), rules_string: str | None = None,
                            stateless_rules: Iterable[m.StatelessRule] = (), home_net: Iterable[str] = ()) -> str:
        """A rule group: a domain list (``domains``), 5-tuple ``stateful_rules``, Suricata ``rules_string``, or
        ``stateless_rules`` (which make it a STATELESS group). Returns its ARN."""
        stateless = list(stateless_rules)
        kind: Literal["STATEFUL", "STATELESS"] = "STATELESS" if stateless else "STATEFUL"
        arn = f"arn:aws:network-firewall:{region}:{account}:{kind.lower()}-rulegroup/{name}"
        domains = list(domains)
        source = m.RulesSource(
            rules_string=rules_string, stateful_rules=list(stateful_rules),
            rules_source_list=m.RulesSourceList(targets=domains, target_types=list(target_types),
                                                generated_rules_type=domain_list) if domains else None,
            stateless_rules_and_custom_actions=m.StatelessRulesAndCustomActions(stateless_rules=stateless)
            if stateless else None)
        home = list(home_net)
        variables = m.RuleVariables(ip_sets={"HOME_NET": m.IpSet(definition=home)}) if home else None
        self.items["firewall_rule_groups"].append(m.FirewallRuleGroup(
            rule_group_arn=arn, rule_group_name=name, type=kind, region=region, rule_variables=variables,
            rules_source=source))
        return arn

    def firewall_policy(self, name: str, region: str, account: str, *, stateful: Iterable[str] = (),
                        stateless: Iterable[str] = (), stateless_default: Iterable[str] = ("aws:forward_to_sfe",),
                        strict: bool = False, stateful_default: Iterable[str] = ()) -> str:
        """A firewall policy over rule group ARNs (priorities follow the order given). Returns its ARN."""
        arn = f"arn:aws:network-firewall:{region}:{account}:firewall-policy/{name}"
        self.items["firewall_policies"].append(m.FirewallPolicy(
            firewall_policy_arn=arn, firewall_policy_name=name, region=region,
            stateless_default_actions=list(stateless_default),
            stateless_fragment_default_actions=list(stateless_default),
            stateless_rule_group_references=[m.RuleGroupReference(resource_arn=a, priority=i + 1)
                                             for i, a in enumerate(stateless)],
            stateful_rule_group_references=[m.RuleGroupReference(resource_arn=a, priority=i + 1 if strict else None)
                                            for i, a in enumerate(stateful)],
            stateful_default_actions=list(stateful_default),
            stateful_engine_options=m.StatefulEngineOptions(rule_order="STRICT_ORDER") if strict else None))
        return arn

    def network_firewall(self, vpc_id: str, name: str, policy_arn: str, subnets: Mapping[str, str]) -> dict[str, str]:
        """A firewall with one endpoint per subnet (``subnets`` maps subnet id → the endpoint's IP there), as
        DescribeFirewall reports them in FirewallStatus.SyncStates; returns AZ → endpoint id."""
        v = self._vpc[vpc_id]
        states: dict[str, m.FirewallSyncState] = {}
        for subnet_id, ip in subnets.items():
            az = self._subnet[subnet_id]["az"]
            vpce = self.gwlb_endpoint(vpc_id, subnet_id, ip, f"vpce-svc-nfw-{name}-{az}", name=f"{name}-{az}")
            states[az] = m.FirewallSyncState(attachment=m.FirewallAttachment(subnet_id=subnet_id, endpoint_id=vpce))
        self.items["firewalls"].append(m.Firewall(
            firewall_name=name, firewall_arn=f"arn:aws:network-firewall:{v['region']}:{v['account']}:firewall/{name}",
            firewall_policy_arn=policy_arn, vpc_id=vpc_id, region=v["region"], owner_id=v["account"],
            subnet_mappings=[m.SubnetMapping(subnet_id=s) for s in subnets],
            firewall_status=m.FirewallStatus(sync_states=states), tags=tags(name)))
        return {az: st.attachment.endpoint_id or "" for az, st in states.items() if st.attachment}

    # --- Route 53 Resolver ------------------------------------------------------------------------------

    def resolver_endpoint(self, vpc_id: str, name: str, subnets: Mapping[str, str]) -> str:
        """An outbound Resolver endpoint with one address per subnet (subnet id → IP), each an ENI."""
        v = self._vpc[vpc_id]
        endpoint_id = aws_id("rslvr-out", vpc_id, name)
        for subnet_id, ip in subnets.items():
            self._eni(subnet_id, ip, f"Route 53 Resolver: {endpoint_id}", interface_type="interface")
        self.items["resolver_endpoints"].append(m.ResolverEndpoint(
            id=endpoint_id, name=name, direction="OUTBOUND", host_vpc_id=vpc_id, region=v["region"],
            ip_addresses=[m.ResolverEndpointIp(subnet_id=s, ip=ip) for s, ip in subnets.items()]))
        return endpoint_id

    def resolver_rule(self, name: str, domain: str, vpcs: Iterable[str], targets: Iterable[str] = (),
                      endpoint: str | None = None, rule_type: str = "FORWARD") -> str:
        """A Resolver rule (FORWARD to ``targets`` through ``endpoint``, or SYSTEM) associated with ``vpcs``."""
        vpcs = list(vpcs)
        v = self._vpc[vpcs[0]]
        rule_id = aws_id("rslvr-rr", name, domain)
        self.items["resolver_rules"].append(m.ResolverRule(
            id=rule_id, name=name, domain_name=domain.rstrip(".") + ".", rule_type=rule_type,
            target_ips=[m.ResolverTargetAddress(ip=ip, port=53) for ip in targets], resolver_endpoint_id=endpoint,
            owner_id=v["account"], region=v["region"], vpc_ids=vpcs))
        return rule_id

    def dns_firewall(self, name: str, vpcs: Mapping[str, int],
                     rules: Iterable[tuple[int, str, Iterable[str], str | None]]) -> str:
        """A DNS Firewall rule group associated with ``vpcs`` (VPC id → association priority); ``rules`` are
        (priority, ALLOW | BLOCK | ALERT, domains, block response), each with its own domain list."""
        v = self._vpc[next(iter(vpcs))]
        group_id = aws_id("rslvr-frg", name)
        built = []
        for priority, action, domains, response in rules:
            list_id = aws_id("rslvr-fdl", name, priority)
            self.items["dns_firewall_domain_lists"].append(m.DnsFirewallDomainList(
                id=list_id, name=f"{name}-{priority}", region=v["region"], domains=list(domains)))
            built.append(m.DnsFirewallRule(priority=priority, action=action, firewall_domain_list_id=list_id,
                                           name=f"{name}-rule-{priority}", block_response=response))
        self.items["dns_firewall_rule_groups"].append(m.DnsFirewallRuleGroup(
            id=group_id, name=name, region=v["region"], owner_id=v["account"], rules=built,
            associations=[m.DnsFirewallAssociation(vpc_id=vpc, priority=p) for vpc, p in vpcs.items()]))
        return group_id

    def peering(self, requester_vpc: str, accepter_vpc: str, name: str | None = None, status: str = "active") -> str:
        pcx_id = aws_id("pcx", requester_vpc, accepter_vpc)

        def info(vpc_id: str) -> m.PeeringVpcInfo:
            v = self._vpc[vpc_id]
            return m.PeeringVpcInfo(vpc_id=vpc_id, owner_id=v["account"], region=v["region"], cidr_block=v["cidr"])

        self.items["vpc_peering_connections"].append(
            m.VpcPeeringConnection(
                vpc_peering_connection_id=pcx_id, requester_vpc_info=info(requester_vpc),
                accepter_vpc_info=info(accepter_vpc), status=m.PeeringStatus(code=status),
                region=self._vpc[requester_vpc]["region"], tags=tags(name),
            )
        )
        return pcx_id

    def transit_gateway(self, region: str, account: str, name: str) -> tuple[str, str]:
        """A transit gateway with one route table; returns (tgw id, tgw route table id)."""
        tgw_id = aws_id("tgw", region, name)
        tgw_rtb = aws_id("tgw-rtb", tgw_id)
        self.items["transit_gateways"].append(
            m.TransitGateway(transit_gateway_id=tgw_id, region=region, owner_id=account, tags=tags(name))
        )
        self.items["transit_gateway_route_tables"].append(
            m.TransitGatewayRouteTable(transit_gateway_route_table_id=tgw_rtb, transit_gateway_id=tgw_id, region=region)
        )
        return tgw_id, tgw_rtb

    def tgw_route_table(self, tgw_id: str, name: str) -> str:
        """Another route table of a transit gateway (spokes and the egress VPC associate with different ones)."""
        region = next(t.region for t in self.items["transit_gateways"] if t.transit_gateway_id == tgw_id)
        tgw_rtb = aws_id("tgw-rtb", tgw_id, name)
        self.items["transit_gateway_route_tables"].append(
            m.TransitGatewayRouteTable(transit_gateway_route_table_id=tgw_rtb, transit_gateway_id=tgw_id,
                                       region=region, tags=tags(name)))
        return tgw_rtb

    def tgw_attachment(self, tgw_id: str, tgw_rtb: str | None, resource_id: str, subnets: Iterable[str] = (),
                       resource_type: str = "vpc", appliance_mode: str | None = "disable",
                       state: str = "available") -> str:
        """A VPC (or peering) attachment associated with ``tgw_rtb`` (None: with no route table)."""
        region = next(t.region for t in self.items["transit_gateways"] if t.transit_gateway_id == tgw_id)
        att_id = aws_id("tgw-attach", tgw_id, resource_id)
        self.items["transit_gateway_attachments"].append(
            m.TransitGatewayAttachment.model_validate({
                "transit_gateway_attachment_id": att_id, "transit_gateway_id": tgw_id, "region": region,
                "resource_type": resource_type, "resource_id": resource_id, "subnet_ids": list(subnets),
                "association": m.TgwAssociation(transit_gateway_route_table_id=tgw_rtb) if tgw_rtb else None,
                "appliance_mode_support": appliance_mode if resource_type == "vpc" else None, "state": state,
            })
        )
        return att_id

    def tgw_route(self, tgw_rtb: str, cidr: str, attachment: str | None, state: str = "active",
                  propagated: bool = False) -> None:
        """A static route, or a propagated one; a ``pl-`` destination is a prefix-list reference."""
        tables = self.items["transit_gateway_route_tables"]
        i = next(i for i, t in enumerate(tables) if t.transit_gateway_route_table_id == tgw_rtb)
        atts = [m.TgwRouteAttachment(transit_gateway_attachment_id=attachment)] if attachment else []
        dest = {"prefix_list_id": cidr} if cidr.startswith("pl-") else {"destination_cidr_block": cidr}
        route = m.TransitGatewayRoute.model_validate(
            {**dest, "transit_gateway_attachments": atts, "state": state,
             "type": "propagated" if propagated else "static"})
        tables[i] = tables[i].model_copy(update={"routes": [*tables[i].routes, route]})

    def prefix_list(self, name: str, region: str, cidrs: Iterable[str], owner: str, collected: bool = True) -> str:
        """A customer-managed prefix list (``collected=False``: shared from an account whose entries were not read)."""
        pl_id = aws_id("pl", region, name)
        self.items["prefix_lists"].append(
            m.PrefixList(prefix_list_id=pl_id, prefix_list_name=name, region=region, owner_id=owner,
                         cidrs=list(cidrs) if collected else [], entries_collected=collected))
        return pl_id

    # --- instances, security groups, DNS, S3, IAM --------------------------------------------------------

    def security_group(self, vpc_id: str, name: str, ingress: Iterable[m.IpPermission] = (),
                       egress: Iterable[m.IpPermission] | None = None) -> str:
        sg_id = aws_id("sg", vpc_id, name)
        self.items["security_groups"].append(
            m.SecurityGroup(
                group_id=sg_id, group_name=name, vpc_id=vpc_id, region=self._vpc[vpc_id]["region"],
                owner_id=self._vpc[vpc_id]["account"], ip_permissions=list(ingress),
                ip_permissions_egress=list(egress) if egress is not None else [allow_all()],
            )
        )
        return sg_id

    def instance(
        self, subnet_id: str, name: str, private_ip: str, groups: Iterable[str], role_arn: str | None = None,
        public_ip: str | None = None, proxy_env: Mapping[str, str] | None = None, proxy_ports: Iterable[int] = (),
        env_source: str = "user-data", extra_tags: Mapping[str, str] | None = None,
    ) -> str:
        info = self._subnet[subnet_id]
        account = self._vpc[info["vpc"]]["account"]
        instance_id = aws_id("i", subnet_id, name)
        groups = list(groups)
        eni = self._eni(subnet_id, private_ip, f"Primary network interface of {name}", groups=groups,
                        public_ip=public_ip, instance_id=instance_id)
        profile = None
        if role_arn:
            role_name = role_arn.rsplit("/", 1)[1]
            profile_arn = f"arn:aws:iam::{account}:instance-profile/{role_name}"
            if profile_arn not in self._profile_arns:
                self._profile_arns.add(profile_arn)
                self.items["instance_profiles"].append(
                    m.InstanceProfile(instance_profile_name=role_name, arn=profile_arn, roles=[role_arn])
                )
            profile = m.IamInstanceProfile(arn=profile_arn)
        region = info["region"]
        dns = f"ip-{private_ip.replace('.', '-')}.{region}.compute.internal"
        self.items["instances"].append(
            m.Instance(
                instance_id=instance_id, region=region, owner_id=account, vpc_id=info["vpc"], subnet_id=subnet_id,
                private_ip_address=private_ip, public_ip_address=public_ip, private_dns_name=dns,
                network_interface_ids=[eni], security_groups=[m.GroupIdentifier(group_id=g) for g in groups],
                iam_instance_profile=profile, tags=tags(name, extra_tags), proxy_ports=list(proxy_ports),
                proxy_environment={
                    k: m.ProxyValue(value=v, source=env_source.format(instance_id=instance_id, var=k))
                    for k, v in (proxy_env or {}).items()
                },
            )
        )
        return instance_id

    def private_zone(self, name: str, vpcs: Iterable[str], records: Mapping[str, str], account: str) -> str:
        zone = name.rstrip(".") + "."
        zone_id = "/hostedzone/Z" + hashlib.sha256(zone.encode()).hexdigest()[:20].upper()
        self.items["hosted_zones"].append(
            m.HostedZone(
                id=zone_id, name=zone, owner_id=account,
                vpcs=[m.HostedZoneVpc(vpc_region=self._vpc[v]["region"], vpc_id=v) for v in vpcs],
                resource_record_sets=[
                    m.ResourceRecordSet(
                        name=host.rstrip(".") + ".", type="A", ttl=300, resource_records=[m.ResourceRecord(value=ip)]
                    )
                    for host, ip in records.items()
                ],
            )
        )
        return zone_id

    def bucket(self, name: str, region: str, account: str, policy: Mapping[str, Any] | None = None) -> str:
        self.items["buckets"].append(m.Bucket(name=name, region=region, owner_id=account, policy=policy_text(policy)))
        return name

    def kms_key(self, region: str, account: str, policy: Mapping[str, Any] | None, aliases: Iterable[str] = (),
                key_state: str = "Enabled") -> str:
        """A customer managed key; ``policy`` None: its key policy could not be read (kms:GetKeyPolicy
        refused), recorded as the collector records it, a gap naming the key."""
        h = hashlib.sha256(f"{region}|{account}|{len(self.items['kms_keys'])}".encode()).hexdigest()
        key_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
        self.items["kms_keys"].append(m.KmsKey(key_id=key_id, arn=arn, region=region, key_state=key_state,
                                               aliases=list(aliases), policy=policy_text(policy)))
        if policy is None:
            self._gaps.setdefault((account, region), []).append(m.Gap(
                service="kms", operation="GetKeyPolicy", error="AccessDeniedException",
                permission="kms:GetKeyPolicy", resource=arn))
        return arn

    def secret(self, region: str, account: str, name: str, policy: Mapping[str, Any] | None = None) -> str:
        """A secret; its ARN ends in "-" and six characters, as Secrets Manager appends."""
        suffix = hashlib.sha256(f"{account}{region}{name}".encode()).hexdigest()[:6]
        arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}"
        self.items["secrets"].append(m.Secret(arn=arn, name=name, region=region, policy=policy_text(policy)))
        return arn

    def role(self, account: str, name: str, policies: Mapping[str, Mapping[str, Any]],
             boundary: tuple[str, Mapping[str, Any]] | None = None, tags: Mapping[str, str] | None = None,
             path: str = "/") -> str:
        """``boundary``: (managed policy name, document) set as the role's permissions boundary."""
        arn = f"arn:aws:iam::{account}:role{path}{name}"
        self.items["roles"].append(
            m.Role(
                role_name=name, arn=arn, path=path,
                role_id="AROA" + hashlib.sha256(arn.encode()).hexdigest()[:17].upper(),
                role_policy_list=[
                    m.PolicyRef(policy_name=pname, policy_document=str(policy_text(doc)))
                    for pname, doc in policies.items()
                ],
                permissions_boundary=m.PolicyRef(
                    policy_name=boundary[0], policy_arn=f"arn:aws:iam::{account}:policy/{boundary[0]}",
                    policy_document=str(policy_text(boundary[1]))) if boundary else None,
                tags=[m.Tag(key=k, value=v) for k, v in (tags or {}).items()],
            )
        )
        return arn

    def organization(self, org_id: str, management: str, paths: Mapping[str, list[str]],
                     policies: Mapping[str, tuple[str, Mapping[str, Any]]],
                     attached: Mapping[str, list[str]]) -> None:
        """An organisation: ``paths`` maps each account to its OUs below the root (the root id is derived),
        ``policies`` maps a policy id to (type, document), ``attached`` a target (root, OU, account) to the
        ids of the policies attached there ("root" for the root). A policy's name is its id without "p-"."""
        root = "r-" + hashlib.sha256(org_id.encode()).hexdigest()[:4]
        accounts = [m.OrgAccount(account_id=acct, path=[
            m.OrgTarget(target_id=target, policy_ids=list(attached.get("root" if target == root else target, [])))
            for target in (root, *ous, acct)]) for acct, ous in paths.items()]
        self._organization = m.Organization(
            id=org_id, master_account_id=management, accounts=accounts, member_ids=sorted(paths),
            policies=[m.OrgPolicy(id=pid, name=pid.removeprefix("p-"), type=kind, content=str(policy_text(doc)))
                      for pid, (kind, doc) in policies.items()])

    # --- result --------------------------------------------------------------------------------------------

    def build(self) -> m.Snapshot:
        tables = []
        for rtb_id, t in self._rtbs.items():
            assoc = [m.RouteTableAssociation(route_table_association_id=aws_id("rtbassoc", rtb_id), main=True)] \
                if t["main"] else []
            assoc += [
                m.RouteTableAssociation(route_table_association_id=aws_id("rtbassoc", rtb_id, s), subnet_id=s)
                for s in t["subnets"]
            ]
            assoc += [m.RouteTableAssociation(route_table_association_id=aws_id("rtbassoc", rtb_id, g), gateway_id=g)
                      for g in t.get("gateways", [])]
            v = self._vpc[t["vpc"]]
            tables.append(
                m.RouteTable(
                    route_table_id=rtb_id, vpc_id=t["vpc"], region=v["region"], owner_id=v["account"],
                    associations=assoc, routes=t["routes"], tags=tags(t["name"]),
                )
            )
        regions = sorted({v["region"] for v in self._vpc.values()})
        accounts = [a.account_id for a in self.items["accounts"]]
        acls = [
            m.NetworkAcl(
                network_acl_id=aws_id("acl", vpc_id), vpc_id=vpc_id, region=v["region"], is_default=True,
                associations=[m.NetworkAclAssociation(subnet_id=s) for s in v["subnets"]],
                entries=_default_acl_entries(),
            )
            for vpc_id, v in self._vpc.items()
        ]
        return m.Snapshot.model_validate({
            "taken_at": self.taken_at, "source": self.source, "regions": regions, "route_tables": tables,
            "network_acls": [*acls, *self.items["network_acls"]],
            "coverage": [m.Coverage(account_id=a, region=r, complete=not self._gaps.get((a, r)),
                                    gaps=self._gaps.get((a, r), [])) for a in accounts for r in regions],
            **{k: v for k, v in self.items.items() if k != "network_acls"},
            "organization": self._organization,
        })

    # --- internals ------------------------------------------------------------------------------------------

    def _eni(self, subnet_id: str, ip: str, description: str, *, interface_type: str = "interface",
             groups: Iterable[str] = (), public_ip: str | None = None, instance_id: str | None = None) -> str:
        info = self._subnet[subnet_id]
        # The subnet's network is parsed once and kept, not once per ENI (issue #7: 100k ENIs).
        net = info.get("net") or info.setdefault("net", ip_network(info["cidr"]))
        if ip_address(ip) not in net:
            raise ValueError(f"{ip} is not inside subnet {subnet_id} ({info['cidr']})")
        eni_id = aws_id("eni", subnet_id, ip)
        self.items["network_interfaces"].append(
            m.NetworkInterface(
                network_interface_id=eni_id, subnet_id=subnet_id, vpc_id=info["vpc"], region=info["region"],
                private_ip_address=ip, interface_type=interface_type,
                groups=[m.GroupIdentifier(group_id=g) for g in groups],
                association=m.EniAssociation(public_ip=public_ip) if public_ip else None,
                attachment=m.EniAttachment(instance_id=instance_id, device_index=0) if instance_id else None,
                owner_id=self._vpc[info["vpc"]]["account"], tags=tags(description),
            )
        )
        return eni_id

_SCALARS = {"schema_version", "taken_at", "source", "regions", "route_tables", "coverage", "organization"}


def _default_acl_entries() -> list[m.NetworkAclEntry]:
    """A default network ACL: allow all both ways (rule 100), then the implicit deny-all (rule 32767)."""
    entries = []
    for egress in (False, True):
        entries += [
            m.NetworkAclEntry(rule_number=100, rule_action="allow", egress=egress, cidr_block="0.0.0.0/0"),
            m.NetworkAclEntry(rule_number=32767, rule_action="deny", egress=egress, cidr_block="0.0.0.0/0"),
        ]
    return entries


def _target_field(target: str) -> dict[str, str]:
    prefixes = {
        "nat-": "nat_gateway_id", "tgw-": "transit_gateway_id", "pcx-": "vpc_peering_connection_id",
        "eni-": "network_interface_id", "i-": "instance_id", "eigw-": "egress_only_internet_gateway_id",
    }
    for prefix, field in prefixes.items():
        if target.startswith(prefix):
            return {field: target}
    return {"gateway_id": target}  # local, igw-, vpce-, vgw-
