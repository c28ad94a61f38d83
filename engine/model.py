"""The snapshot: one AWS estate across accounts and regions, typed with pydantic.

Field names follow the EC2 / S3 / Route 53 / IAM ``describe_*`` output (PascalCase in JSON, snake_case in
Python), so a snapshot reads next to the console and recorded API output maps onto it field by field.
Every resource carries its ``Region`` (and owner account where AWS reports one) because one snapshot spans
many of both. Models are frozen values: a fix is tried on a copy (``model_copy``), never in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from ipaddress import ip_address, ip_network
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_pascal

from engine.proxy.model import mask_credentials

SCHEMA_VERSION = 1


# --- values parsed once at load (issue #12): a bad one is refused with its JSON path, never met mid-answer ----


# The dotted-quad IPv4 forms ipaddress accepts (ASCII decimal octets 0-255 without leading zeros; for a CIDR a
# prefix length 0-32) are matched at regex speed: most of an estate's addresses are unique, so the caches miss
# and ipaddress cost the xl estate's load about a second (issue #14). Anything else (IPv6, other spellings,
# mistakes) goes to ipaddress, which decides as before.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_IPV4_CIDR = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}/(?:3[0-2]|[12][0-9]|[0-9])")


@lru_cache(maxsize=65536)
def _cidr(value: str) -> str:
    """``a.b.c.d/n`` or an IPv6 prefix, as describe_* returns them (host bits tolerated, as EC2 reports them)."""
    if _IPV4_CIDR.fullmatch(value):
        return value
    try:
        if "/" not in value:
            raise ValueError
        ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value[:100]!r} is not a CIDR") from None
    return value


@lru_cache(maxsize=65536)
def _ip(value: str) -> str:
    if _IPV4.fullmatch(value):
        return value
    try:
        ip_address(value)
    except ValueError:
        raise ValueError(f"{value[:100]!r} is not an IP address") from None
    return value


# ARN format (IAM user guide, "IAM ARNs"): arn:partition:service:region:account-id:resource; the account is
# 12 digits, or "aws" for AWS managed policies.
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+")


def _arn(value: str) -> str:
    if not _ARN.fullmatch(value):
        raise ValueError(f"{value[:100]!r} is not an ARN (arn:partition:service:region:account:resource)")
    return value


def _role_arn(value: str) -> str:
    if not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+", value):
        raise ValueError(f"{value[:100]!r} is not a role ARN (arn:aws:iam::123456789012:role/NAME)")
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
Ip = Annotated[str, AfterValidator(_ip)]
Arn = Annotated[str, AfterValidator(_arn)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
Port = Annotated[int, Field(ge=1, le=65535)]
RulePort = Annotated[int, Field(ge=-1, le=65535)]  # -1: all ports (or every ICMP type), as EC2 writes it


# --- memory (issue #14): one object for what an estate repeats ------------------------------------------------
#
# A 100k-instance estate held 1.4 million model objects. pydantic gives each its own set of the field names it
# was given (``model_fields_set``: 200-700 bytes, more than the object's own values) and a separate object or
# list for every tag, security group reference and proxy setting, most of them equal to thousands of others.
# While a snapshot is loaded (``shared_values()``), equal small values (``SharedValue``) are one object, and
# instances and network interfaces (``NumerousResource``) share one such set per distinct content and equal
# lists and dicts. Safe because models are frozen values: pydantic's ``model_copy`` copies the set before
# adding to it, what-if changes build new lists (engine.patch), and nothing writes into a loaded snapshot's
# lists. Other classes are left alone: a validator on every model cost a large estate's load about 12%.
_POOL: ContextVar[dict[Any, Any] | None] = ContextVar("reachbot_model_pool", default=None)


@contextmanager
def shared_values() -> Iterator[None]:
    """Within this block (and thread), validated models share equal field sets, values and containers."""
    token = _POOL.set({})
    try:
        yield
    finally:
        _POOL.reset(token)


def _share_fields_set(model: BaseModel, pool: dict[Any, Any]) -> None:
    given = model.__pydantic_fields_set__
    cls = type(model)
    shared = pool.get(cls)  # the set the last object of this class shared: usually equal (a cheap test)
    if shared is None or shared != given:
        shared = pool[cls] = pool.setdefault(("set", cls, frozenset(given)), given)
    object.__setattr__(model, "__pydantic_fields_set__", shared)


def _share_containers(model: NumerousResource, pool: dict[Any, Any]) -> None:
    """Items are keyed by identity: shared values already are one object each, and every item a key names is
    alive as long as the pool (in the container stored beside it), so equal keys mean the same items."""
    values = model.__dict__
    for name in model._shared_fields:
        value = values[name]
        if isinstance(value, dict):
            key: tuple[Any, ...] = ("dict", *value, *map(id, value.values()))
        else:
            key = ("list", *map(id, value))
        values[name] = pool.setdefault(key, value)  # in place: the model is frozen to __setattr__ only


# Factories written in Python: pydantic inspects each factory's signature, which for the built-ins list and
# dict means parsing their text signatures (about 0.4 ms per field, 40 ms of a cold start).
def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[str, Any]:
    return {}


class AwsModel(BaseModel):
    """Base: AWS-style PascalCase aliases, frozen, unknown fields refused (they are typos in our own format)."""

    # defer_build: a class's validator is made on first use, not at import (a cold `reachbot ask` validates one
    # Snapshot and needs no other, issue #14); for the same reason a default that is itself a model is made with
    # ``model_construct()`` (its fields' defaults, which need no validation).
    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, frozen=True, extra="forbid", defer_build=True
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A field declared ``= []`` or ``= {}`` gets a fresh empty one per object from a factory, as before,
        without pydantic's ``copy.deepcopy`` of the default (a sixth of a large snapshot's load)."""
        for name, value in list(vars(cls).items()):
            if type(value) in (list, dict) and not value and name in cls.__annotations__:
                setattr(cls, name, Field(default_factory=_new_list if type(value) is list else _new_dict))
        super().__init_subclass__(**kwargs)


