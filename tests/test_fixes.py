"""Proven fixes on the article's blocked cases (issue #5): each fix is re-traced before it is offered."""

from __future__ import annotations

from engine import Engine
from engine.fixes import propose_fixes
from engine.patch import change_from_json, patched_engine


def _answer(eng: Engine, src: str, bucket: str):  # type: ignore[no-untyped-def]
    return eng.ask(f"why can {src} not reach bucket {bucket}")


def test_case3_gets_a_verified_no_proxy_fix_first(article_engine: Engine) -> None:
    """Case 3: the client's own NO_PROXY (narrowest entry: the regional S3 name) sends S3 to its own endpoint."""
    a = _answer(article_engine, "web-osaka-a", "app-data")
    first = a.fixes[0]
    assert first.kind == "no_proxy" and first.verified and not first.breaks
    assert first.change["variable"] == "NO_PROXY" and first.change["runtime"] == "python"
    entries = first.change["value"].split(",")
    assert "s3.ap-northeast-3.amazonaws.com" in entries and ".amazonaws.com" not in entries
    assert first.command.startswith("export NO_PROXY=")


def test_case6_narrows_the_over_broad_entry_and_keeps_case4_direct(article_engine: Engine) -> None:
    """Case 6: replacing '.amazonaws.com' by Osaka's own S3 name sends Tokyo S3 through the proxy (reachable)
    while Osaka S3 keeps going direct through the client-side endpoint (case 4)."""
    a = _answer(article_engine, "batch-osaka-b", "app-data-tokyo")
    fix = next(f for f in a.fixes if f.kind == "no_proxy")
    assert fix.verified and not fix.breaks and a.fixes[0] == fix
    assert ".amazonaws.com" not in fix.change["value"].split(",")
    q4 = article_engine.parse("batch-osaka-b -> app-data")
    patched, q = patched_engine(article_engine, q4, [change_from_json(fix.kind, fix.change)])
    t = patched.trace(q)
    assert t.verdict == "reachable" and t.proxy_instance is None and t.endpoint is not None


def test_case7_gets_a_verified_policy_fix_and_an_honest_unproven_route_fix(article_engine: Engine) -> None:
    """Case 7: the Tokyo client cannot use Osaka's client-side endpoint, so only policy changes at the proxy-side
    endpoint *and* the bucket make it reachable; route and NO_PROXY changes are listed as not proven."""
    a = _answer(article_engine, "web-tokyo-a", "app-data")
    first = a.fixes[0]
    assert first.verified and first.kind == "combined"
    kinds = [s["kind"] for s in first.change["steps"]]
    assert kinds == ["endpoint_policy", "bucket_policy"]
    assert "modify-vpc-endpoint" in first.command and "put-bucket-policy" in first.command
    bucket_policy = first.change["steps"][1]["change"]["policy"]
    cond = bucket_policy["Statement"][0]["Condition"]["StringNotEquals"]["aws:sourceVpce"]
    assert isinstance(cond, list) and len(cond) == 2  # the proxy-side endpoint added to the pinned one
    unproven = [f for f in a.fixes if not f.verified]
    assert {f.kind for f in unproven} >= {"no_proxy", "route_table"}


def test_a_fix_that_breaks_a_working_flow_is_never_first(article_engine: Engine) -> None:
    """Removing the proxy-side endpoint route would be offered for case 1 only with its side effects listed."""
    a = _answer(article_engine, "squid-proxy-osaka", "app-data")
    assert a.fixes, "case 1 should get candidate fixes"
    assert not a.fixes[0].breaks
    assert all(f.verified or not f.breaks for f in a.fixes[:1])


def test_fixes_are_not_searched_for_reachable_answers(article_engine: Engine) -> None:
    a = _answer(article_engine, "web-tokyo-a", "app-data-tokyo")
    assert a.verdict == "reachable" and a.fixes == []


def test_propose_fixes_leaves_the_engine_untouched(article_engine: Engine) -> None:
    q = article_engine.parse("web-osaka-a -> app-data")
    before = article_engine.trace(q).verdict
    propose_fixes(article_engine, q, article_engine.trace(q))
    assert article_engine.trace(q).verdict == before == "blocked"


