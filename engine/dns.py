"""Name resolution, as the Route 53 Resolver of one VPC would answer.

Order (Route 53 developer guide, "Considerations when working with a private hosted zone"): a private hosted
zone associated with the VPC answers for its domain, and a zone that matches the name but has no record for it
answers NXDOMAIN rather than falling through to public DNS; an interface endpoint with private DNS answers for
its service's public name inside its VPC; names reserved by RFC 6761 / RFC 2606 (``.test``, ``.invalid``,
``.example``, ``localhost``) that no private zone holds get no answer; everything else is public DNS. AWS
public names resolve to the service's public addresses, which we keep symbolic (service, region) rather than
pretend to know an IP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from ipaddress import ip_address

from engine import model as m
from engine.names import is_ec2_private_name, reserved_name
from engine.resolver import DnsFirewallVerdict, dns_firewall, dns_firewall_groups, resolver_rule
from engine.topology import Topology, parse_ip

_REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$")
MAX_CNAME_CHAIN = 8


@dataclass(frozen=True, slots=True)
class Address:
    """Where a name points: a concrete IP, or an AWS service's public addresses in a region, or the internet."""

    ip: str | None = None
    service: str | None = None  # "s3", "ssm", … for AWS public service addresses
    region: str | None = None

    @property
    def concrete(self) -> bool:
        return self.ip is not None

    @property
    def is_private(self) -> bool:
        return self.ip is not None and parse_ip(self.ip).is_private

    def label(self) -> str:
        if self.ip:
            return self.ip
        if self.service:
            return f"public {self.service} addresses of {self.region}"
        return "a public internet address"


@dataclass(frozen=True, slots=True)
class AwsHost:
    service: str
    region: str
    bucket: str | None = None  # virtual-hosted S3 names carry the bucket


@dataclass(frozen=True, slots=True)
class Resolution:
    host: str
    address: Address | None  # None: no answer
    # "literal", "private-hosted-zone", "interface-endpoint", "instance-dns", "public", "reserved",
    # "resolver-disabled" (the VPC's enableDnsSupport is false: the Amazon-provided resolver does not answer)
    answered_by: str
    # zone id, vpce id, instance id; for "reserved", the RFC reserving the name; the VPC id when the resolver
    # is disabled
    resource: str | None = None
    eni_id: str | None = None  # interface endpoint ENI the answer points at
    # VPC DNS attributes this answer rests on that the snapshot does not hold (an older snapshot): unknown.
    unknown_attributes: tuple[str, ...] = ()
    # A private zone or endpoint that would have answered, were enableDnsHostnames not false in the VPC.
    bypassed: str | None = None
    forwarded: m.ResolverRule | None = None  # answered_by "forwarded": the FORWARD rule that sent the query away
    dns_firewall: DnsFirewallVerdict | None = None  # answered_by "dns-firewall" (BLOCK), or UNKNOWN on an answer


def parse_aws_host(host: str) -> AwsHost | None:
    """S3 and other AWS service names → (service, region[, bucket]); None for anything else.

    S3 forms (S3 user guide, "Virtual hosting of buckets" and "Regions and endpoints"): ``s3.<region>.…``,
    ``<bucket>.s3.<region>.…``, ``s3-<region>.…`` (legacy dash form), ``s3.dualstack.<region>.…``, and the
    global ``s3.amazonaws.com`` which is us-east-1.
    """
    host = host.lower().rstrip(".")
    if not host.endswith(".amazonaws.com"):
        return None
    labels = host[: -len(".amazonaws.com")].split(".")
    for i, label in enumerate(labels):
        legacy_region = label[3:] if label.startswith("s3-") and _REGION.match(label[3:]) else None
        if label == "s3" or legacy_region:
            tail = [t for t in labels[i + 1:] if t not in ("dualstack", "vpce")]
            region = legacy_region or (tail[0] if tail and _REGION.match(tail[0]) else "us-east-1")
            return AwsHost("s3", region, ".".join(labels[:i]) or None)
    if len(labels) >= 2 and _REGION.match(labels[-1]):
        return AwsHost(labels[-2], labels[-1])
    if len(labels) == 1:  # global endpoints such as sts.amazonaws.com and iam.amazonaws.com live in us-east-1
        return AwsHost(labels[0], "us-east-1")
    return None


