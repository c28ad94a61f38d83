"""English: every sentence a user reads about a trace. Keys and placeholders are the contract with other catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.codes import Code, Layer, Reason
from engine.dns import Address
from engine.filters import FilterResult
from engine.model import IpPermission, NetworkAclEntry
from engine.policy import describe_decision, describe_result, describe_statement
from engine.policy.explain import NOTE_TEXT
from engine.wording.catalog import Catalog, Template
from engine.wording.en_screen import SCREEN
from engine.wording.policy_detail import PolicyWords, policy_refusal

if TYPE_CHECKING:
    from engine.wording.catalog import Wording

Facts = Mapping[str, Any]


# --- values -----------------------------------------------------------------------------------------------


def _address(addr: Address) -> str:
    if addr.ip:
        return addr.ip
    if addr.service:
        return f"public {addr.service} addresses of {addr.region}"
    return "a public internet address"


LABELS = {
    "none": "none",
    "private-hosted-zone": "private hosted zone",
    "interface-endpoint": "interface endpoint",
    "instance-dns": "instance DNS name",
    "literal": "literal address",
    "public": "public DNS",
    "reserved": "nothing (a reserved name)",
    "ec2-name": "the Amazon-provided resolver, for an instance the snapshot does not hold",
    "forwarded": "a Resolver forwarding rule (resolvers outside the VPC answer)",
    "dns-firewall": "Route 53 Resolver DNS Firewall, which blocks it",
    "resolver-disabled": "nobody (the VPC's Amazon-provided resolver is switched off)",
    "vpc-peering": "peering connection",
    "tgw-attachment": "transit gateway attachment",
    "not-in-snapshot": "route target",
    "peering": "transit gateway peering",
    "vpn": "VPN",
    "direct-connect-gateway": "Direct Connect gateway",
    "connect": "Connect attachment",
    # reachbot diff and the Slack "What changed?" button (issue #13); templates over the facts named in braces.
    "diff-title": "What changed from {old} (taken {old_at}) to {new} (taken {new_at})",
    "diff-no-changes": "No change: both snapshots hold the same configuration.",
    "diff-changes": "Changes ({count}), by AWS resource:",
    "diff-more-changes": "… and {count} more (reachbot diff --json lists them all)",
    "diff-before": "before",
    "diff-after": "after",
    "diff-absent": "(absent)",
    "diff-answers": "Answers, before → after:",
    "diff-flows": "Flows that flipped, among {count} common flows (each kind of client instance to each bucket):",
    "diff-no-flips": "No common flow changed its verdict ({count} traced: each kind of client instance to each"
                     " bucket).",
    "diff-flipped": "flipped",
    "diff-unchanged": "unchanged",
    "diff-not-there": "not in that snapshot",
    "diff-explained-by": "explained by (changes on the route, the likeliest cause first):",
    "diff-alone": "flips it on its own",
    "diff-unexplained": "no change lies on this route; the flip comes from something the route does not name",
    "diff-on-route": "changes on the route (the verdict stayed): {ids}",
    "diff-since-nothing": "No earlier snapshot to compare with: {reason}",
    "what-changed": "What changed?",
    # The Slack app's Home tab (bot/render/home.py). Templates name their facts as {fact}.
    "home-title": "reachbot: why can X (not) reach Y?",
    "home-how-to-ask": (
        "Ask from any channel with `/reach QUESTION` (only you see the answer) or mention `@reachbot QUESTION` "
        "(the answer goes into the thread). On an incident thread, the message shortcut *Handoff summary* "
        "re-runs the thread's questions for the next responder. `/reach help` lists what a question may name."
    ),
    "home-examples": "*Try, with names from this snapshot*",
    "home-example-bucket": "why can {source} not reach bucket {bucket}",
    "home-example-service": "can {ip} reach {host}",
    "home-snapshot": "*Snapshot in use*",
    "home-snapshot-source": "*Source:* {origin}, taken {taken_at} ({age} old)",
    "home-snapshot-accounts": "*Accounts:* {accounts}",
    "home-snapshot-no-accounts": "*Accounts:* none that you may ask about",
    "home-snapshot-regions": "*Regions:* {regions}",
    "home-snapshot-no-gaps": "*Gaps:* none: collection read everything it looked for.",
    "home-snapshot-gaps": "*Gaps:* {count} things collection could not read; answers that depend on them say "
                          "_cannot tell_:",
    "home-gap": "{account} {region}: {service} {operation} ({error})",
    "home-more-gaps": "… and {count} more.",
    "home-recent": "*Your recent questions*",
    "home-recent-none": "None yet. The questions you ask with `/reach` or `@reachbot` appear here, newest first.",
    "home-recent-memory": "Kept in this reachbot process's memory only (your last {count}): a restart, or "
                          "another reachbot instance, does not have them.",
    "home-asked": "{title} · asked {age} ago",
    "home-refused-by": "refused by `{resource}` (`{code}`)",
    "home-reask": "Ask again",
    "home-reasked": "Asked again against the current snapshot: {verdict} {question}",
    "home-reask-failed": ":warning: `{question}` could not be answered again: reachbot no longer understands it "
                         "here, or it is outside what you may ask about.",
    "home-reask-unreadable": ":warning: That button carries no question reachbot can read. Ask with "
                             "`/reach QUESTION`.",
    "home-verdict-reachable": ":white_check_mark: Reachable",
    "home-verdict-blocked": ":no_entry: Blocked",
    "home-verdict-unknown": ":grey_question: Cannot tell",
    "all-traffic": "all traffic",
    "route-local": "the VPC's local route",
    "route-static": "static route",
    "route-propagated": "propagated route",
    # words inside pictures of the route (engine.picture)
    "picture-account": "account",
    "picture-endpoint": "endpoint",
    "picture-refused": "refused here",
    "picture-unknown": "cannot tell from the snapshot",
}


# --- hops -------------------------------------------------------------------------------------------------


def _route_table(w: Wording, f: Facts) -> str:
    main = " (main table)" if f.get("main") else ""
    return w.fmt("{rtb} of {subnet}" + main + ": {destination} via {route} → {target}", f)


def _dns(w: Wording, f: Facts) -> str:
    answer = "no answer (NXDOMAIN)" if f.get("answer") is None else "{answer}"
    if f.get("answered_by") == "forwarded":
        answer = "the answer comes from outside the snapshot"
    elif f.get("answered_by") == "dns-firewall":
        answer = "no address"
    return w.fmt("{host} resolved in {vpc} ({side} side) by " + w.label(str(f.get("answered_by"))) + ": " + answer, f)


def _policy(f: Facts) -> str:
    return "custom" if f.get("custom_policy") else "default (full access)"


def _gateway_endpoint(w: Wording, f: Facts) -> str:
    return w.fmt("{vpce} for {service} (gateway endpoint in {vpc}; policy: " + _policy(f) + ")", f)


def _interface_endpoint(w: Wording, f: Facts) -> str:
    return w.fmt("{vpce} for {service} (interface endpoint ENI {eni} {ip}; policy: " + _policy(f) + ")", f)


def _appliance(w: Wording, f: Facts) -> str:
    if f.get("service"):
        return w.fmt("traffic handed to {target}, a Gateway Load Balancer endpoint for {service}; the appliance "
                     "behind it decides, and its rules are not in the snapshot", f)
    return w.fmt("traffic handed to {target}; what that appliance does is not modelled", f)


def _network_firewall(w: Wording, f: Facts) -> str:
    head = "{endpoint} of Network Firewall {firewall} (policy {policy}) in {subnet}"
    outcome = str(f.get("outcome"))
    if outcome == "unknown":
        return w.fmt(head + ": its verdict cannot be told from the snapshot", f)
    decided = " by {rule}" if f.get("rule") else ""
    decided += " in rule group {rule_group}" if f.get("rule_group") else ""
    verb = {"pass": "passed", "drop": "dropped"}.get(outcome, outcome)
    return w.fmt(head + ": " + verb + decided + " (" + str(f.get("stage")).replace("-", " ") + ")", f)


HOPS: dict[str, Template] = {
    "instance": "{name} {ip} in {subnet}, {vpc} (account {account}); runtime {runtime}",
    "proxy": "HTTP proxy {url} ({variable}); the proxy resolves the name and its subnet's route table decides",
    "dns": _dns,
    "route-table": _route_table,
    "route-table-return": "return path: {rtb} sends {destination} via {route} → {target}",
    "vpc-peering": "{pcx} {requester} ({requester_region}) ⇄ {accepter} ({accepter_region}) ({status})",
    "transit-gateway": "{tgw} route table {tgw_rtb}: {destination} → {attachment}",
    "transit-gateway-egress": "{destination} handed to {tgw}",
    "tgw-attachment-in": "enters {tgw} through {attachment} at {subnet} ({az}) of {vpc}",
    "tgw-attachment-out": "{tgw} delivers through {attachment} at {subnet} ({az}) of {vpc}",
    "nat-gateway": "{nat} in {subnet}; egress address {public_ip}",
    "internet-gateway": "{igw}; egress address {public_ip}",
    "gateway-endpoint": _gateway_endpoint,
    "interface-endpoint": _interface_endpoint,
    "s3-bucket": "bucket {bucket} in {region}, account {account}; {action} on {resource}",
    "service": "{service} in {region} ({host})",
    "destination-instance": "{name} {ip} port {port} in {subnet}",
    "private-address": "{ip} port {port} ({interface_type})",
    "appliance": _appliance,
    "network-firewall": _network_firewall,
    "resolver-endpoint": "outbound Resolver endpoint {endpoint} forwards {host} ({rule}: {domain}) to {targets};"
                         " routed to {routed}",
    # The rules that admitted a hop (engine.evidence dicts), appended to its note.
    "admitted-by": "{note}; admitted by {rules}",
    "admitted-security-group-rule-egress": "{resource} outbound rule {rule} to {peers}",
    "admitted-security-group-rule-ingress": "{resource} inbound rule {rule} from {peers}",
    "admitted-network-acl-entry-egress": "{resource} outbound rule {rule_number} {action} {rule} {cidr}",
    "admitted-network-acl-entry-ingress": "{resource} inbound rule {rule_number} {action} {rule} {cidr}",
    "admitted-reply": "{text} (for the reply)",
    "admitted-route": "route {destination} → {target} ({how})",
}


# --- filters ----------------------------------------------------------------------------------------------


def _sg_rule(rule: IpPermission) -> str:
    proto = "all traffic" if rule.ip_protocol == "-1" else rule.ip_protocol
    ports = "" if rule.from_port in (None, -1) else (
        f" {rule.from_port}" if rule.from_port == rule.to_port else f" {rule.from_port}-{rule.to_port}")
    peers = [r.cidr_ip for r in rule.ip_ranges] + [p.prefix_list_id for p in rule.prefix_list_ids] + \
        [g.group_id for g in rule.user_id_group_pairs]
    return f"{proto}{ports} {', '.join(peers)}".strip()


def _security_groups(w: Wording, f: Facts) -> str:
    result: FilterResult = f["filter"]
    if isinstance(result.rule, IpPermission):
        return _sg_rule(result.rule)
    direction, towards = ("egress", "to") if result.egress else ("ingress", "from")
    groups = ", ".join(result.groups) or "any group"
    peer = w.value(result.peer, f)
    return f"no {direction} rule of {groups} allows {result.protocol} {result.ports[0]} {towards} {peer}"


def _acl(w: Wording, f: Facts) -> str:
    result: FilterResult = f["filter"]
    direction = "outbound" if result.egress else "inbound"
    entry = result.rule
    if isinstance(entry, NetworkAclEntry):
        number = "*" if entry.rule_number == 32767 else str(entry.rule_number)
        rule = f"rule {number} {entry.rule_action} {entry.cidr_block or entry.ipv6_cidr_block}"
    else:
        rule = "no rule matches (implicit deny)"
    return w.fmt(f"network ACL {result.resource} ({direction} at {{subnet}}) {rule}", f)


# --- policies ---------------------------------------------------------------------------------------------


def _policy_refusal(code: Code) -> Template:
    return policy_refusal(code, _POLICY_WORDS)


def _no_policy(code: Code, resource: str) -> str:
    if code is Code.BUCKET_POLICY_DENY:
        return f"bucket {resource} has no bucket policy, so nothing there allows the cross-account request"
    return f"{resource} has no resource policy, so nothing there allows the cross-account request"


_LAYER_LEAD = {
    # What an implicit deny of that layer means, naming where it sits (IAM UG, "Policy evaluation logic").
    Layer.BOUNDARY: "permissions boundary {where} does not allow this request, and a boundary caps what the"
                    " identity policies (and a bucket policy naming the role) can grant",
    Layer.SESSION: "session policy {where} does not allow this request",
    Layer.SCP: "no service control policy attached at {where} allows this request; every level of the"
               " account's path to the organisation root must allow",
    Layer.RCP: "no resource control policy attached at {where} allows this request; every level of the"
               " bucket owner's path to the organisation root must allow",
}
# RESOURCE_POLICY_DENY's implicit deny (BUCKET_POLICY_DENY keeps its own words).
_RESOURCE_LEAD = ("the resource policy of {where} allows neither the caller nor its account, and IAM policies"
                  " alone cannot grant access to it")


_POLICY_WORDS = PolicyWords(describe_result, describe_statement, _no_policy, _LAYER_LEAD, _RESOURCE_LEAD)


def _policy_allows(w: Wording, f: Facts) -> str:
    return describe_decision(f["decision"])


# --- codes ------------------------------------------------------------------------------------------------


def _no_proxy_match(w: Wording, f: Facts) -> str:
    compared = "" if f.get("host") == f.get("url_host") else " (the name {runtime} compares for {url_host})"
    return w.fmt("{runtime} connects directly: {variable} entry {entry!r} matches {host}" + compared, f)


def _missing(w: Wording, f: Facts) -> str:
    kind = w.label(str(f.get("kind")))
    if f.get("via"):
        return w.fmt("{via} leads to " + kind + " {resource}, which is not in the snapshot", f)
    return w.fmt(kind + " {resource} is not in the snapshot", f)


def _address_missing(w: Wording, f: Facts) -> str:
    if f.get("role") == "proxy":
        return w.fmt("proxy address {ip} is not an interface in the snapshot (another account or region?)", f)
    return w.fmt("{ip} is not an interface in the snapshot; reachbot cannot see what answers there", f)


def _appliance_caveat(w: Wording, f: Facts) -> str:
    if str(f.get("kind")) == "gwlb-endpoint":
        return w.fmt("traffic to {destination} is handed to Gateway Load Balancer endpoint {target}: the appliance "
                     "behind it (a firewall or inspection fleet) decides, and its rules are not in the snapshot", f)
    return w.fmt("traffic to {destination} is handed to appliance {target}; reachbot cannot see past it", f)


def _firewall_deny(w: Wording, f: Facts) -> str:
    text = "Network Firewall {firewall} (policy {policy}) drops the request to {host}: {rule}"
    if f.get("rule_group") != f.get("policy"):
        text += " in rule group {rule_group}"
    if f.get("why"):
        text += " ({why})"
    return w.fmt(text, f)


def _policy_unread(w: Wording, f: Facts) -> str:
    what = str(f.get("what") or ("the bucket policy" if str(f.get("layer")) == "bucket" else "the identity policies"))
    return w.fmt(what + " of {owner} could not be read ({error}); grant {permission} to the collector", f)


CODES: dict[Code, Template] = {
    # refusals
    Code.NO_ROUTE: "route table {rtb} has no route for {destination}{why}",
    Code.NO_RETURN_ROUTE: "route table {rtb} has no route back to {destination}",
    Code.BLACKHOLE_ROUTE: "route table {rtb} sends {destination} to {target}, which no longer exists (blackhole)",
    Code.IGW_NO_PUBLIC_IP: "{eni} has no public IPv4 address, so internet gateway {igw} will not carry its traffic;"
                           " a private subnet needs a NAT gateway",
    Code.SG_EGRESS_DENY: _security_groups,
    Code.SG_INGRESS_DENY: _security_groups,
    Code.NACL_DENY: _acl,
    Code.DNS_NO_ANSWER: "{host} has no answer in {vpc}: {why}",
    Code.PROXY_UNREACHABLE: "proxy {url} is not reachable from {source}: {why}",
    Code.PEERING_NOT_ACTIVE: "peering connection {pcx} is {status}, not active",
    Code.PEERING_NOT_TRANSITIVE: "{pcx} only carries traffic between {requester} and {accepter}: peering is not"
                                 " transitive and a peer's internet gateway, NAT gateway or gateway endpoint cannot"
                                 " be used through it",
    Code.ENDPOINT_NOT_AVAILABLE: "{vpce} is in state {state}",
    Code.NAT_NO_INTERNET_ROUTE: "NAT gateway {nat} has no route to the internet: {why}",
    Code.TGW_NO_ATTACHMENT_IN_AZ: "transit gateway attachment {attachment} has no subnet in {az}, the Availability"
                                  " Zone of {subnet}: traffic from that zone cannot reach {tgw} (the attachment"
                                  " serves {attachment_azs})",
    Code.TGW_ATTACHMENT_NOT_AVAILABLE: "transit gateway attachment {attachment} ({vpc}) is {state}, not available:"
                                       " it carries no traffic",
    Code.CLIENT_PROXY_ERROR: "{runtime} fails before sending anything: {why}",
    Code.FIREWALL_DENY: _firewall_deny,
    Code.DNS_FIREWALL_BLOCK: "Route 53 Resolver DNS Firewall blocks {host} in {vpc}: rule {rule} of rule group"
                             " {rule_group} matches domain list {domain_list} (answer {response})",
    Code.ENDPOINT_POLICY_DENY: _policy_refusal(Code.ENDPOINT_POLICY_DENY),
    Code.BUCKET_POLICY_DENY: _policy_refusal(Code.BUCKET_POLICY_DENY),
    Code.RESOURCE_POLICY_DENY: _policy_refusal(Code.RESOURCE_POLICY_DENY),
    Code.IDENTITY_POLICY_DENY: _policy_refusal(Code.IDENTITY_POLICY_DENY),
    Code.PERMISSIONS_BOUNDARY_DENY: _policy_refusal(Code.PERMISSIONS_BOUNDARY_DENY),
    Code.SCP_DENY: _policy_refusal(Code.SCP_DENY),
    Code.RCP_DENY: _policy_refusal(Code.RCP_DENY),
    Code.SESSION_POLICY_DENY: _policy_refusal(Code.SESSION_POLICY_DENY),
    # notes
    Code.PROXY_CHOSEN: "{runtime} sends {url} to proxy {proxy} (from {variable}; {no_proxy_variable}={no_proxy})",
    Code.NO_PROXY_MATCH: _no_proxy_match,
    Code.DIRECT_CONNECTION: "{runtime} connects directly: {why}",
    Code.RESOLVED_AT_PROXY: "the proxy {proxy} resolves {host} and routes it from its own subnet; the client's own"
                            " endpoints and route tables play no part",
    Code.MORE_SPECIFIC_ROUTE: "{rtb}: {chosen} is more specific than {other} for {destination}",
    Code.ENDPOINT_OTHER_REGION: "{vpce} serves {service} only; {destination} is another region's, so it is not used",
    Code.POLICY_ALLOWS: _policy_allows,
    Code.POLICY_NOTE: "{note}",
    Code.PRIVATE_DNS_NEEDS_HOSTNAMES: "{bypassed} would answer {host} in {vpc}, but private hosted zones and"
                                      " endpoint private DNS need enableDnsHostnames, which is false there: the"
                                      " name resolves as public DNS has it",
    # proxy-choice reasons
    Code.PROXY_ENV: "a proxy variable {runtime} reads applies and no exclusion entry matches",
    Code.NO_PROXY_ALL: "the exclusion list is the '*' wildcard, so {runtime} proxies nothing",
    Code.NO_PROXY_CONFIGURED: "no proxy variable that {runtime} reads is set for this URL's scheme",
    Code.LOOPBACK_DIRECT: "{runtime} always connects to loopback addresses directly",
    Code.NO_FIX_TO_TRY: "reachbot has no change to propose for {refusal} at {resource}; the refusal's detail says "
                        "what to change by hand",
    Code.NO_FIX_DELIBERATE_DENY: lambda w, f: (
        f"the deciding statement{' ' + repr(f['sid']) if f.get('sid') else ''} of {f['resource']} is an explicit "
        "Deny, a guard someone put there on purpose: reachbot does not propose removing it; ask its owner"),
    Code.NO_FIX_NOT_PROVEN: "none of the {tried} change(s) reachbot tried made the question reachable when re-traced "
                            "(each is listed, not proven); something further along still refuses",
    Code.CGI_IGNORED: "HTTP_PROXY is ignored because REQUEST_METHOD is set (CGI protection)",
    Code.CGI_REFUSED: "Go refuses HTTP_PROXY when REQUEST_METHOD is set (CGI), and the request errors out",
    Code.UPPERCASE_HTTP_PROXY_IGNORED: "curl never reads HTTP_PROXY in upper case, only http_proxy",
    Code.RUNTIME_IGNORES_ENV: "{runtime} does not read proxy environment variables",
    Code.PROXY_URL_UNSUPPORTED: "the proxy URL is not one this client accepts (e.g. requests and a bare host:port)",
    # policy notes (the policy evaluator's own English, engine.policy.explain)
    **{code: NOTE_TEXT[code] for code in (
        Code.NOTPRINCIPAL_ROLE_SESSION, Code.NOTPRINCIPAL_ACCOUNT_MISSING, Code.ACCOUNT_PRINCIPAL_DELEGATES,
        Code.ACCOUNT_PRINCIPAL_ROOT_ONLY, Code.POLICY_VARIABLE_UNRESOLVED, Code.NOTPRINCIPAL_WITH_BOUNDARY)},
    # caveats
    Code.COLLECTION_GAP: "{operation} failed ({error}) for {scope}: the answer depends on data that was not"
                         " collected; grant {permission} to the collector and re-collect",
    Code.INSTANCE_NOT_PLACED: "{instance}: its network interface or subnet is not in the snapshot",
    Code.RESOURCE_NOT_IN_SNAPSHOT: _missing,
    Code.ADDRESS_NOT_IN_SNAPSHOT: _address_missing,
    Code.ADDRESS_AMBIGUOUS: "proxy address {ip} belongs to {count} interfaces in different VPCs",
    Code.PROXY_NOT_AN_INSTANCE: "proxy address {ip} is {eni}, not an instance",
    Code.NO_ROUTE_TABLE: "no route table recorded for {subnet} or its VPC {vpc}",
    Code.ROUTING_LOOP: "gave up after {count} hand-offs towards {destination} (routing loop?)",
    Code.APPLIANCE_NOT_VISIBLE: _appliance_caveat,
    Code.TGW_ROUTE_WITHOUT_ATTACHMENT: "{tgw_rtb}: route {route} names no attachment",
    Code.TGW_CHAIN_TOO_LONG: "gave up after {count} transit gateways towards {destination}",
    Code.TGW_EGRESS_NOT_TRACED: "{destination} leaves through transit gateway {tgw}; centralised egress behind a"
                                " transit gateway is not traced further yet",
    Code.TGW_APPLIANCE_MODE_OFF: "the flow crosses {vpc} through {attachment} in {forward_az} and comes back"
                                 " in {return_az}; without appliance mode (now {mode}) a stateful appliance there"
                                 " sees only one direction and may drop it",
    Code.TGW_AZ_UNDETERMINED: "{tgw} may hand the traffic to any of {subnets} of {attachment}; their network ACLs"
                              " or route tables differ, so the outcome depends on the zone chosen",
    Code.PREFIX_LIST_NOT_COLLECTED: "{resource} refers to prefix list {prefix_list}, whose entries were not collected"
                                    " (another account's list shared through RAM?): collect that account or the"
                                    " list's entries",
    Code.NO_INSTANCE_ROLE: "{instance} has no instance profile role in the snapshot, so the request's credentials"
                           " (and the identity policy) are unknown",
    Code.POLICY_UNREAD: _policy_unread,
    Code.EC2_NAME_NOT_IN_SNAPSHOT: "{host} is an EC2 instance's private DNS name, but no instance of the snapshot"
                                   " has it (another account, or a VPC not collected): the Amazon-provided"
                                   " resolver of {vpc} may answer it, and where it points is not in the snapshot",
    Code.PUBLIC_DNS_ASSUMED: "{host} is not in the snapshot's private zones, endpoints or instances: public DNS is"
                             " assumed to resolve it to a public internet address (not checked)",
    Code.POLICY_KEY_UNKNOWN: "the policies' decision turns on {keys}, whose value the snapshot does not hold"
                             " ({why}); allowed one way, refused the other",
    Code.ORGANIZATION_UNREAD: "the organisation of account {account} was not read ({error}): service and"
                              " resource control policies may refuse this request; read them with --org-role",
    Code.FIREWALL_ASYMMETRIC: "the reply to {client} comes back from {via} without crossing Network Firewall"
                              " {firewall}: a stateful firewall that sees one direction of a flow drops or"
                              " cannot judge it (route the return through the firewall endpoint)",
    Code.FIREWALL_NOT_EVALUATED: "Network Firewall {firewall}: rule group {rule_group} could decide this request"
                                 " but reachbot cannot evaluate it ({why})",
    Code.DNS_FIREWALL_NOT_EVALUATED: "DNS Firewall rule group {rule_group} of {vpc} uses domain list {domain_list},"
                                     " which the snapshot does not hold, and it could decide {host}",
    Code.RESOLVER_FORWARDED: "{host} is forwarded by Resolver rule {rule} ({domain}) to {targets} through"
                             " endpoint {endpoint}; their answer is not in the snapshot",
    Code.DNS_ATTRIBUTES_UNKNOWN: "the snapshot does not record {attributes} of {vpc}, and the answer for {host}"
                                 " depends on it; re-collect (ec2:DescribeVpcAttribute) to settle it",
    Code.RESOURCE_POLICY_NOT_COLLECTED: "{action} on {host} is also decided by the resource's own policy (a key"
                                        " policy, a secret's policy, a role's trust policy), which the snapshot"
                                        " does not hold",
    Code.KMS_GRANTS_NOT_COLLECTED: "no policy allows this request, but a grant on KMS key {key} may (grants allow"
                                   " their grantee besides the key policy and IAM policies); grants are not"
                                   " collected (kms:ListGrants)",
    Code.KMS_KEY_NOT_ENABLED: "KMS key {key} is in state {state}, not Enabled: cryptographic operations on it"
                              " fail (KMSInvalidStateException) whatever the policies allow",
    Code.POLICY_NOT_EVALUATED: "the endpoint policy of {vpce} is not evaluated for {host}: reachbot evaluates"
                               " policies for S3 requests only",
}


def _zone_has_no_record(w: Wording, f: Facts) -> str:
    if f.get("zone"):
        return w.fmt("private hosted zone {zone} owns the name but has no record for it", f)
    return "the private hosted zone has no record for it"


REASONS: dict[Reason, Template] = {
    Reason.NONE: "",
    Reason.ENDPOINT_SERVES_OTHER_REGION: " (its gateway endpoint {vpce} serves {service} only, and there is no"
                                         " internet or NAT route)",
    Reason.LEADS_OUT_OF_NETWORK: " inside the network: its best match, {route} → {target}, leads out of it",
    Reason.VPC_NOT_ATTACHED: " ({vpc} is not attached to {tgw})",
    Reason.ATTACHMENT_NOT_ASSOCIATED: " (the attachment has no associated route table)",
    Reason.ZONE_HAS_NO_RECORD: _zone_has_no_record,
    Reason.NOT_A_PRIVATE_NAME: "not a private name",
    Reason.RESERVED_NAME: "the name is reserved ({rfc}) and no private hosted zone holds it: public DNS never"
                          " answers for it (a localhost name would only mean the asking machine itself)",
    Reason.PROXY_URL_INVALID: "the proxy URL {proxy} from {variable} has no usable host and port (a port is"
                              " 1-65535), so the client fails to connect to the proxy",
    Reason.RESOLVER_TARGET: " (the forwarding rule {rule}'s target resolvers, from outbound endpoint {endpoint}:"
                            " the name cannot be resolved)",
    Reason.DNS_SUPPORT_DISABLED: "its enableDnsSupport attribute is false, so the Amazon-provided resolver does not"
                                 " answer any name there",
    Reason.PRIVATE_NAT_GATEWAY: "it is a private NAT gateway",
    Reason.NAT_SUBNET_NO_IGW_ROUTE: "its subnet's route table {rtb} has no internet gateway route for {destination}",
    Reason.PROXY_PORT_CLOSED: "{instance} listens on {ports}, not {port}",
    Reason.GATEWAY_ENDPOINT_NOT_TRANSITIVE: ": it arrived through transit gateway attachment {attachment}, and"
                                            " gateway endpoint {vpce} only serves traffic from its own VPC",
    Reason.IGW_NEEDS_NAT: ": internet gateway {igw} only translates addresses of its own VPC's interfaces, so a"
                          " private source arriving through the transit gateway needs a NAT gateway",
    Reason.PLAIN_TCP: "a plain TCP connection; proxy settings apply only to HTTP(S) clients",
}

CATALOG = Catalog(lang="en", hops=HOPS, codes=CODES, reasons=REASONS, labels={**LABELS, **SCREEN}, address=_address)
