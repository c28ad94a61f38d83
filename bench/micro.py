"""Per-call figures of the two hot inner steps, on the bundled article estate (printed by ``bench.bench``).

- policy evaluation: every compiled policy of the estate (endpoint, bucket, identity) evaluated against the
  request context of the article's case 3, microseconds per evaluation (target: tens of microseconds);
- proxy choice: ``choose_proxy`` for one URL under each runtime, with the estate's proxied client's
  environment, microseconds per call.
Medians of a few repetitions, one process, no garbage-collector tricks.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

RUNS = 2000


def micro_figures() -> dict[str, Any]:
    from engine import Engine, load_bundled
    from engine.policybook import PolicyBook
    from engine.proxy import RUNTIMES, choose_proxy

    eng = Engine(load_bundled(), "bundled")
    question = eng.parse("why can web-osaka-a not reach bucket app-data")
    ctx = _context(eng, question)
    book = PolicyBook(eng.topology)
    policies = [p for ep in eng.topology.endpoints.values() if (p := book.endpoint(ep)) is not None]
    policies += [p for b in eng.topology.buckets.values() if (p := book.bucket(b)) is not None]
    policies += [p for r in eng.topology.roles.values() for p in book.identity(r)]
    # A full evaluation each time: evaluate() reuses the result of a policy without conditions, which would
    # measure a dictionary lookup instead.
    per_policy = [_per_call_us(lambda p=p: p._evaluate(ctx, p.kind, False)) for p in policies]
    env = {k: v.value for k, v in question.source.proxy_environment.items()}
    url = question.destination.url
    per_runtime = {rt: _per_call_us(lambda rt=rt: choose_proxy(url, env, rt)) for rt in RUNTIMES}
    return {"policies": len(policies), "policy_eval_us_median": statistics.median(per_policy),
            "policy_eval_us_max": max(per_policy), "choose_proxy_us": per_runtime}


def _context(eng: Any, question: Any) -> Any:
    """The request context the walk builds for the question (the client's role, through the proxy-side endpoint)."""
    from engine.policy import RequestContext

    rc = dict(eng.trace(question).request_context or {})
    principal, action, resource = rc.pop("principal"), rc.pop("action"), rc.pop("resource")
    return RequestContext.build(principal_arn=principal, action=action, resource=resource, keys=rc)


def _per_call_us(call: Callable[[], object]) -> float:
    call()
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(RUNS):
            call()
        samples.append((time.perf_counter() - started) / RUNS * 1e6)
    return statistics.median(samples)