class SharedValue(AwsModel):
    """A small value an estate repeats (a tag, a security group reference, a proxy setting): while a snapshot
    is loaded, equal ones are one object. Every field of a subclass must be hashable."""

    @model_validator(mode="after")
    def _lean(self) -> Any:
        pool = _POOL.get()
        if pool is None:
            return self
        shared = pool.setdefault((type(self), *self.__dict__.values()), self)
        if shared is self:
            _share_fields_set(self, pool)
        return shared


class Tag(SharedValue):
    key: str
    value: str = ""


class Tagged(AwsModel):
    tags: list[Tag] = []

    @property
    def name(self) -> str | None:
        """The ``Name`` tag, as the console shows it."""
        for tag in self.tags:
            if tag.key == "Name":
                return tag.value
        return None


class NumerousResource(Tagged):
    """A resource an estate holds by the hundred thousand: while a snapshot is loaded, objects of one class
    share their fields set, and equal lists and dicts of the fields named in ``_shared_fields``."""

    _shared_fields: ClassVar[tuple[str, ...]] = ()  # list/dict fields of hashable items that often repeat
    # String fields a few values repeat across the estate (a region, an account, a VPC): one object per value.
    # pydantic's JSON parser already shares short strings; engine.bulkload's decoder makes one per occurrence.
    _repeated_strings: ClassVar[tuple[str, ...]] = ("region", "owner_id", "vpc_id", "subnet_id")

    @model_validator(mode="after")
    def _lean(self) -> Any:
        pool = _POOL.get()
        if pool is not None:
            _share_fields_set(self, pool)
            _share_containers(self, pool)
            values = self.__dict__
            for name in self._repeated_strings:
                values[name] = pool.setdefault(values[name], values[name])  # a str key: no tuple key equals it
        return self


# --- accounts and coverage -------------------------------------------------------------------------------


class Account(AwsModel):
    account_id: str = Field(pattern=r"^\d{12}$")
    name: str | None = None


class Gap(AwsModel):
    """Something collection could not read. Answers that depend on it are ``unknown``."""

    service: str  # "ec2", "s3", "route53", "iam", "ssm"
    operation: str  # "DescribeRouteTables"
    error: str  # "AccessDenied", "Throttling", "EndpointConnectionError"
    permission: str | None = None  # "ec2:DescribeRouteTables"
    resource: str | None = None  # set when only one resource could not be read (a bucket's policy)


class Reuse(AwsModel):
    """Data an incremental collection took from the previous snapshot instead of calling AWS again
    (engine/collect/README.md, "Incremental collection"): which call it stands for and for how many resources."""

    service: str  # "ec2"
    operation: str  # "DescribeInstanceAttribute"
    attribute: str | None = None  # "userData"
    count: int  # resources whose answer was reused
    oldest_read_at: datetime | None = None  # when the oldest reused answer was really read from AWS


class Coverage(AwsModel):
    account_id: str
    region: str
    complete: bool = True
    gaps: list[Gap] = []
    reused: list[Reuse] = []  # what this (account, region) took from the previous snapshot


# --- VPC building blocks ---------------------------------------------------------------------------------


class CidrBlockAssociation(AwsModel):
    cidr_block: Cidr


class Vpc(Tagged):
    vpc_id: str
    owner_id: str | None = None
    region: str
    cidr_block: Cidr
    cidr_block_association_set: list[CidrBlockAssociation] = []
    is_default: bool = False
    # DescribeVpcAttribute, one call per attribute (VPC user guide, "DNS attributes for your VPC"). None: not
    # collected (a snapshot older than these fields): answers that rest on the VPC's resolver are then unknown.
    enable_dns_support: bool | None = None
    enable_dns_hostnames: bool | None = None

    @property
    def cidrs(self) -> list[str]:
        extra = [a.cidr_block for a in self.cidr_block_association_set if a.cidr_block != self.cidr_block]
        return [self.cidr_block, *extra]