def s3_host(bucket: str, region: str) -> str:
    """The name botocore and the AWS CLI send a bucket request to once the region is known.

    Virtual-hosted style for DNS-compatible names; bucket names with dots go path-style because the
    wildcard certificate would not match (botocore ``S3EndpointSetter``, "addressing style auto").
    """
    if "." in bucket:
        return f"s3.{region}.amazonaws.com"
    return f"{bucket}.s3.{region}.amazonaws.com"


def resolve(topo: Topology, vpc_id: str, host: str, subnet_az: str | None = None) -> Resolution:
    """Resolve ``host`` with the Route 53 Resolver of ``vpc_id``, as the VPC's DNS attributes allow.

    VPC user guide, "DNS attributes for your VPC": with ``enableDnsSupport`` false the Amazon-provided resolver
    does not answer at all; private hosted zones and interface-endpoint private DNS need ``enableDnsSupport`` and
    ``enableDnsHostnames`` both true, otherwise the name resolves as public DNS has it. An attribute the snapshot
    does not hold (``None``) is reported in ``unknown_attributes`` when the answer depends on it.
    """
    host = host.lower().rstrip(".")
    if _is_ip_literal(host.strip("[]")):
        return Resolution(host, Address(ip=host.strip("[]")), "literal")
    vpc = topo.vpcs.get(vpc_id)
    support = vpc.enable_dns_support if vpc is not None else None
    hostnames = vpc.enable_dns_hostnames if vpc is not None else None
    if support is False:
        return Resolution(host, None, "resolver-disabled", vpc_id)
    unknown = () if support is not None else ("enableDnsSupport",)
    res = _resolve_with_rules(topo, vpc_id, host, subnet_az, hostnames, unknown)
    verdict = _dns_firewall_on_chain(topo, vpc_id, host, hostnames is not False)
    if verdict is None:
        return res
    if verdict.action == "BLOCK":
        return Resolution(host, None, "dns-firewall", verdict.group.id, unknown_attributes=unknown,
                          dns_firewall=verdict)
    return replace(res, dns_firewall=verdict)


def _dns_firewall_on_chain(topo: Topology, vpc_id: str, host: str, zones_apply: bool) -> DnsFirewallVerdict | None:
    """DNS Firewall filters every query the VPC's resolver receives and, by default, each name of a CNAME
    chain (Route 53 developer guide, "DNS Firewall rule settings": FirewallDomainRedirectionAction
    INSPECT_REDIRECTION_DOMAIN): the first name of the chain that is blocked decides."""
    if not dns_firewall_groups(topo, vpc_id):
        return None
    names = [host]
    for _ in range(MAX_CNAME_CHAIN if zones_apply else 0):
        answer = _private_zone_answer(topo, vpc_id, names[-1])
        if answer is None or answer[0] != "CNAME" or not answer[1]:
            break
        names.append(answer[1].lower().rstrip("."))
    for name in names:
        verdict = dns_firewall(topo, vpc_id, name)
        if verdict is not None:
            return verdict
    return None


def _resolve_with_rules(topo: Topology, vpc_id: str, host: str, subnet_az: str | None, hostnames: bool | None,
                        unknown: tuple[str, ...]) -> Resolution:
    rule = resolver_rule(topo, vpc_id, host)
    if rule is not None and rule.rule_type.upper() == "FORWARD" and _rule_beats_zones(topo, vpc_id, host, rule):
        return Resolution(host, Address(), "forwarded", rule.id, unknown_attributes=unknown, forwarded=rule)
    full = _resolve_enabled(topo, vpc_id, host, subnet_az)
    public = full if hostnames is True else _resolve_public(topo, host)
    if public == full:  # no private zone or endpoint had a say: enableDnsHostnames does not matter
        return replace(full, unknown_attributes=unknown) if unknown else full
    if hostnames is False:
        return replace(public, unknown_attributes=unknown, bypassed=full.resource or "private DNS")
    return replace(full, unknown_attributes=(*unknown, "enableDnsHostnames"))


