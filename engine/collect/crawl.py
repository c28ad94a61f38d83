"""Which calls to make, and in what order, for one (account, region) or one account's global services.

The crawl functions decide *what* to read (``DescribeInstances`` first, then one
``DescribeInstanceAttribute`` per instance whose user data the previous snapshot cannot lend, …) and are
written once; a :class:`Source` decides *how*:
:class:`LiveSource` calls AWS through boto3 (paginators wherever botocore has one), :class:`DirSource` reads
the files of a saved directory. Either way the result lands in a :class:`~engine.collect.raw.RawScope` and
every failure becomes a gap in it, so one refused call never stops the rest.
"""

from __future__ import annotations

from typing import Any, Protocol

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from engine import model as m
from engine.collect.aws import UNREACHABLE, Clients, gap_from, iam_action
from engine.collect.incremental import Previous
from engine.collect.raw import RawScope, SavedScope

# Region-wide EC2 lists (all paginated). Order matters only for readability of a saved directory.
EC2_LISTS = (
    "DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeInternetGateways", "DescribeNatGateways",
    "DescribeVpcPeeringConnections", "DescribeTransitGateways", "DescribeTransitGatewayAttachments",
    "DescribeTransitGatewayVpcAttachments", "DescribeVpcEndpoints", "DescribeNetworkInterfaces",
    "DescribeSecurityGroups", "DescribeNetworkAcls",
)
VPC_DNS_ATTRIBUTES = ("enableDnsSupport", "enableDnsHostnames")
# Lists EC2 throttles from a smaller bucket when they are called without pagination or a filter (EC2 Developer
# Guide, "Request throttling for the Amazon EC2 API"): always paginated, at the largest page (MaxResults 5-1000).
PAGE_SIZES = {"DescribeInstances": 1000, "DescribeNetworkInterfaces": 1000, "DescribeSecurityGroups": 1000}
GONE = {"terminated", "shutting-down", "deleted", "deleting"}


class Source(Protocol):
    scope: RawScope  # where the responses and gaps land

    def fetch(self, service: str, operation: str, *, key: str | None = None, resource: str | None = None,
              region: str | None = None, absent: tuple[str, ...] = (), **params: Any) -> dict[str, Any] | None:
        """The response (``{}`` for an error code listed in ``absent``), or None after recording a gap."""
        ...