class Subnet(Tagged):
    subnet_id: str
    vpc_id: str
    region: str
    cidr_block: Cidr
    availability_zone: str | None = None
    map_public_ip_on_launch: bool = False
    owner_id: str | None = None


class Route(AwsModel):
    destination_cidr_block: Cidr | None = None
    destination_ipv6_cidr_block: Cidr | None = None
    destination_prefix_list_id: str | None = None
    gateway_id: str | None = None  # "local", "igw-…", "vpce-…" (gateway endpoint), "vgw-…"
    nat_gateway_id: str | None = None
    transit_gateway_id: str | None = None
    vpc_peering_connection_id: str | None = None
    network_interface_id: str | None = None
    instance_id: str | None = None
    egress_only_internet_gateway_id: str | None = None
    state: Literal["active", "blackhole"] = "active"
    # CreateRouteTable (local), CreateRoute (static, incl. endpoint routes), EnableVgwRoutePropagation.
    origin: Literal["CreateRouteTable", "CreateRoute", "EnableVgwRoutePropagation"] = "CreateRoute"

    @property
    def target(self) -> str | None:
        """The route's target id, whatever its kind."""
        return (
            self.gateway_id
            or self.nat_gateway_id
            or self.transit_gateway_id
            or self.vpc_peering_connection_id
            or self.network_interface_id
            or self.instance_id
            or self.egress_only_internet_gateway_id
        )

    @property
    def destination(self) -> str | None:
        return self.destination_cidr_block or self.destination_prefix_list_id or self.destination_ipv6_cidr_block


class RouteTableAssociation(AwsModel):
    route_table_association_id: str | None = None
    subnet_id: str | None = None
    gateway_id: str | None = None
    main: bool = False


class RouteTable(Tagged):
    route_table_id: str
    vpc_id: str
    region: str
    owner_id: str | None = None
    associations: list[RouteTableAssociation] = []
    routes: list[Route] = []

    @property
    def is_main(self) -> bool:
        return any(a.main for a in self.associations)

    @model_validator(mode="after")
    def _one_route_per_destination(self) -> RouteTable:
        """CreateRoute refuses a second route to a destination the table has (RouteAlreadyExists); only a
        propagated route may share a static route's destination (VPC user guide, "Route priority"). Two such
        entries would leave the route choice to their order in the file."""
        seen: dict[tuple[str | None, bool], int] = {}
        for i, route in enumerate(self.routes):
            key = (route.destination, route.origin == "EnableVgwRoutePropagation")
            first = seen.setdefault(key, i)
            if first != i:
                raise ValueError(f"Routes[{first}] and Routes[{i}] both route {route.destination}")
        return self


class PrefixList(AwsModel):
    """A prefix list: AWS-managed (``describe_prefix_lists``: ``com.amazonaws.<region>.s3`` and friends) or
    customer-managed (``describe_managed_prefix_lists`` + ``get_managed_prefix_list_entries``), possibly owned by
    another account and shared through RAM."""

    prefix_list_id: str
    prefix_list_name: str
    region: str
    cidrs: list[Cidr] = []
    owner_id: str | None = None
    entries_collected: bool = True  # False: the list is known but its entries could not be read


class InternetGatewayAttachment(AwsModel):
    vpc_id: str
    state: str = "available"


class InternetGateway(Tagged):
    internet_gateway_id: str
    region: str
    owner_id: str | None = None
    attachments: list[InternetGatewayAttachment] = []


class NatGatewayAddress(AwsModel):
    public_ip: Ip | None = None
    private_ip: Ip | None = None
    network_interface_id: str | None = None
    allocation_id: str | None = None


class NatGateway(Tagged):
    nat_gateway_id: str
    vpc_id: str
    subnet_id: str
    region: str
    state: str = "available"
    connectivity_type: Literal["public", "private"] = "public"
    nat_gateway_addresses: list[NatGatewayAddress] = []


class PeeringVpcInfo(AwsModel):
    vpc_id: str
    owner_id: str | None = None
    region: str
    cidr_block: Cidr | None = None


class PeeringStatus(AwsModel):
    code: str = "active"
    message: str | None = None


class VpcPeeringConnection(Tagged):
    vpc_peering_connection_id: str
    requester_vpc_info: PeeringVpcInfo
    accepter_vpc_info: PeeringVpcInfo
    status: PeeringStatus = PeeringStatus.model_construct()
    region: str  # where it was described (the requester's region)


class TransitGateway(Tagged):
    transit_gateway_id: str
    region: str
    owner_id: str | None = None
    state: str = "available"