def _rule_beats_zones(topo: Topology, vpc_id: str, host: str, rule: m.ResolverRule) -> bool:
    """The most specific name wins between Resolver rules and private hosted zones; a rule wins a tie."""
    domain = len(rule.domain_name.rstrip("."))
    for zone in topo.zones_by_vpc.get(vpc_id, []):  # most specific first
        name = zone.name.rstrip(".").lower()
        if host == name or host.endswith("." + name):
            return domain >= len(name)
    return True


def _resolve_public(topo: Topology, host: str) -> Resolution:
    """What the resolver answers when the VPC's private zones and endpoint private DNS do not apply."""
    aws = parse_aws_host(host)
    if aws:
        return Resolution(host, Address(service=aws.service, region=aws.region), "public")
    inst = topo.instances_by_dns.get(host)
    if inst is not None:
        return Resolution(host, Address(ip=inst.private_ip_address), "instance-dns", inst.instance_id)
    if is_ec2_private_name(host):  # an instance the snapshot does not hold: the resolver may well answer
        return Resolution(host, None, "ec2-name")
    rfc = reserved_name(host)
    if rfc is not None:  # RFC 6761 section 6: never delegated, so past the private zones nothing answers
        return Resolution(host, None, "reserved", rfc)
    return Resolution(host, Address(), "public")


def _resolve_enabled(topo: Topology, vpc_id: str, host: str, subnet_az: str | None) -> Resolution:
    for _ in range(MAX_CNAME_CHAIN):
        answer = _private_zone_answer(topo, vpc_id, host)
        if answer is None:
            break
        kind, value, zone_id = answer
        if kind != "CNAME" or not value:
            address = Address(ip=value) if value else None
            return Resolution(host, address, "private-hosted-zone", zone_id)
        host = value.lower().rstrip(".")
    return _endpoint_or_public(topo, vpc_id, host, subnet_az)


@lru_cache(maxsize=65536)
def _is_ip_literal(text: str) -> bool:
    """Performance (issue #7): names are asked about again and again, and a failed ``ip_address`` parse (an
    exception on both the IPv4 and the IPv6 path) was the costliest step of resolving one; both outcomes are
    cached."""
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _private_zone_answer(topo: Topology, vpc_id: str, host: str) -> tuple[str, str | None, str] | None:
    for zone in topo.zones_by_vpc.get(vpc_id, []):
        zone_name = zone.name.rstrip(".").lower()
        if host != zone_name and not host.endswith("." + zone_name):
            continue
        records = topo.zone_records[zone.id]
        for rr in records.get(host, []) or _wildcard(records, host):
            if rr.type in ("A", "AAAA") and rr.resource_records:
                return rr.type, rr.resource_records[0].value, zone.id
            if rr.type == "CNAME" and rr.resource_records:
                return "CNAME", rr.resource_records[0].value, zone.id
            if rr.alias_target:
                return "CNAME", rr.alias_target.dns_name, zone.id
        return "NXDOMAIN", None, zone.id  # the zone owns the name: no fall-through to public DNS
    return None


def _wildcard(records: dict[str, list], host: str) -> list:
    parent = host.split(".", 1)[1] if "." in host else ""
    return records.get("*." + parent, [])


def _endpoint_or_public(topo: Topology, vpc_id: str, host: str, subnet_az: str | None) -> Resolution:
    aws = parse_aws_host(host)
    if aws:
        endpoint = topo.private_dns_endpoint.get((vpc_id, f"{aws.service}.{aws.region}.amazonaws.com"))
        if endpoint and endpoint.network_interface_ids:
            eni = _endpoint_eni(topo, endpoint.network_interface_ids, subnet_az)
            if eni is not None:
                return Resolution(host, Address(ip=eni.private_ip_address), "interface-endpoint",
                                  endpoint.vpc_endpoint_id, eni.network_interface_id)
    return _resolve_public(topo, host)


def _endpoint_eni(topo: Topology, eni_ids: list[str], az: str | None):  # type: ignore[no-untyped-def]
    """The endpoint's ENI in the caller's AZ when there is one (its zonal answer), else the first."""
    enis = [topo.enis[e] for e in eni_ids if e in topo.enis]
    for eni in enis:
        subnet = topo.subnets.get(eni.subnet_id)
        if subnet is not None and subnet.availability_zone == az:
            return eni
    return enis[0] if enis else None
