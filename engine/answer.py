"""The answer: typed data with the JSON shape fixed by ``interfaces.md``. Rendering is not its job.

Every refusal and explanation carries a code from :class:`engine.codes.Code`; the words for each code live in
the catalogs of ``engine.wording``, applied once when a trace becomes an answer (``engine.engine.to_answer``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SkipValidation

from engine.codes import POLICY_REFUSALS, REFUSALS, Code

__all__ = [
    "POLICY_REFUSALS", "REFUSALS", "SCHEMA_VERSION", "Answer", "Code", "DestinationInfo", "Explanation", "Fix",
    "Hop", "Refusal", "SnapshotInfo", "SourceInfo", "Verdict",
]


Verdict = Literal["reachable", "blocked", "unknown"]


class Out(BaseModel):
    # Every key is always written, defaults included, so the generated schema marks them all required;
    # defer_build: validators are made on first use, not at import (a cold `reachbot ask`, issue #14).
    model_config = ConfigDict(frozen=True, defer_build=True, json_schema_serialization_defaults_required=True)


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
    port: int | None = None  # the TCP port the client connects to (443 for AWS APIs over HTTPS)


class Hop(Out):
    kind: str
    id: str
    region: str | None
    note: str
    # The rules that let the packet on to this hop (engine.evidence): security group rules, network ACL entries
    # and, for a route-table hop, the route it used; each a dict whose "kind" tells its shape. Not validated:
    # engine.evidence builds them, and validating would copy every dict of every hop of every answer (bench/).
    admitted_by: SkipValidation[list[dict[str, Any]]] = []
    # Where the hop sits, for drawing the route as nested boxes (None where the hop has no such place).
    account: str | None = None
    vpc: str | None = None


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
    kind: str  # "no_proxy", "route_table", "endpoint_policy", "bucket_policy", "resource_policy", "identity_policy",
    #            "combined", …
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


SCHEMA_VERSION = 1  # of the JSON answer (docs/answer.md): raised when a key changes meaning or goes, not for additions


class Answer(Out):
    schema_version: int = SCHEMA_VERSION
    question: str
    verdict: Verdict
    source: SourceInfo
    destination: DestinationInfo
    hops: list[Hop]
    blocked_by: Refusal | None
    explanations: list[Explanation]
    fixes: list[Fix] = []
    no_fix: Explanation | None = None  # a blocked answer without a proven fix: why (code NO_FIX_*)
    caveats: list[str] = []
    snapshot: SnapshotInfo
    runtime: str = ""
    action: str = ""
    request_context: dict[str, Any] | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