class TgwAssociation(AwsModel):
    transit_gateway_route_table_id: str
    state: str = "associated"


class TransitGatewayAttachment(Tagged):
    transit_gateway_attachment_id: str
    transit_gateway_id: str
    region: str
    resource_type: Literal["vpc", "peering", "vpn", "direct-connect-gateway", "connect"] = "vpc"
    resource_id: str | None = None  # the VPC id; for a peering attachment, the peer transit gateway id
    subnet_ids: list[str] = []  # VPC attachments: the subnets whose AZs the attachment serves
    state: str = "available"  # pendingAcceptance, pending, rejected, failed, … carry no traffic
    association: TgwAssociation | None = None
    # VPC attachments (DescribeTransitGatewayVpcAttachments Options.ApplianceModeSupport); None: not collected.
    appliance_mode_support: Literal["enable", "disable"] | None = None


class TgwRouteAttachment(AwsModel):
    transit_gateway_attachment_id: str | None = None
    resource_id: str | None = None
    resource_type: str | None = None


class TransitGatewayRoute(AwsModel):
    destination_cidr_block: Cidr | None = None
    prefix_list_id: str | None = None
    transit_gateway_attachments: list[TgwRouteAttachment] = []
    type: Literal["static", "propagated"] = "static"
    state: Literal["active", "blackhole"] = "active"


class TransitGatewayRouteTable(Tagged):
    transit_gateway_route_table_id: str
    transit_gateway_id: str
    region: str
    routes: list[TransitGatewayRoute] = []


class DnsEntry(AwsModel):
    dns_name: str
    hosted_zone_id: str | None = None


class GroupIdentifier(SharedValue):
    group_id: str
    group_name: str | None = None


class VpcEndpoint(Tagged):
    vpc_endpoint_id: str
    vpc_endpoint_type: Literal["Gateway", "Interface", "GatewayLoadBalancer"]
    vpc_id: str
    service_name: str  # com.amazonaws.<region>.<service>
    region: str
    owner_id: str | None = None
    state: str = "available"
    policy_document: str | None = None  # None: AWS's default full-access policy
    route_table_ids: list[str] = []
    subnet_ids: list[str] = []
    network_interface_ids: list[str] = []
    groups: list[GroupIdentifier] = []
    private_dns_enabled: bool = False
    dns_entries: list[DnsEntry] = []


# --- instances, interfaces and filters ------------------------------------------------------------------


class EniAssociation(SharedValue):
    public_ip: Ip | None = None
    public_dns_name: str | None = None


class EniAttachment(AwsModel):
    instance_id: str | None = None
    device_index: int | None = None


class PrivateIpAddress(AwsModel):
    private_ip_address: Ip
    primary: bool = False
    association: EniAssociation | None = None


class NetworkInterface(NumerousResource):
    _shared_fields = ("groups", "private_ip_addresses")
    network_interface_id: str
    subnet_id: str
    vpc_id: str
    region: str
    private_ip_address: Ip
    private_ip_addresses: list[PrivateIpAddress] = []
    association: EniAssociation | None = None
    attachment: EniAttachment | None = None
    groups: list[GroupIdentifier] = []
    interface_type: str = "interface"  # "interface", "vpc_endpoint", "nat_gateway", "transit_gateway", …
    source_dest_check: bool = True
    owner_id: str | None = None

    @property
    def public_ip(self) -> str | None:
        return self.association.public_ip if self.association else None


class ProxyValue(SharedValue):
    """One proxy-related setting of an instance, with where it was read from."""

    value: str  # credentials inside proxy URLs are masked at collection time
    source: str  # "user-data", "tag", "ssm:/reachbot/proxy/i-…/HTTPS_PROXY", "overlay:FILE", "bundled"


class IamInstanceProfile(SharedValue):
    arn: Arn
    id: str | None = None


class InstanceState(SharedValue):
    name: str = "running"


class Instance(NumerousResource):
    _shared_fields = ("security_groups", "proxy_environment", "proxy_ports")
    instance_id: str
    region: str
    owner_id: str  # the account; describe_instances reports it per reservation
    vpc_id: str
    subnet_id: str
    private_ip_address: Ip
    public_ip_address: Ip | None = None
    private_dns_name: str | None = None
    network_interface_ids: list[str] = []  # primary first
    security_groups: list[GroupIdentifier] = []
    iam_instance_profile: IamInstanceProfile | None = None
    state: InstanceState = InstanceState.model_construct()
    proxy_environment: dict[str, ProxyValue] = {}
    # The instance serves as an HTTP forward proxy (found from clients' proxy URLs), listening on these ports.
    proxy_ports: list[Port] = []

    @field_validator("proxy_environment")
    @classmethod
    def _mask_proxy_credentials(cls, env: dict[str, ProxyValue]) -> dict[str, ProxyValue]:
        """Credentials in a proxy URL are masked once, here, however they are written (``mask_credentials``):
        no answer needs them, and a snapshot written by an older collector may hold them in clear."""
        if not any("@" in v.value for v in env.values()):
            return env
        # model_copy, not ProxyValue(...): while a snapshot is loaded, building one could hand back a shared one
        return {k: (v.model_copy(update={"value": mask_credentials(v.value)})
                    if "@" in v.value and k.lower().endswith("_proxy") and k.lower() != "no_proxy" else v)
                for k, v in env.items()}


