"""Answers that rest on data collection could not read are ``unknown`` with a caveat, never a guess."""

from __future__ import annotations

from engine import Engine
from engine import model as m
from tests.scenarios import ACCOUNT, REGION, Small


def _with_gaps(s: Small, *gaps: tuple[str, m.Gap], accounts: tuple[str, ...] = (ACCOUNT,)) -> Engine:
    snap = s.b.build()
    coverage = [m.Coverage(account_id=acct, region=region, complete=False, gaps=[gap])
                for region, gap in gaps for acct in accounts]
    return Engine(snap.model_copy(update={"coverage": coverage}), "test")


def test_unreadable_user_data_of_the_source_makes_the_answer_unknown() -> None:
    """Proxy settings come partly from user data: if it could not be read, the proxy choice is a guess."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    client = s.client()
    gap = m.Gap(service="ec2", operation="DescribeInstanceAttribute", error="UnauthorizedOperation",
                permission="ec2:DescribeInstanceAttribute", resource=client)
    a = _with_gaps(s, (REGION, gap)).ask("client -> data-here", fixes=False)
    assert a.verdict == "unknown" and any("ec2:DescribeInstanceAttribute" in c for c in a.caveats)


def test_a_gap_about_another_instance_does_not_matter() -> None:
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.client()
    gap = m.Gap(service="ec2", operation="DescribeInstanceAttribute", error="UnauthorizedOperation",
                resource="i-0someoneelse000000")
    assert _with_gaps(s, (REGION, gap)).ask("client -> data-here", fixes=False).verdict == "reachable"


def test_unread_zone_records_give_unknown_not_dns_no_answer() -> None:
    """A private zone whose records could not be listed would look like NXDOMAIN; say unknown instead."""
    s = Small()
    zone = s.b.private_zone("corp.example", [s.vpc], {}, ACCOUNT)
    s.client(proxy_env={"HTTPS_PROXY": "http://proxy.corp.example:3128"})
    gap = m.Gap(service="route53", operation="ListResourceRecordSets", error="AccessDenied",
                permission="route53:ListResourceRecordSets", resource=zone)
    a = _with_gaps(s, ("global", gap)).ask("client -> data-here", fixes=False)
    assert a.verdict == "unknown" and any("route53:ListResourceRecordSets" in c for c in a.caveats)


def test_region_wide_route_table_gap_on_the_route_gives_unknown_once() -> None:
    s = Small()
    s.client()
    gap = m.Gap(service="ec2", operation="DescribeRouteTables", error="AccessDenied",
                permission="ec2:DescribeRouteTables")
    a = _with_gaps(s, (REGION, gap), accounts=(ACCOUNT, "999999999999")).ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown" and len([c for c in a.caveats if "DescribeRouteTables" in c]) == 1