def test_route_fix_that_breaks_the_proxys_own_pinned_bucket_is_ranked_after_a_safe_one() -> None:
    """Removing the proxy-side endpoint route would fix the client but break the proxy's own bucket, which is
    pinned to that endpoint: the fix is listed with what it breaks and never ranked first, even though a route
    change has a smaller blast radius than an endpoint policy change."""
    from tests.scenarios import ACCOUNT, REGION, RW, Small

    s = Small()
    edge, edge_sub, edge_rtb = s.edge_vpc()
    vpce = s.b.gateway_endpoint(edge, "s3", [edge_rtb], policy={"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::proxy-config", "arn:aws:s3:::proxy-config/*"]}]})
    s.b.bucket("proxy-config", REGION, ACCOUNT, policy={"Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::proxy-config/*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": vpce}}}]})
    s.proxy(edge, edge_sub, role_arn=s.b.role(ACCOUNT, "proxy-role", {"rw": RW}))
    s.client(proxy_env={"HTTPS_PROXY": "http://10.9.0.10:3128"})
    eng = s.engine()
    a = eng.ask("client -> data-here")
    assert a.blocked_by is not None and a.blocked_by.code == "ENDPOINT_POLICY_DENY"
    route_fix = next(f for f in a.fixes if f.kind == "route_table")
    assert route_fix.verified and route_fix.breaks == ["client → proxy-config", "proxy → proxy-config"]
    assert a.fixes[0].kind == "endpoint_policy" and a.fixes[0].verified and not a.fixes[0].breaks


def test_private_subnet_without_a_route_gets_proven_nat_and_endpoint_fixes() -> None:
    """A private subnet with no route to S3: associating its table with the VPC's own gateway endpoint, or adding
    a default route to the VPC's NAT gateway, each re-trace as reachable (found by walking the VPC's graph)."""
    from tests.scenarios import Small

    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    vpce = s.b.gateway_endpoint(s.vpc, "s3", [s.public_rtb])
    s.client()
    a = s.engine().ask("client -> data-here")
    assert a.blocked_by is not None and a.blocked_by.code == "NO_ROUTE"
    changes = {(f.change.get("action"), f.change.get("vpc_endpoint") or f.change.get("nat_gateway")): f
               for f in a.fixes if f.kind == "route_table"}
    assert changes[("associate_endpoint", vpce)].verified
    assert changes[("add_route", nat)].verified
    assert "create-route" in changes[("add_route", nat)].command


def test_an_explicit_deny_gets_no_fix_and_says_it_is_left_to_its_owner() -> None:
    """An explicit Deny in a bucket policy is a deliberate guard: reachbot proposes no change to it, and the answer
    says so (code NO_FIX_DELIBERATE_DENY) instead of leaving the reader to wonder why no fix is offered."""
    from tests.scenarios import ACCOUNT, REGION, Small

    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    s.b.bucket("locked", REGION, ACCOUNT, policy={"Statement": [{
        "Sid": "NoOneReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::locked/*"}]})
    s.client()
    a = s.engine().ask("client -> locked")
    assert a.blocked_by is not None and a.blocked_by.code == "BUCKET_POLICY_DENY"
    assert not any(f.verified for f in a.fixes)
    assert a.no_fix is not None and a.no_fix.code == "NO_FIX_DELIBERATE_DENY" and a.no_fix.resource == "locked"
    assert "'NoOneReads'" in a.no_fix.detail and "explicit Deny" in a.no_fix.detail


def test_a_refusal_reachbot_has_no_change_for_says_so() -> None:
    """A security group with no egress rule refuses (SG_EGRESS_DENY); reachbot proposes no security-group change,
    and the answer names the refusal it has nothing to try for."""
    from tests.scenarios import Small

    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    closed = s.b.security_group(s.vpc, "closed", egress=[])
    s.b.instance(s.private, "client", "10.0.1.10", [closed], role_arn=s.role)
    a = s.engine().ask("client -> data-here")
    assert a.blocked_by is not None and a.blocked_by.code == "SG_EGRESS_DENY"
    assert a.fixes == [] and a.no_fix is not None and a.no_fix.code == "NO_FIX_TO_TRY"
    assert "SG_EGRESS_DENY" in a.no_fix.detail


def test_answers_with_a_proven_fix_or_not_blocked_have_no_no_fix_note(article_engine: Engine) -> None:
    case3 = _answer(article_engine, "web-osaka-a", "app-data")
    assert case3.verdict == "blocked" and case3.fixes[0].verified and case3.no_fix is None
    reachable = _answer(article_engine, "web-osaka-a", "app-data-tokyo")  # case 5
    assert reachable.verdict == "reachable" and reachable.no_fix is None