class UserIdGroupPair(SharedValue):
    group_id: str
    user_id: str | None = None


class IpRange(SharedValue):
    cidr_ip: Cidr
    description: str | None = None


class Ipv6Range(AwsModel):
    cidr_ipv6: Cidr


class PrefixListIdRef(SharedValue):
    prefix_list_id: str


class IpPermission(AwsModel):
    ip_protocol: str = "-1"  # "-1" all, "tcp", "udp", "icmp" or a number
    from_port: RulePort | None = None
    to_port: RulePort | None = None
    ip_ranges: list[IpRange] = []
    ipv6_ranges: list[Ipv6Range] = []
    prefix_list_ids: list[PrefixListIdRef] = []
    user_id_group_pairs: list[UserIdGroupPair] = []


class SecurityGroup(Tagged):
    group_id: str
    group_name: str
    vpc_id: str
    region: str
    owner_id: str | None = None
    ip_permissions: list[IpPermission] = []
    ip_permissions_egress: list[IpPermission] = []


class PortRange(AwsModel):
    from_: Annotated[int, Field(ge=0, le=65535)] = Field(
        validation_alias=AliasChoices("From", "from_"), serialization_alias="From")
    to: Annotated[int, Field(ge=0, le=65535)]


class NetworkAclEntry(AwsModel):
    rule_number: int
    protocol: str = "-1"  # "-1" all, "6" tcp, "17" udp
    rule_action: Literal["allow", "deny"]
    egress: bool
    cidr_block: Cidr | None = None
    ipv6_cidr_block: Cidr | None = None
    port_range: PortRange | None = None


class NetworkAclAssociation(AwsModel):
    network_acl_association_id: str | None = None
    subnet_id: str


class NetworkAcl(Tagged):
    network_acl_id: str
    vpc_id: str
    region: str
    is_default: bool = False
    associations: list[NetworkAclAssociation] = []
    entries: list[NetworkAclEntry] = []


# --- S3, DNS, IAM ----------------------------------------------------------------------------------------


class Bucket(AwsModel):
    name: str
    region: str
    owner_id: str  # the owning account
    policy: str | None = None  # get_bucket_policy's Policy text; None when the bucket has none


class HostedZoneConfig(AwsModel):
    private_zone: bool = True
    comment: str | None = None


class HostedZoneVpc(AwsModel):
    vpc_region: str = Field(validation_alias=AliasChoices("VPCRegion", "vpc_region"), serialization_alias="VPCRegion")
    vpc_id: str = Field(validation_alias=AliasChoices("VPCId", "vpc_id"), serialization_alias="VPCId")


class ResourceRecord(AwsModel):
    value: str


class AliasTarget(AwsModel):
    dns_name: str = Field(validation_alias=AliasChoices("DNSName", "dns_name"), serialization_alias="DNSName")
    hosted_zone_id: str | None = None


class ResourceRecordSet(AwsModel):
    name: str
    type: str  # "A", "CNAME", "AAAA", …
    ttl: int | None = Field(
        default=None, validation_alias=AliasChoices("TTL", "ttl"), serialization_alias="TTL"
    )
    resource_records: list[ResourceRecord] = []
    alias_target: AliasTarget | None = None

    @model_validator(mode="after")
    def _addresses_are_ips(self) -> ResourceRecordSet:
        """An A or AAAA record's values are addresses (Route 53 API reference, ResourceRecord); the resolver
        hands them to the route lookup as they are."""
        if self.type.upper() in ("A", "AAAA"):
            for record in self.resource_records:
                _ip(record.value)
        return self


class HostedZone(AwsModel):
    id: str  # "/hostedzone/Z…" or "Z…"
    name: str  # "corp.internal." (trailing dot as Route 53 returns it)
    owner_id: str | None = None
    config: HostedZoneConfig = HostedZoneConfig.model_construct()
    vpcs: list[HostedZoneVpc] = Field(
        default=[], validation_alias=AliasChoices("VPCs", "vpcs"), serialization_alias="VPCs"
    )
    resource_record_sets: list[ResourceRecordSet] = []


class PolicyRef(AwsModel):
    """An identity policy of a role: managed (``PolicyArn``) or inline; ``PolicyDocument`` is the JSON text."""

    policy_name: str
    policy_arn: Arn | None = None
    policy_document: str


