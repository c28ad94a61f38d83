"""Every code reachbot speaks, in one enum: refusals, notes and caveats, each with its kind and policy layer.

A code is what scripts match on (``blocked_by.code``, ``explanations[].code``) and what the wording catalogs
(``engine.wording``) key their sentences by; nothing else glues codes together. Refusal codes are named after
Reachability Analyzer's, which network engineers already read. Proxy-choice reasons (``engine.proxy``) and the
policy evaluator's notes (``engine.policy``) are members here too, so each has words in every catalog.

``Reason`` is the evidence vocabulary *inside* a code's detail: which of several documented situations
produced it (a NAT gateway without an internet route because it is private, or because its subnet's table
has no internet gateway route). It is rendered by the same catalogs; it never appears as a code of its own.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    REFUSAL = "refusal"  # something on the route refuses the request: ``blocked_by`` / ``explanations``
    NOTE = "note"  # what the walk noticed (proxy choice, route priority, a policy caveat): ``explanations``
    CAVEAT = "caveat"  # why the answer cannot be final or complete: ``caveats``


class Layer(StrEnum):
    """The policy layers of one request, in the order AWS meets them on the way (see ``engine.policy``)."""

    ENDPOINT = "endpoint"
    BUCKET = "bucket"  # the resource's own policy (a bucket policy for S3)
    IDENTITY = "identity"
    BOUNDARY = "boundary"
    SCP = "scp"
    RCP = "rcp"
    SESSION = "session"


class Code(StrEnum):
    """``Code.X == "X"``; ``.kind`` is a :class:`Kind`, ``.layer`` the :class:`Layer` of a policy code or None,
    ``.fails_client`` marks proxy reasons under which the client errors out before sending anything."""

    kind: Kind
    layer: Layer | None
    fails_client: bool

    def __new__(cls, value: str, kind: Kind, layer: Layer | None = None, fails_client: bool = False) -> Code:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.kind, obj.layer, obj.fails_client = kind, layer, fails_client
        return obj

    # --- refusals ----------------------------------------------------------------------------------------
    NO_ROUTE = ("NO_ROUTE", Kind.REFUSAL,)
    NO_RETURN_ROUTE = ("NO_RETURN_ROUTE", Kind.REFUSAL,)
    BLACKHOLE_ROUTE = ("BLACKHOLE_ROUTE", Kind.REFUSAL,)
    IGW_NO_PUBLIC_IP = ("IGW_NO_PUBLIC_IP", Kind.REFUSAL,)
    SG_EGRESS_DENY = ("SG_EGRESS_DENY", Kind.REFUSAL,)
    SG_INGRESS_DENY = ("SG_INGRESS_DENY", Kind.REFUSAL,)
    NACL_DENY = ("NACL_DENY", Kind.REFUSAL,)
    DNS_NO_ANSWER = ("DNS_NO_ANSWER", Kind.REFUSAL,)
    PROXY_UNREACHABLE = ("PROXY_UNREACHABLE", Kind.REFUSAL,)
    PEERING_NOT_ACTIVE = ("PEERING_NOT_ACTIVE", Kind.REFUSAL,)
    PEERING_NOT_TRANSITIVE = ("PEERING_NOT_TRANSITIVE", Kind.REFUSAL,)
    ENDPOINT_NOT_AVAILABLE = ("ENDPOINT_NOT_AVAILABLE", Kind.REFUSAL,)
    NAT_NO_INTERNET_ROUTE = ("NAT_NO_INTERNET_ROUTE", Kind.REFUSAL,)
    TGW_NO_ATTACHMENT_IN_AZ = ("TGW_NO_ATTACHMENT_IN_AZ", Kind.REFUSAL,)
    TGW_ATTACHMENT_NOT_AVAILABLE = ("TGW_ATTACHMENT_NOT_AVAILABLE", Kind.REFUSAL,)
    CLIENT_PROXY_ERROR = ("CLIENT_PROXY_ERROR", Kind.REFUSAL,)
    FIREWALL_DENY = ("FIREWALL_DENY", Kind.REFUSAL,)
    DNS_FIREWALL_BLOCK = ("DNS_FIREWALL_BLOCK", Kind.REFUSAL,)
    ENDPOINT_POLICY_DENY = ("ENDPOINT_POLICY_DENY", Kind.REFUSAL, Layer.ENDPOINT)
    BUCKET_POLICY_DENY = ("BUCKET_POLICY_DENY", Kind.REFUSAL, Layer.BUCKET)
    # The same layer for the resource policies of other services (a KMS key policy, a secret's policy).
    RESOURCE_POLICY_DENY = ("RESOURCE_POLICY_DENY", Kind.REFUSAL, Layer.BUCKET)
    IDENTITY_POLICY_DENY = ("IDENTITY_POLICY_DENY", Kind.REFUSAL, Layer.IDENTITY)
    PERMISSIONS_BOUNDARY_DENY = ("PERMISSIONS_BOUNDARY_DENY", Kind.REFUSAL, Layer.BOUNDARY)
    SCP_DENY = ("SCP_DENY", Kind.REFUSAL, Layer.SCP)
    RCP_DENY = ("RCP_DENY", Kind.REFUSAL, Layer.RCP)
    SESSION_POLICY_DENY = ("SESSION_POLICY_DENY", Kind.REFUSAL, Layer.SESSION)

    # --- notes of the walk ---------------------------------------------------------------------------------
    PROXY_CHOSEN = ("PROXY_CHOSEN", Kind.NOTE,)
    NO_PROXY_MATCH = ("NO_PROXY_MATCH", Kind.NOTE,)  # also a proxy-choice reason: an exclusion entry matched the host
    DIRECT_CONNECTION = ("DIRECT_CONNECTION", Kind.NOTE,)
    RESOLVED_AT_PROXY = ("RESOLVED_AT_PROXY", Kind.NOTE,)
    MORE_SPECIFIC_ROUTE = ("MORE_SPECIFIC_ROUTE", Kind.NOTE,)
    ENDPOINT_OTHER_REGION = ("ENDPOINT_OTHER_REGION", Kind.NOTE,)
    POLICY_ALLOWS = ("POLICY_ALLOWS", Kind.NOTE,)
    POLICY_NOTE = ("POLICY_NOTE", Kind.NOTE,)  # carries one of the policy notes below as evidence
    PRIVATE_DNS_NEEDS_HOSTNAMES = ("PRIVATE_DNS_NEEDS_HOSTNAMES", Kind.NOTE,)  # enableDnsHostnames false

    # --- why a blocked answer has no proven fix (engine.fixes.why_no_fix) ------------------------------------
    NO_FIX_TO_TRY = ("NO_FIX_TO_TRY", Kind.NOTE,)  # reachbot knows no change for this refusal
    NO_FIX_DELIBERATE_DENY = ("NO_FIX_DELIBERATE_DENY", Kind.NOTE,)  # an explicit Deny decides: left to its owner
    NO_FIX_NOT_PROVEN = ("NO_FIX_NOT_PROVEN", Kind.NOTE,)  # changes were tried; none made it reachable

    # --- proxy-choice reasons (engine.proxy: ProxyChoice.reason) -------------------------------------------
    PROXY_ENV = ("PROXY_ENV", Kind.NOTE,)
    NO_PROXY_ALL = ("NO_PROXY_ALL", Kind.NOTE,)
    NO_PROXY_CONFIGURED = ("NO_PROXY_CONFIGURED", Kind.NOTE,)
    LOOPBACK_DIRECT = ("LOOPBACK_DIRECT", Kind.NOTE,)
    CGI_IGNORED = ("CGI_IGNORED", Kind.NOTE,)
    CGI_REFUSED = ("CGI_REFUSED", Kind.NOTE, None, True)
    UPPERCASE_HTTP_PROXY_IGNORED = ("UPPERCASE_HTTP_PROXY_IGNORED", Kind.NOTE,)
    RUNTIME_IGNORES_ENV = ("RUNTIME_IGNORES_ENV", Kind.NOTE,)
    PROXY_URL_UNSUPPORTED = ("PROXY_URL_UNSUPPORTED", Kind.NOTE, None, True)

    # --- policy notes: where AWS's documented behaviour leaves room, said out loud (engine.policy) ----------
    NOTPRINCIPAL_ROLE_SESSION = ("NOTPRINCIPAL_ROLE_SESSION", Kind.NOTE,)
    NOTPRINCIPAL_ACCOUNT_MISSING = ("NOTPRINCIPAL_ACCOUNT_MISSING", Kind.NOTE,)
    ACCOUNT_PRINCIPAL_DELEGATES = ("ACCOUNT_PRINCIPAL_DELEGATES", Kind.NOTE, Layer.BUCKET)
    ACCOUNT_PRINCIPAL_ROOT_ONLY = ("ACCOUNT_PRINCIPAL_ROOT_ONLY", Kind.NOTE, Layer.ENDPOINT)
    POLICY_VARIABLE_UNRESOLVED = ("POLICY_VARIABLE_UNRESOLVED", Kind.NOTE,)
    NOTPRINCIPAL_WITH_BOUNDARY = ("NOTPRINCIPAL_WITH_BOUNDARY", Kind.NOTE,)

    # --- caveats: the answer rests on something the snapshot does not show ---------------------------------
    COLLECTION_GAP = ("COLLECTION_GAP", Kind.CAVEAT,)
    INSTANCE_NOT_PLACED = ("INSTANCE_NOT_PLACED", Kind.CAVEAT,)
    RESOURCE_NOT_IN_SNAPSHOT = ("RESOURCE_NOT_IN_SNAPSHOT", Kind.CAVEAT,)
    ADDRESS_NOT_IN_SNAPSHOT = ("ADDRESS_NOT_IN_SNAPSHOT", Kind.CAVEAT,)
    ADDRESS_AMBIGUOUS = ("ADDRESS_AMBIGUOUS", Kind.CAVEAT,)
    PROXY_NOT_AN_INSTANCE = ("PROXY_NOT_AN_INSTANCE", Kind.CAVEAT,)
    NO_ROUTE_TABLE = ("NO_ROUTE_TABLE", Kind.CAVEAT,)
    ROUTING_LOOP = ("ROUTING_LOOP", Kind.CAVEAT,)
    APPLIANCE_NOT_VISIBLE = ("APPLIANCE_NOT_VISIBLE", Kind.CAVEAT,)
    TGW_ROUTE_WITHOUT_ATTACHMENT = ("TGW_ROUTE_WITHOUT_ATTACHMENT", Kind.CAVEAT,)
    TGW_CHAIN_TOO_LONG = ("TGW_CHAIN_TOO_LONG", Kind.CAVEAT,)
    TGW_EGRESS_NOT_TRACED = ("TGW_EGRESS_NOT_TRACED", Kind.CAVEAT,)
    TGW_APPLIANCE_MODE_OFF = ("TGW_APPLIANCE_MODE_OFF", Kind.CAVEAT,)
    TGW_AZ_UNDETERMINED = ("TGW_AZ_UNDETERMINED", Kind.CAVEAT,)
    PREFIX_LIST_NOT_COLLECTED = ("PREFIX_LIST_NOT_COLLECTED", Kind.CAVEAT,)
    NO_INSTANCE_ROLE = ("NO_INSTANCE_ROLE", Kind.CAVEAT,)
    POLICY_UNREAD = ("POLICY_UNREAD", Kind.CAVEAT,)
    POLICY_NOT_EVALUATED = ("POLICY_NOT_EVALUATED", Kind.CAVEAT,)
    EC2_NAME_NOT_IN_SNAPSHOT = ("EC2_NAME_NOT_IN_SNAPSHOT", Kind.CAVEAT,)  # an EC2 private name, instance unknown
    PUBLIC_DNS_ASSUMED = ("PUBLIC_DNS_ASSUMED", Kind.CAVEAT,)  # a public name: assumed to resolve, not checked
    POLICY_KEY_UNKNOWN = ("POLICY_KEY_UNKNOWN", Kind.CAVEAT,)  # the decision rests on a key not read
    ORGANIZATION_UNREAD = ("ORGANIZATION_UNREAD", Kind.CAVEAT,)  # SCPs/RCPs may apply but were not read
    FIREWALL_ASYMMETRIC = ("FIREWALL_ASYMMETRIC", Kind.CAVEAT,)  # the reply would bypass the firewall
    FIREWALL_NOT_EVALUATED = ("FIREWALL_NOT_EVALUATED", Kind.CAVEAT,)  # a rule group that could decide
    DNS_FIREWALL_NOT_EVALUATED = ("DNS_FIREWALL_NOT_EVALUATED", Kind.CAVEAT,)  # a domain list not collected
    RESOLVER_FORWARDED = ("RESOLVER_FORWARDED", Kind.CAVEAT,)  # answered by resolvers outside the snapshot
    DNS_ATTRIBUTES_UNKNOWN = ("DNS_ATTRIBUTES_UNKNOWN", Kind.CAVEAT,)  # an older snapshot: no VPC DNS attributes
    RESOURCE_POLICY_NOT_COLLECTED = ("RESOURCE_POLICY_NOT_COLLECTED", Kind.CAVEAT,)  # KMS, Secrets Manager, …
    KMS_KEY_NOT_ENABLED = ("KMS_KEY_NOT_ENABLED", Kind.CAVEAT,)  # policies allow, the key's state may refuse
    KMS_GRANTS_NOT_COLLECTED = ("KMS_GRANTS_NOT_COLLECTED", Kind.CAVEAT,)  # a grant may allow what policies do not


class Reason(StrEnum):
    """Which documented situation produced a code: the evidence inside a detail (see the module docstring)."""

    NONE = "NONE"
    ENDPOINT_SERVES_OTHER_REGION = "ENDPOINT_SERVES_OTHER_REGION"  # NO_ROUTE: the article's case 6
    LEADS_OUT_OF_NETWORK = "LEADS_OUT_OF_NETWORK"  # NO_ROUTE to a private address: best match exits the VPC
    VPC_NOT_ATTACHED = "VPC_NOT_ATTACHED"  # NO_ROUTE: the VPC has no attachment to that transit gateway
    ATTACHMENT_NOT_ASSOCIATED = "ATTACHMENT_NOT_ASSOCIATED"  # NO_ROUTE: no TGW route table associated
    ZONE_HAS_NO_RECORD = "ZONE_HAS_NO_RECORD"  # DNS_NO_ANSWER: a private zone owns the name, no record
    NOT_A_PRIVATE_NAME = "NOT_A_PRIVATE_NAME"  # DNS_NO_ANSWER: the proxy's name resolves to no private IP
    RESERVED_NAME = "RESERVED_NAME"  # DNS_NO_ANSWER: RFC 6761 / 2606 reserve the name from public DNS
    PROXY_URL_INVALID = "PROXY_URL_INVALID"  # CLIENT_PROXY_ERROR: the proxy URL's port is not 1-65535
    RESOLVER_TARGET = "RESOLVER_TARGET"  # NO_ROUTE: from the outbound Resolver endpoint to a rule's targets
    DNS_SUPPORT_DISABLED = "DNS_SUPPORT_DISABLED"  # DNS_NO_ANSWER: the VPC's enableDnsSupport is false
    PRIVATE_NAT_GATEWAY = "PRIVATE_NAT_GATEWAY"  # NAT_NO_INTERNET_ROUTE
    NAT_SUBNET_NO_IGW_ROUTE = "NAT_SUBNET_NO_IGW_ROUTE"  # NAT_NO_INTERNET_ROUTE
    PROXY_PORT_CLOSED = "PROXY_PORT_CLOSED"  # PROXY_UNREACHABLE: the instance listens on other ports
    GATEWAY_ENDPOINT_NOT_TRANSITIVE = "GATEWAY_ENDPOINT_NOT_TRANSITIVE"  # NO_ROUTE: arrived over a TGW
    IGW_NEEDS_NAT = "IGW_NEEDS_NAT"  # NO_ROUTE: a TGW-borne private source meets an internet gateway
    PLAIN_TCP = "PLAIN_TCP"  # DIRECT_CONNECTION: proxy settings apply to HTTP(S) clients only


REFUSALS = frozenset(c for c in Code if c.kind is Kind.REFUSAL)
POLICY_REFUSALS = frozenset(c for c in REFUSALS if c.layer is not None)
CLIENT_FAILURES = frozenset(c for c in Code if c.fails_client)


def refusal_of_layer(layer: Layer) -> Code:
    """The refusal code of a policy layer (``Layer.ENDPOINT`` → ``ENDPOINT_POLICY_DENY``); the resource layer's
    is S3's ``BUCKET_POLICY_DENY`` (``RESOURCE_POLICY_DENY`` is that layer's code for other services)."""
    return next(c for c in POLICY_REFUSALS if c.layer is layer and c is not Code.RESOURCE_POLICY_DENY)