class LiveSource:
    """Calls AWS. After a connection failure (the region or endpoint does not answer) the remaining calls to
    the same service there are not tried: each would wait out its timeouts and retries for nothing."""

    def __init__(self, clients: Clients, scope: RawScope, region: str) -> None:
        self.clients = clients
        self.scope = scope
        self.region = region
        self.unreachable: dict[tuple[str, str], str] = {}

    def fetch(self, service: str, operation: str, *, key: str | None = None, resource: str | None = None,
              region: str | None = None, absent: tuple[str, ...] = (), **params: Any) -> dict[str, Any] | None:
        where = (service, region or self.region)
        if where in self.unreachable:
            self._gap(m.Gap(service=service, operation=operation, error=self.unreachable[where],
                            permission=iam_action(service, operation), resource=resource))
            return None
        client = self.clients.get(service, where[1])
        method = xform_name(operation)
        response: dict[str, Any]
        try:
            if client.can_paginate(method):
                paging = {"PageSize": PAGE_SIZES[operation]} if operation in PAGE_SIZES else {}
                response = client.get_paginator(method).paginate(PaginationConfig=paging, **params) \
                    .build_full_result()
            else:
                response = getattr(client, method)(**params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in absent:
                self._gap(gap_from(exc, service, operation, resource))
                return None
            response = {}
        except ParamValidationError:
            raise  # our bug, not the estate's: let it surface
        except UNREACHABLE as exc:
            self.unreachable[where] = type(exc).__name__
            self._gap(gap_from(exc, service, operation, resource))
            return None
        except BotoCoreError as exc:
            self._gap(gap_from(exc, service, operation, resource))
            return None
        response.pop("ResponseMetadata", None)
        self.scope.store(operation, key, response)
        return response

    def _gap(self, gap: m.Gap) -> None:
        self.scope.gaps.append(gap)


class DirSource:
    """Reads a saved directory. A file that is not there is a gap (``NotSaved``) unless the directory's
    ``Gaps.json`` already says why the call failed when it was saved."""

    def __init__(self, saved: SavedScope | None, scope: RawScope) -> None:
        self.saved = saved
        self.scope = scope
        if saved is not None:
            scope.gaps.extend(saved.recorded_gaps)

    def fetch(self, service: str, operation: str, *, key: str | None = None, resource: str | None = None,
              region: str | None = None, absent: tuple[str, ...] = (), **params: Any) -> dict[str, Any] | None:
        recorded = self.saved.recorded_gaps if self.saved else []
        if any(g.operation == operation and g.resource == resource for g in recorded):
            return None
        response = self.saved.read(operation, key) if self.saved else None
        if response is None:
            self.scope.gaps.append(m.Gap(service=service, operation=operation, error="NotSaved",
                                         permission=iam_action(service, operation), resource=resource))
            return None
        self.scope.store(operation, key, response)
        return response


# --- one (account, region) ---------------------------------------------------------------------------------


def crawl_region(src: Source, ssm_prefix: str, previous: Previous | None = None) -> None:
    """Everything of one (account, region); ``previous`` lends the user-data reads that cannot have changed
    (engine/collect/incremental.py)."""
    lists = {op: src.fetch("ec2", op) for op in EC2_LISTS}
    _vpc_attributes(src, lists["DescribeVpcs"] or {})
    _instances(src, previous)
    _transit_gateway_routes(src)
    _prefix_lists(src)
    crawl_network_firewall(src)
    crawl_resolver(src)
    crawl_kms(src)
    crawl_secrets(src)
    # Proxy settings per instance: <prefix>/<instance-id>/<VAR>. WithDecryption so SecureString values (a proxy
    # URL with a password) can be read; the password is masked before it reaches the snapshot.
    src.fetch("ssm", "GetParametersByPath", Path=ssm_prefix, Recursive=True, WithDecryption=True)


def _instances(src: Source, previous: Previous | None) -> None:
    # moto 5.2 returns DescribeInstances in pages of 100 reservations: the paginator follows NextToken.
    data = src.fetch("ec2", "DescribeInstances") or {}
    for reservation in data.get("Reservations", []):
        for inst in reservation.get("Instances", []):
            if inst.get("State", {}).get("Name") in GONE:
                continue
            iid = inst["InstanceId"]
            earlier = previous.user_data(inst) if previous else None
            if earlier is not None:
                src.scope.reused[iid] = earlier
                continue
            src.fetch("ec2", "DescribeInstanceAttribute", key=iid, resource=iid, InstanceId=iid,
                      Attribute="userData")


def _vpc_attributes(src: Source, data: dict[str, Any]) -> None:
    """DescribeVpcAttribute answers one attribute per call (EC2 API reference): the two DNS attributes of each
    VPC, keyed ``<vpc-id>/<attribute>`` (VPC user guide, "DNS attributes for your VPC")."""
    for vpc in data.get("Vpcs", []):
        vid = vpc["VpcId"]
        for attribute in VPC_DNS_ATTRIBUTES:
            src.fetch("ec2", "DescribeVpcAttribute", key=f"{vid}/{attribute}", resource=vid, VpcId=vid,
                      Attribute=attribute)


def _transit_gateway_routes(src: Source) -> None:
    tables = src.fetch("ec2", "DescribeTransitGatewayRouteTables") or {}
    for table in tables.get("TransitGatewayRouteTables", []):
        if table.get("State") in GONE:
            continue
        tid = table["TransitGatewayRouteTableId"]
        # No paginator: SearchTransitGatewayRoutes answers up to 1000 routes and sets AdditionalRoutesAvailable.
        src.fetch("ec2", "SearchTransitGatewayRoutes", key=tid, resource=tid, TransitGatewayRouteTableId=tid,
                  Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])


def _prefix_lists(src: Source) -> None:
    """AWS service lists (``com.amazonaws.<region>.s3``) come with their CIDRs from DescribePrefixLists; the
    others (customer-managed, shared, other AWS-managed ones) need GetManagedPrefixListEntries."""
    service = src.fetch("ec2", "DescribePrefixLists") or {}
    # moto 5.2 answers DescribePrefixLists without Cidrs: those lists then go through the entries call too.
    have = {p["PrefixListId"] for p in service.get("PrefixLists", []) if p.get("Cidrs")}
    managed = src.fetch("ec2", "DescribeManagedPrefixLists") or {}
    for pl in managed.get("PrefixLists", []):
        pid = pl["PrefixListId"]
        if pid not in have and "delete" not in pl.get("State", ""):
            src.fetch("ec2", "GetManagedPrefixListEntries", key=pid, resource=pid, PrefixListId=pid)