class Role(Tagged):
    """An instance profile's role (GetRole): its tags are the request's aws:PrincipalTag/* keys."""

    role_name: str
    arn: RoleArn
    path: str = "/"
    role_id: str | None = None
    attached_policies: list[PolicyRef] = []
    role_policy_list: list[PolicyRef] = []
    permissions_boundary: PolicyRef | None = None

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]

    @property
    def policies(self) -> list[PolicyRef]:
        return [*self.attached_policies, *self.role_policy_list]


class KmsKey(AwsModel):
    """A KMS key (kms:ListKeys, DescribeKey's KeyMetadata) with its key policy (GetKeyPolicy, policy name
    "default": the only one a key has) and its aliases (ListAliases' AliasName, "alias/…")."""

    key_id: str
    arn: str
    region: str
    key_state: str = "Enabled"  # DescribeKey KeyState: Enabled, Disabled, PendingDeletion, …
    key_manager: str = "CUSTOMER"  # AWS-managed keys have policies their owner cannot change
    aliases: list[str] = []
    policy: str | None = None  # None: the key policy could not be read (a gap names the permission)

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]


class Secret(AwsModel):
    """A Secrets Manager secret (ListSecrets' ARN and Name) and its resource policy (GetResourcePolicy)."""

    arn: str
    name: str
    region: str
    policy: str | None = None  # GetResourcePolicy's ResourcePolicy; None when the secret has none

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]


class OrgPolicy(AwsModel):
    """organizations:DescribePolicy's Policy, flattened: PolicySummary (Id, Name, Type, AwsManaged) + Content."""

    id: str  # p-…, p-FullAWSAccess, p-RCPFullAWSAccess
    name: str
    type: str  # SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY
    content: str  # the policy document (JSON text)
    aws_managed: bool = False


class OrgTarget(AwsModel):
    """One level of an account's path: the root (r-…), an OU (ou-…) or the account itself, with the ids of the
    SCPs and RCPs attached there (organizations:ListPoliciesForTarget)."""

    target_id: str
    policy_ids: list[str] = []


class OrgAccount(AwsModel):
    """An account's path from the organisation root down to itself (organizations:ListParents, repeated)."""

    account_id: str
    path: list[OrgTarget] = []  # root first, the account last

    def paths_key(self, org_id: str) -> str:
        """aws:PrincipalOrgPaths / aws:ResourceOrgPaths: "o-…/r-…/ou-…/" (the account's parents)."""
        return "/".join([org_id, *(t.target_id for t in self.path[:-1])]) + "/"


class Organization(AwsModel):
    """The organisation the collected accounts belong to, as read from its management (or delegated
    administrator) account. A policy type listed in ``unread_types`` could not be read: answers it may
    decide carry a caveat, and its gap is in ``coverage``."""

    id: str  # o-…
    master_account_id: str
    accounts: list[OrgAccount] = []
    # Accounts known to be members (their DescribeOrganization answered, or ListAccounts listed them), paths
    # read or not: their aws:PrincipalOrgID / aws:ResourceOrgID is this organisation's id.
    member_ids: list[str] = []
    policies: list[OrgPolicy] = []
    unread_types: list[str] = []  # SERVICE_CONTROL_POLICY / RESOURCE_CONTROL_POLICY not read

    def account(self, account_id: str) -> OrgAccount | None:
        return next((a for a in self.accounts if a.account_id == account_id), None)


class InstanceProfile(AwsModel):
    instance_profile_name: str
    arn: Arn
    roles: list[RoleArn] = []  # role ARNs


# --- AWS Network Firewall (network-firewall DescribeFirewall / DescribeFirewallPolicy / DescribeRuleGroup) ----


class FirewallAttachment(AwsModel):
    subnet_id: str
    endpoint_id: str | None = None  # the vpce-… that route tables name (developer guide, "Firewall endpoints")
    status: str = "READY"


class FirewallSyncState(AwsModel):
    attachment: FirewallAttachment | None = None


class FirewallStatus(AwsModel):
    status: str = "READY"
    sync_states: dict[str, FirewallSyncState] = {}  # keyed by Availability Zone


class SubnetMapping(AwsModel):
    subnet_id: str


class Firewall(Tagged):
    firewall_name: str
    firewall_arn: str
    firewall_policy_arn: str
    vpc_id: str
    region: str
    owner_id: str | None = None
    subnet_mappings: list[SubnetMapping] = []
    firewall_status: FirewallStatus = FirewallStatus.model_construct()


class RuleGroupOverride(AwsModel):
    action: str | None = None  # "DROP_TO_ALERT": the group's drop rules only alert


class RuleGroupReference(AwsModel):
    resource_arn: str
    priority: int | None = None  # stateless: always; stateful: only under STRICT_ORDER
    override: RuleGroupOverride | None = None


