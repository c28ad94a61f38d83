"""The answer: typed data with the JSON shape fixed by ``interfaces.md``. Rendering is not its job.

Every refusal and explanation carries a code from :class:`Code`; the words for each code live in
``engine.wording`` (one place, shared by the CLI, the JSON ``detail`` fields and the Slack bot).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class Code(StrEnum):
    """Why a request is refused, or what the trace noticed. Named after Reachability Analyzer's codes."""

    # refusals
    NO_ROUTE = "NO_ROUTE"
    NO_RETURN_ROUTE = "NO_RETURN_ROUTE"
    BLACKHOLE_ROUTE = "BLACKHOLE_ROUTE"
    IGW_NO_PUBLIC_IP = "IGW_NO_PUBLIC_IP"
    SG_EGRESS_DENY = "SG_EGRESS_DENY"
    SG_INGRESS_DENY = "SG_INGRESS_DENY"
    NACL_DENY = "NACL_DENY"
    DNS_NO_ANSWER = "DNS_NO_ANSWER"
    PROXY_UNREACHABLE = "PROXY_UNREACHABLE"
    PEERING_NOT_ACTIVE = "PEERING_NOT_ACTIVE"
    PEERING_NOT_TRANSITIVE = "PEERING_NOT_TRANSITIVE"
    ENDPOINT_NOT_AVAILABLE = "ENDPOINT_NOT_AVAILABLE"
    NAT_NO_INTERNET_ROUTE = "NAT_NO_INTERNET_ROUTE"
    CLIENT_PROXY_ERROR = "CLIENT_PROXY_ERROR"
    ENDPOINT_POLICY_DENY = "ENDPOINT_POLICY_DENY"
    BUCKET_POLICY_DENY = "BUCKET_POLICY_DENY"
    IDENTITY_POLICY_DENY = "IDENTITY_POLICY_DENY"
    # observations (explanations that do not refuse)
    PROXY_CHOSEN = "PROXY_CHOSEN"
    NO_PROXY_MATCH = "NO_PROXY_MATCH"
    DIRECT_CONNECTION = "DIRECT_CONNECTION"
    RESOLVED_AT_PROXY = "RESOLVED_AT_PROXY"
    MORE_SPECIFIC_ROUTE = "MORE_SPECIFIC_ROUTE"
    ENDPOINT_OTHER_REGION = "ENDPOINT_OTHER_REGION"
    POLICY_ALLOWS = "POLICY_ALLOWS"
    POLICY_NOTE = "POLICY_NOTE"


REFUSALS = frozenset(
    {
        Code.NO_ROUTE, Code.NO_RETURN_ROUTE, Code.BLACKHOLE_ROUTE, Code.IGW_NO_PUBLIC_IP, Code.SG_EGRESS_DENY,
        Code.SG_INGRESS_DENY, Code.NACL_DENY, Code.DNS_NO_ANSWER, Code.PROXY_UNREACHABLE, Code.PEERING_NOT_ACTIVE,
        Code.PEERING_NOT_TRANSITIVE, Code.ENDPOINT_NOT_AVAILABLE, Code.NAT_NO_INTERNET_ROUTE, Code.CLIENT_PROXY_ERROR,
        Code.ENDPOINT_POLICY_DENY, Code.BUCKET_POLICY_DENY, Code.IDENTITY_POLICY_DENY,
    }
)
POLICY_REFUSALS = frozenset({Code.ENDPOINT_POLICY_DENY, Code.BUCKET_POLICY_DENY, Code.IDENTITY_POLICY_DENY})

Verdict = Literal["reachable", "blocked", "unknown"]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceInfo(Out):
    id: str
    name: str | None
    region: str
    account: str | None


class DestinationInfo(Out):
    kind: str
    id: str
    host: str | None
    region: str | None


class Hop(Out):
    kind: str
    id: str
    region: str | None
    note: str


class Refusal(Out):
    code: str
    resource: str
    statement: dict[str, Any] | None = None
    detail: str


class Explanation(Out):
    code: str
    resource: str
    detail: str


class Fix(Out):
    kind: str  # "no_proxy", "route_table", "endpoint_policy", "bucket_policy", "identity_policy", "combined"
    summary: str
    verified: bool
    change: dict[str, Any]
    owner: str = ""  # who makes the change: the client's team, the network team, the bucket owner
    command: str = ""  # copy-paste form
    breaks: list[str] = []  # questions that worked before and would stop working
    rank: int = 0


class SnapshotInfo(Out):
    source: str
    taken_at: str
    age: str = ""


class Answer(Out):
    question: str
    verdict: Verdict
    source: SourceInfo
    destination: DestinationInfo
    hops: list[Hop]
    blocked_by: Refusal | None
    explanations: list[Explanation]
    fixes: list[Fix] = []
    caveats: list[str] = []
    snapshot: SnapshotInfo
    runtime: str = ""
    action: str = ""
    request_context: dict[str, Any] | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