def crawl_network_firewall(src: Source) -> None:
    """Firewalls → each one's policy → the policy's rule groups (Network Firewall API reference). The endpoint
    ids route tables name come from DescribeFirewall's FirewallStatus.SyncStates."""
    listing = src.fetch("network-firewall", "ListFirewalls") or {}
    policies: set[str] = set()
    for fw in listing.get("Firewalls", []):
        arn = fw["FirewallArn"]
        detail = src.fetch("network-firewall", "DescribeFirewall", key=arn, resource=arn, FirewallArn=arn) or {}
        policy = detail.get("Firewall", {}).get("FirewallPolicyArn")
        if policy:
            policies.add(policy)
    groups: set[str] = set()
    for arn in sorted(policies):
        policy = src.fetch("network-firewall", "DescribeFirewallPolicy", key=arn, resource=arn,
                           FirewallPolicyArn=arn) or {}
        body = policy.get("FirewallPolicy", {})
        for field in ("StatelessRuleGroupReferences", "StatefulRuleGroupReferences"):
            groups |= {ref["ResourceArn"] for ref in body.get(field, [])}
    for arn in sorted(groups):
        src.fetch("network-firewall", "DescribeRuleGroup", key=arn, resource=arn, RuleGroupArn=arn)


def crawl_resolver(src: Source) -> None:
    """Route 53 Resolver rules with their VPC associations, outbound endpoints with their addresses, and DNS
    Firewall: associations → rule groups' rules → the domains of each list a rule uses (Route 53 Resolver API
    reference). An AWS-managed domain list does not give its domains: that is a gap, and answers it could
    decide are unknown."""
    src.fetch("route53resolver", "ListResolverRules")
    src.fetch("route53resolver", "ListResolverRuleAssociations")
    endpoints = src.fetch("route53resolver", "ListResolverEndpoints") or {}
    for ep in endpoints.get("ResolverEndpoints", []):
        if ep.get("Direction") == "OUTBOUND":
            src.fetch("route53resolver", "ListResolverEndpointIpAddresses", key=ep["Id"], resource=ep["Id"],
                      ResolverEndpointId=ep["Id"])
    assocs = (src.fetch("route53resolver", "ListFirewallRuleGroupAssociations") or {}).get(
        "FirewallRuleGroupAssociations", [])
    if not assocs:
        return
    src.fetch("route53resolver", "ListFirewallRuleGroups")
    src.fetch("route53resolver", "ListFirewallDomainLists")
    lists: set[str] = set()
    for group in sorted({a["FirewallRuleGroupId"] for a in assocs}):
        rules = src.fetch("route53resolver", "ListFirewallRules", key=group, resource=group,
                          FirewallRuleGroupId=group) or {}
        lists |= {r["FirewallDomainListId"] for r in rules.get("FirewallRules", [])}
    for domain_list in sorted(lists):
        src.fetch("route53resolver", "ListFirewallDomains", key=domain_list, resource=domain_list,
                  FirewallDomainListId=domain_list)


def crawl_kms(src: Source) -> None:
    """KMS keys with their key policy (GetKeyPolicy, policy name "default", the only one a key has: KMS API
    Reference), metadata (DescribeKey: ARN, state) and the aliases that resolve to them (ListAliases)."""
    listed = src.fetch("kms", "ListKeys") or {}
    src.fetch("kms", "ListAliases")
    for key in listed.get("Keys", []):
        key_id, arn = key["KeyId"], key.get("KeyArn")
        src.fetch("kms", "DescribeKey", key=key_id, resource=arn, KeyId=key_id)
        src.fetch("kms", "GetKeyPolicy", key=key_id, resource=arn, KeyId=key_id, PolicyName="default")


def crawl_secrets(src: Source) -> None:
    """Secrets Manager secrets (ListSecrets) and each one's resource policy (GetResourcePolicy; a secret
    without one answers without ResourcePolicy, which is an answer, not a gap)."""
    listed = src.fetch("secretsmanager", "ListSecrets") or {}
    for secret in listed.get("SecretList", []):
        src.fetch("secretsmanager", "GetResourcePolicy", key=secret["ARN"], resource=secret["ARN"],
                  SecretId=secret["ARN"])


# --- one account's global services -------------------------------------------------------------------------


def crawl_iam(src: Source) -> None:
    """Instance profiles → roles → attached (managed) and inline policies, and permissions boundaries."""
    profiles = src.fetch("iam", "ListInstanceProfiles") or {}
    roles = {r["RoleName"]: r["Arn"] for p in profiles.get("InstanceProfiles", []) for r in p.get("Roles", [])}
    managed: set[str] = set()
    for name, arn in sorted(roles.items()):
        role = src.fetch("iam", "GetRole", key=name, resource=arn, RoleName=name) or {}
        boundary = role.get("Role", {}).get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if boundary:
            managed.add(boundary)
        attached = src.fetch("iam", "ListAttachedRolePolicies", key=name, resource=arn, RoleName=name) or {}
        managed |= {p["PolicyArn"] for p in attached.get("AttachedPolicies", [])}
        inline = src.fetch("iam", "ListRolePolicies", key=name, resource=arn, RoleName=name) or {}
        for policy in inline.get("PolicyNames", []):
            src.fetch("iam", "GetRolePolicy", key=f"{name}/{policy}", resource=arn, RoleName=name, PolicyName=policy)
    for policy_arn in sorted(managed):
        meta = src.fetch("iam", "GetPolicy", key=policy_arn, resource=policy_arn, PolicyArn=policy_arn) or {}
        version = meta.get("Policy", {}).get("DefaultVersionId")
        if version:
            src.fetch("iam", "GetPolicyVersion", key=policy_arn, resource=policy_arn, PolicyArn=policy_arn,
                      VersionId=version)


