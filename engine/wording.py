"""The words for every code and hop: the one place where reachbot's prose lives.

The engine records codes and evidence; these templates turn them into the ``note`` and ``detail`` strings of
the JSON answer, which the terminal renderer and the Slack bot quote as they are.
"""

from __future__ import annotations

from typing import Any

from engine.answer import Code

HOP_NOTES: dict[str, str] = {
    "instance": "{name} {ip} in {subnet}, {vpc} (account {account}); runtime {runtime}",
    "proxy": "HTTP proxy {url} ({variable}); the proxy resolves the name and its subnet's route table decides",
    "proxy-direct": "no proxy: {reason}",
    "dns": "{host} resolved in {vpc} ({side} side) by {answered_by}: {answer}",
    "route-table": "{rtb} of {subnet}{main}: {destination} via {route} → {target}",
    "route-table-return": "return path: {rtb} sends {destination} via {route} → {target}",
    "vpc-peering": "{pcx} {requester} ⇄ {accepter} ({status})",
    "transit-gateway": "{tgw} route table {tgw_rtb}: {destination} → {attachment}",
    "nat-gateway": "{nat} in {subnet}; egress address {public_ip}",
    "internet-gateway": "{igw}; egress address {public_ip}",
    "gateway-endpoint": "{vpce} for {service} (gateway endpoint in {vpc}; policy: {policy})",
    "interface-endpoint": "{vpce} for {service} (interface endpoint ENI {eni} {ip}; policy: {policy})",
    "s3-bucket": "bucket {bucket} in {region}, account {account}; {action} on {resource}",
    "service": "{service} in {region} ({host})",
    "destination-instance": "{name} {ip} port {port} in {subnet}",
    "appliance": "traffic handed to {target}; what that appliance does is not modelled",
}

DETAILS: dict[str, str] = {
    Code.NO_ROUTE: "route table {rtb} has no route for {destination}{why}",
    Code.NO_RETURN_ROUTE: "route table {rtb} has no route back to {destination}",
    Code.BLACKHOLE_ROUTE: "route table {rtb} sends {destination} to {target}, which no longer exists (blackhole)",
    Code.IGW_NO_PUBLIC_IP: "{eni} has no public IPv4 address, so internet gateway {igw} will not carry its traffic;"
                           " a private subnet needs a NAT gateway",
    Code.SG_EGRESS_DENY: "{rule}",
    Code.SG_INGRESS_DENY: "{rule}",
    Code.NACL_DENY: "network ACL {acl} ({direction}) {rule}",
    Code.DNS_NO_ANSWER: "{host} has no answer in {vpc}: {why}",
    Code.PROXY_UNREACHABLE: "proxy {url} is not reachable from {source}: {why}",
    Code.PEERING_NOT_ACTIVE: "peering connection {pcx} is {status}, not active",
    Code.PEERING_NOT_TRANSITIVE: "{pcx} only carries traffic between {vpcs}: peering is not transitive and a peer's"
                                 " internet gateway, NAT gateway or gateway endpoint cannot be used through it",
    Code.ENDPOINT_NOT_AVAILABLE: "{vpce} is in state {state}",
    Code.NAT_NO_INTERNET_ROUTE: "NAT gateway {nat} has no route to the internet: {why}",
    Code.CLIENT_PROXY_ERROR: "{runtime} fails before sending anything: {why}",
    Code.PROXY_CHOSEN: "{runtime} sends {url} to proxy {proxy} (from {variable}; {no_proxy_variable}={no_proxy})",
    Code.NO_PROXY_MATCH: "{runtime} connects directly: {variable} entry {entry!r} matches {host}{compared}",
    Code.DIRECT_CONNECTION: "{runtime} connects directly: {why}",
    Code.RESOLVED_AT_PROXY: "the proxy {proxy} resolves {host} and routes it from its own subnet; the client's own"
                            " endpoints and route tables play no part",
    Code.MORE_SPECIFIC_ROUTE: "{rtb}: {chosen} is more specific than {other} for {destination}",
    Code.ENDPOINT_OTHER_REGION: "{vpce} serves {service} only; {destination} is another region's, so it is not used",
    Code.POLICY_ALLOWS: "{detail}",
    Code.POLICY_NOTE: "{detail}",
}


def hop_note(kind: str, **evidence: Any) -> str:
    return HOP_NOTES[kind].format_map(_Lenient(evidence))


def detail(code: str, **evidence: Any) -> str:
    template = DETAILS.get(code, "{detail}")
    return template.format_map(_Lenient(evidence))


class _Lenient(dict[str, Any]):
    """Missing evidence renders as '?', never as a KeyError in the middle of an incident."""

    def __missing__(self, key: str) -> str:
        return "?"
