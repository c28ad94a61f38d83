"""The answer: typed data with the JSON shape fixed by ``interfaces.md``. Rendering is not its job.

Every refusal and explanation carries a code from :class:`engine.codes.Code`; the words for each code live in
the catalogs of ``engine.wording``, applied once when a trace becomes an answer (``engine.engine.to_answer``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.codes import POLICY_REFUSALS, REFUSALS, Code

__all__ = [
    "POLICY_REFUSALS", "REFUSALS", "Answer", "Code", "DestinationInfo", "Explanation", "Fix", "Hop", "Refusal",
    "SnapshotInfo", "SourceInfo", "Verdict",
]


Verdict = Literal["reachable", "blocked", "unknown"]


class Out(BaseModel):
    # defer_build: validators are made on first use, not at import (a cold `reachbot ask`, issue #14).
    model_config = ConfigDict(frozen=True, defer_build=True)


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