def crawl_s3(src: Source) -> None:
    """Buckets, each with its region and policy. The policy is asked of the bucket's own region."""
    listing = src.fetch("s3", "ListBuckets") or {}
    for bucket in listing.get("Buckets", []):
        name = bucket["Name"]
        location = src.fetch("s3", "GetBucketLocation", key=name, resource=name, Bucket=name)
        region = bucket_region(location, bucket.get("BucketRegion"))
        if region is None:
            continue
        # NoSuchBucketPolicy: the bucket has no policy, which is an answer, not a gap.
        src.fetch("s3", "GetBucketPolicy", key=name, resource=name, region=region, absent=("NoSuchBucketPolicy",),
                  Bucket=name)


def bucket_region(location: dict[str, Any] | None, listed: str | None) -> str | None:
    """GetBucketLocation's LocationConstraint: null/empty means us-east-1, "EU" the old name of eu-west-1."""
    if location is None:
        return listed
    constraint = location.get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else str(constraint)


def crawl_route53(src: Source) -> None:
    """Private hosted zones only (public ones never answer inside a VPC), each with VPCs and records."""
    zones = src.fetch("route53", "ListHostedZones") or {}
    for zone in zones.get("HostedZones", []):
        if not zone.get("Config", {}).get("PrivateZone"):
            continue
        zid = zone_key(zone["Id"])
        src.fetch("route53", "GetHostedZone", key=zid, resource=zone["Id"], Id=zid)
        src.fetch("route53", "ListResourceRecordSets", key=zid, resource=zone["Id"], HostedZoneId=zid)


def zone_key(zone_id: str) -> str:
    """``/hostedzone/Z123`` → ``Z123``."""
    return zone_id.rsplit("/", 1)[-1]


ORG_POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
MAX_ORG_DEPTH = 7  # root + up to five OUs + the account (Organizations quotas: OUs nest five deep)


def crawl_organizations(src: Source, account: str) -> None:
    """The organisation of ``account``: DescribeOrganization, then each account's path up to the root
    (ListParents, repeated) and the SCPs and RCPs attached at every level (ListPoliciesForTarget) with their
    documents (DescribePolicy). Only the management or a delegated administrator account may read policies;
    there ListAccounts answers, and every account's path is read, so that a member account's refusals do not
    stand in the merged snapshot (engine.collect.map_global.organization)."""
    org = src.fetch("organizations", "DescribeOrganization", absent=("AWSOrganizationsNotInUseException",))
    if not org or not org.get("Organization"):
        return  # outside any organisation (or the call failed: its gap says so)
    listed = src.fetch("organizations", "ListAccounts", absent=("AccessDeniedException",)) or {}
    members = sorted({a["Id"] for a in listed.get("Accounts", []) if a.get("Status", "ACTIVE") == "ACTIVE"})
    described: set[str] = set()
    for member in members or [account]:
        for target in _org_path(src, member):
            for policy_type in ORG_POLICY_TYPES:
                # A policy type not enabled in the organisation applies nowhere: an answer, not a gap.
                attached = src.fetch("organizations", "ListPoliciesForTarget", key=f"{target}/{policy_type}",
                                     resource=target, absent=("PolicyTypeNotEnabledException",),
                                     TargetId=target, Filter=policy_type) or {}
                for policy in attached.get("Policies", []):
                    if policy["Id"] not in described:
                        described.add(policy["Id"])
                        src.fetch("organizations", "DescribePolicy", key=policy["Id"], resource=policy["Id"],
                                  PolicyId=policy["Id"])


def _org_path(src: Source, account: str) -> list[str]:
    """The account, then its parents up to the root (ListParents answers one level at a time)."""
    path, child = [account], account
    for _ in range(MAX_ORG_DEPTH):
        parents = src.fetch("organizations", "ListParents", key=child, resource=child, ChildId=child)
        if not parents or not parents.get("Parents"):
            return path if parents else []
        parent = parents["Parents"][0]
        path.append(parent["Id"])
        if parent.get("Type") == "ROOT":
            return path
        child = parent["Id"]
    return path


GLOBAL_CRAWLS = {"iam": crawl_iam, "s3": crawl_s3, "route53": crawl_route53,
                 "organizations": lambda src: crawl_organizations(src, src.scope.account)}