class StatefulEngineOptions(AwsModel):
    rule_order: Literal["DEFAULT_ACTION_ORDER", "STRICT_ORDER"] = "DEFAULT_ACTION_ORDER"


class IpSet(AwsModel):
    definition: list[str] = []


class PortSet(AwsModel):
    definition: list[str] = []


class RuleVariables(AwsModel):
    ip_sets: dict[str, IpSet] = Field(default={}, validation_alias=AliasChoices("IPSets", "ip_sets"),
                                      serialization_alias="IPSets")
    port_sets: dict[str, PortSet] = {}


class PolicyVariables(AwsModel):
    rule_variables: dict[str, IpSet] = {}  # HOME_NET for the whole policy


class FirewallPolicy(Tagged):
    """DescribeFirewallPolicy: ``FirewallPolicyResponse`` (name, ARN) and ``FirewallPolicy`` flattened."""

    firewall_policy_arn: str
    firewall_policy_name: str
    region: str
    stateless_default_actions: list[str] = []  # "aws:pass" | "aws:drop" | "aws:forward_to_sfe" (+ custom)
    stateless_fragment_default_actions: list[str] = []
    stateless_rule_group_references: list[RuleGroupReference] = []
    stateful_rule_group_references: list[RuleGroupReference] = []
    stateful_default_actions: list[str] = []  # STRICT_ORDER only: aws:drop_strict, aws:drop_established, …
    stateful_engine_options: StatefulEngineOptions | None = None
    policy_variables: PolicyVariables | None = None


class NfwAddress(AwsModel):
    address_definition: str


class NfwPortRange(AwsModel):
    from_port: int
    to_port: int


class TcpFlagField(AwsModel):
    flags: list[str] = []
    masks: list[str] = []


class MatchAttributes(AwsModel):
    sources: list[NfwAddress] = []
    destinations: list[NfwAddress] = []
    source_ports: list[NfwPortRange] = []
    destination_ports: list[NfwPortRange] = []
    protocols: list[int] = []
    tcp_flags: list[TcpFlagField] = Field(default=[], validation_alias=AliasChoices("TCPFlags", "tcp_flags"),
                                          serialization_alias="TCPFlags")


class RuleDefinition(AwsModel):
    match_attributes: MatchAttributes = MatchAttributes.model_construct()
    actions: list[str] = []


class StatelessRule(AwsModel):
    rule_definition: RuleDefinition
    priority: int


class StatelessRulesAndCustomActions(AwsModel):
    stateless_rules: list[StatelessRule] = []
    custom_actions: list[dict[str, Any]] = []


class StatefulRuleHeader(AwsModel):
    protocol: str = "IP"
    source: str = "ANY"
    source_port: str = "ANY"
    direction: str = "FORWARD"
    destination: str = "ANY"
    destination_port: str = "ANY"


class StatefulRuleOption(AwsModel):
    keyword: str
    settings: list[str] = []


class StatefulRule(AwsModel):
    action: str  # PASS | DROP | REJECT | ALERT
    header: StatefulRuleHeader
    rule_options: list[StatefulRuleOption] = []


class RulesSourceList(AwsModel):
    """A domain list: ``.example.com`` matches example.com and every subdomain (Network Firewall API
    reference, "RulesSourceList"); TLS_SNI inspects HTTPS, HTTP_HOST plain HTTP."""

    targets: list[str] = []
    target_types: list[str] = []
    generated_rules_type: str = "ALLOWLIST"  # ALLOWLIST | DENYLIST | REJECTLIST | ALERTLIST


class RulesSource(AwsModel):
    rules_string: str | None = None  # Suricata rules: not evaluated by reachbot
    rules_source_list: RulesSourceList | None = None
    stateful_rules: list[StatefulRule] = []
    stateless_rules_and_custom_actions: StatelessRulesAndCustomActions | None = None


class StatefulRuleOptions(AwsModel):
    rule_order: Literal["DEFAULT_ACTION_ORDER", "STRICT_ORDER"] = "DEFAULT_ACTION_ORDER"


class FirewallRuleGroup(Tagged):
    """DescribeRuleGroup: ``RuleGroupResponse`` (name, ARN, type) and ``RuleGroup`` flattened."""

    rule_group_arn: str
    rule_group_name: str
    type: Literal["STATEFUL", "STATELESS"]
    region: str
    rule_variables: RuleVariables | None = None
    rules_source: RulesSource = RulesSource.model_construct()
    stateful_rule_options: StatefulRuleOptions | None = None


# --- Route 53 Resolver (route53resolver List* / Get*) -------------------------------------------------------


class ResolverTargetAddress(AwsModel):
    ip: str | None = None
    port: int | None = None


