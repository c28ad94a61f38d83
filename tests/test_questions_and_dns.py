"""Questions as people type them (interfaces.md) and the names they lead to (domain-rules.md, DNS)."""

from __future__ import annotations

import pytest

from engine import Engine, QuestionError
from engine.dns import parse_aws_host
from tests.scenarios import ACCOUNT, Small


@pytest.mark.parametrize("text, src, kind, dest, key", [
    ("why can web-osaka-a not reach bucket app-data", "web-osaka-a", "s3-bucket", "app-data", None),
    ("why can't web-tokyo-a reach s3://app-data/key", "web-tokyo-a", "s3-bucket", "app-data", "key"),
    ("can 10.30.1.31 reach https://app-data.s3.ap-northeast-3.amazonaws.com/x", "web-tokyo-a", "s3-bucket",
     "app-data", "x"),
    ("web-osaka-a -> app-data-tokyo", "web-osaka-a", "s3-bucket", "app-data-tokyo", None),
    ("web-osaka-a → https://s3.ap-northeast-1.amazonaws.com/app-data-tokyo/a/b.csv", "web-osaka-a", "s3-bucket",
     "app-data-tokyo", "a/b.csv"),
    ("why can batch-tokyo-b not reach ssm.ap-northeast-1.amazonaws.com?", "batch-tokyo-b", "service",
     "ssm.ap-northeast-1.amazonaws.com", None),
    ("Why can WEB-OSAKA-A not access squid-proxy-osaka:3128", "web-osaka-a", "instance", None, None),
])
def test_questions_in_the_forms_people_type(article_engine: Engine, text: str, src: str, kind: str,
                                           dest: str | None, key: str | None) -> None:
    q = article_engine.parse(text)
    assert q.source.name == src and q.destination.kind == kind and q.destination.key == key
    if dest:
        assert q.destination.id == dest


def test_instance_id_source_and_runtime_and_action_in_the_text(article_engine: Engine) -> None:
    inst = article_engine.topology.instances_by_name["web-tokyo-a"][0]
    q = article_engine.parse(f"why can {inst.instance_id} not reach bucket app-data as java (s3:PutObject)")
    assert q.source is inst and q.runtime == "java" and q.action == "s3:PutObject"


def test_runtime_aliases_map_to_the_aws_cli_rules(article_engine: Engine) -> None:
    assert article_engine.parse("web-osaka-a -> app-data", runtime="aws-cli").runtime == "python"


def test_instance_destination_checks_the_proxy_port(article_engine: Engine) -> None:
    a = article_engine.ask("can web-tokyo-a reach squid-proxy-osaka:3128")
    assert a.verdict == "reachable" and a.hops[-1].kind == "instance"
    a = article_engine.ask("can web-tokyo-a reach squid-proxy-osaka:22")
    assert a.blocked_by is not None and a.blocked_by.code == "SG_INGRESS_DENY"


def test_unknown_names_list_the_closest_candidates(article_engine: Engine) -> None:
    with pytest.raises(QuestionError) as err:
        article_engine.parse("why can web-tokio-a not reach bucket app-data")
    assert "web-tokyo-a" in err.value.candidates


@pytest.mark.parametrize("host, service, region, bucket", [
    ("s3.ap-northeast-1.amazonaws.com", "s3", "ap-northeast-1", None),
    ("app-data.s3.ap-northeast-3.amazonaws.com", "s3", "ap-northeast-3", "app-data"),
    ("s3-ap-northeast-1.amazonaws.com", "s3", "ap-northeast-1", None),
    ("s3.dualstack.eu-west-1.amazonaws.com", "s3", "eu-west-1", None),
    ("s3.amazonaws.com", "s3", "us-east-1", None),
    ("logs.s3.amazonaws.com", "s3", "us-east-1", "logs"),
    ("s3-logs.s3.ap-northeast-1.amazonaws.com", "s3", "ap-northeast-1", "s3-logs"),
    ("ssm.ap-northeast-1.amazonaws.com", "ssm", "ap-northeast-1", None),
    ("sts.amazonaws.com", "sts", "us-east-1", None),
])
def test_s3_and_service_name_forms(host: str, service: str, region: str, bucket: str | None) -> None:
    """S3 user guide, "Virtual hosting of buckets" and "Regions and endpoints": regional, virtual-hosted,
    legacy dash, dual-stack and the global name (us-east-1)."""
    aws = parse_aws_host(host)
    assert aws is not None and (aws.service, aws.region, aws.bucket) == (service, region, bucket)


def test_private_zone_owning_the_name_answers_nxdomain_without_public_fallback() -> None:
    """A private hosted zone that matches the name but has no record answers NXDOMAIN (Route 53 guide,
    "Considerations when working with a private hosted zone")."""
    s = Small()
    s.b.private_zone("corp.example", [s.vpc], {"other.corp.example": "10.0.0.99"}, ACCOUNT)
    s.client(proxy_env={"HTTPS_PROXY": "http://proxy.corp.example:3128"})
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "DNS_NO_ANSWER"
    assert a.blocked_by.resource == "proxy.corp.example"


def test_proxy_outside_the_snapshot_is_unknown_not_reachable() -> None:
    """A proxy address that is no interface in the snapshot cannot be judged: unknown with a caveat."""
    s = Small()
    s.client(proxy_env={"HTTPS_PROXY": "http://10.77.0.10:3128"})
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "unknown" and any("10.77.0.10" in c for c in a.caveats)