class ResolverRule(AwsModel):
    """ListResolverRules, with the VPCs ListResolverRuleAssociations associates it with (``vpc_ids``)."""

    id: str
    domain_name: str  # "corp.example.com." as Resolver returns it; "." forwards everything
    rule_type: str = "FORWARD"  # FORWARD | SYSTEM | RECURSIVE | DELEGATE
    name: str | None = None
    target_ips: list[ResolverTargetAddress] = []
    resolver_endpoint_id: str | None = None
    owner_id: str | None = None
    region: str
    vpc_ids: list[str] = []


class ResolverEndpointIp(AwsModel):
    subnet_id: str
    ip: str | None = None


class ResolverEndpoint(AwsModel):
    """ListResolverEndpoints, with ListResolverEndpointIpAddresses' addresses (``ip_addresses``)."""

    id: str
    name: str | None = None
    direction: str = "OUTBOUND"
    host_vpc_id: str = Field(validation_alias=AliasChoices("HostVPCId", "host_vpc_id"), serialization_alias="HostVPCId")
    region: str
    security_group_ids: list[str] = []
    ip_addresses: list[ResolverEndpointIp] = []


class DnsFirewallRule(AwsModel):
    priority: int
    action: str  # ALLOW | BLOCK | ALERT
    firewall_domain_list_id: str
    name: str | None = None
    block_response: str | None = None  # NODATA | NXDOMAIN | OVERRIDE
    block_override_domain: str | None = None
    qtype: str | None = None


class DnsFirewallAssociation(AwsModel):
    vpc_id: str
    priority: int
    status: str = "COMPLETE"


class DnsFirewallRuleGroup(AwsModel):
    """A DNS Firewall rule group (ListFirewallRuleGroups) with its rules (ListFirewallRules) and its VPC
    associations (ListFirewallRuleGroupAssociations)."""

    id: str
    name: str | None = None
    region: str
    owner_id: str | None = None
    rules: list[DnsFirewallRule] = []
    associations: list[DnsFirewallAssociation] = []


class DnsFirewallDomainList(AwsModel):
    """ListFirewallDomainLists with ListFirewallDomains' entries; absent when the domains could not be read."""

    id: str
    name: str | None = None
    region: str
    domains: list[str] = []


# --- the snapshot ----------------------------------------------------------------------------------------


class UserDataRead(AwsModel):
    """The proxy settings read from one instance's user data, kept so that the next collection can skip
    ``DescribeInstanceAttribute`` while the instance cannot have changed it: user data can only be modified
    while the instance is stopped (EC2 User Guide, "Work with instance user data"), and starting it again sets
    a new ``LaunchTime`` ("the time that the instance was last launched", EC2 API Reference, Instance)."""

    instance_id: str
    launch_time: datetime  # LaunchTime when the user data was read (the instance was running)
    read_at: datetime | None = None  # when DescribeInstanceAttribute really answered
    parser: str  # fingerprint of the user-data reader: another reader reads it again
    values: dict[str, str] = {}  # variable → value (credentials masked), as the user-data layer gave them


class Snapshot(AwsModel):
    schema_version: Annotated[int, Field(ge=1)] = SCHEMA_VERSION
    taken_at: datetime
    source: str = "unknown"  # "bundled:article", "collect", "collect --from-dir", "synth:large"
    accounts: list[Account] = []
    regions: list[str] = []
    coverage: list[Coverage] = []
    vpcs: list[Vpc] = []
    subnets: list[Subnet] = []
    route_tables: list[RouteTable] = []
    prefix_lists: list[PrefixList] = []
    internet_gateways: list[InternetGateway] = []
    nat_gateways: list[NatGateway] = []
    vpc_peering_connections: list[VpcPeeringConnection] = []
    transit_gateways: list[TransitGateway] = []
    transit_gateway_attachments: list[TransitGatewayAttachment] = []
    transit_gateway_route_tables: list[TransitGatewayRouteTable] = []
    vpc_endpoints: list[VpcEndpoint] = []
    network_interfaces: list[NetworkInterface] = []
    instances: list[Instance] = []
    security_groups: list[SecurityGroup] = []
    network_acls: list[NetworkAcl] = []
    buckets: list[Bucket] = []
    hosted_zones: list[HostedZone] = []
    roles: list[Role] = []
    instance_profiles: list[InstanceProfile] = []
    organization: Organization | None = None  # None: outside any organisation, or not read (see coverage)
    firewalls: list[Firewall] = []
    firewall_policies: list[FirewallPolicy] = []
    firewall_rule_groups: list[FirewallRuleGroup] = []
    resolver_rules: list[ResolverRule] = []
    resolver_endpoints: list[ResolverEndpoint] = []
    dns_firewall_rule_groups: list[DnsFirewallRuleGroup] = []
    dns_firewall_domain_lists: list[DnsFirewallDomainList] = []
    kms_keys: list[KmsKey] = []
    secrets: list[Secret] = []
    user_data_reads: list[UserDataRead] = []  # collection bookkeeping for incremental refreshes, not a resource
