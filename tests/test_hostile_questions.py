"""Hostile and careless questions (issue #12): nothing guessed, nothing crashes, nothing leaks.

The destination grammar lives in engine/names.py: RFC 1123 host names, RFC 3986 URLs, S3 bucket naming rules,
and the names RFC 6761 / RFC 2606 reserve from public DNS.
"""

from __future__ import annotations

import json
import time

import pytest

from engine import Engine, QuestionError
from engine.names import host_name_problem, is_bucket_name, mask_secrets, reserved_name
from engine.question import MAX_QUESTION_CHARS
from tests.scenarios import ACCOUNT, Small

SECRET = "hunter2-s3cr3t"


@pytest.mark.parametrize("text, leftover", [
    ("web-osaka-a -> 10.30.1.31 now", "now"),
    ("why can web-osaka-a not reach bucket app-data please", "please"),
    ("web-osaka-a -> ssm.ap-northeast-1.amazonaws.com and also app-data", "and also app-data"),
])
def test_text_after_the_destination_is_refused_with_the_closest_reading(
        article_engine: Engine, text: str, leftover: str) -> None:
    """Garbage after the destination is never folded into a name: exit 2 naming it and the closest reading."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    message = str(err.value)
    assert repr(leftover) in message and "Did you mean: web-osaka-a -> " in message


@pytest.mark.parametrize("text, runtime, action, port", [
    ("web-osaka-a -> app-data as curl", "curl", "s3:GetObject", None),
    ("web-osaka-a -> app-data using go for s3:PutObject", "go", "s3:PutObject", None),
    ("why can web-osaka-a not reach app-data.s3.ap-northeast-3.amazonaws.com (s3:PutObject)", "python",
     "s3:PutObject", None),
    ("(as java) web-osaka-a -> app-data (s3:ListBucket)", "java", "s3:ListBucket", None),
    ("can web-tokyo-a reach squid-proxy-osaka port 22", "python", "s3:GetObject", 22),
    ("can web-tokyo-a reach squid-proxy-osaka on port 3128?", "python", "s3:GetObject", 3128),
    ("web-osaka-a can't reach app-data", "python", "s3:GetObject", None),
    ("web-osaka-a cannot access s3://app-data/x", "python", "s3:GetObject", None),
    ("why does web-osaka-a not connect to app-data as curl", "curl", "s3:GetObject", None),
])
def test_options_after_the_destination_are_recognised(article_engine: Engine, text: str, runtime: str,
                                                       action: str, port: int | None) -> None:
    """The documented options (runtime, S3 action, a parenthesised action, ``port N``) are not leftovers."""
    q = article_engine.parse(text)
    assert (q.runtime, q.action) == (runtime, action)
    if port is not None:
        assert q.destination.port == port


def test_a_wildcard_action_is_refused_because_a_request_is_for_one_action(article_engine: Engine) -> None:
    """IAM evaluates a request for one action; ``s3:*`` is a policy pattern (IAM user guide, "Action")."""
    with pytest.raises(QuestionError, match="one IAM action"):
        article_engine.parse("why can web-osaka-a not reach app-data.s3.amazonaws.com (s3:*)")


@pytest.mark.parametrize("dest, says", [
    ("10.30.0.0/16", "address range"),
    ("a..b", "empty label"),
    ("$(id).x", "not letters, digits"),
    ("-bad.example.com", "not letters, digits"),
    ("10.0.0.256", "last label is a number"),
    ("x" * 64 + ".com", "longer than 63"),
    (".".join(["abcdefgh"] * 32), "at most 253"),
    ("https://x.com:abc/", "port is not a number"),
    ("https://x.com:99999/", "port is not a number"),
    ("https://x.com:0/", "port 0"),
    ("http://[::1/x", "closing ]"),
    ("ftp://files.example.com/x", "http and https"),
    ("squid-proxy-osaka:99999", "outside 1-65535"),
    ("squid-proxy-osaka:ssh", "not a number"),
    ("s3://Not_A_Bucket/key", "not an S3 bucket name"),
    ("app-data/key", "needs a URL"),
])
def test_destinations_outside_the_grammar_are_bad_input(article_engine: Engine, dest: str, says: str) -> None:
    """RFC 1123 host names, RFC 3986 URLs (port 1-65535, IPv6 in brackets), S3 bucket naming rules."""
    with pytest.raises(QuestionError, match=says.replace("[", r"\[").replace("]", r"\]")):
        article_engine.parse(f"web-osaka-a -> {dest}")


@pytest.mark.parametrize("host", ["nonexistent.invalid", "db.test", "www.example", "localhost",
                                  "app.localhost", "printer.local", "x.onion", "nas.home.arpa",
                                  "db.other.internal"])
def test_reserved_names_get_no_answer_from_the_resolver(article_engine: Engine, host: str) -> None:
    """RFC 6761 section 6 / RFC 2606: never delegated in public DNS, so the walk records DNS_NO_ANSWER."""
    answer = article_engine.ask(f"why can web-tokyo-a not reach {host}", fixes=False)
    assert answer.verdict == "blocked" and answer.blocked_by is not None
    assert answer.blocked_by.code == "DNS_NO_ANSWER" and "the name is reserved (" in answer.blocked_by.detail
    assert any(h.kind == "dns" and h.id == host for h in answer.hops)


def test_a_private_zone_still_answers_for_a_reserved_name() -> None:
    """Route 53: a private hosted zone associated with the VPC answers before public DNS, .test included."""
    s = Small()
    s.client()
    s.b.private_zone("corp.test", [s.vpc], {"db.corp.test": "10.0.1.10"}, ACCOUNT)
    answer = s.engine().ask("client -> db.corp.test", fixes=False)
    assert answer.blocked_by is None or answer.blocked_by.code != "DNS_NO_ANSWER"


def test_a_valid_public_name_is_answered_with_the_public_dns_caveat(article_engine: Engine) -> None:
    """A name no private zone, endpoint or instance holds is assumed to resolve publicly; the answer says so."""
    answer = article_engine.ask("why can web-tokyo-a not reach www.example.com", fixes=False)
    assert any("public DNS is assumed to resolve it" in c for c in answer.caveats)
    service = article_engine.ask("why can batch-tokyo-b not reach ssm.ap-northeast-1.amazonaws.com", fixes=False)
    assert not any("public DNS is assumed" in c for c in service.caveats)


def test_a_question_of_spaces_answers_at_once_and_a_long_one_is_bounded(article_engine: Engine) -> None:
    """The splitter works on words, so no input makes it backtrack; the length bound is stated."""
    start = time.perf_counter()
    for text in ("web-osaka-a" + " " * 1990 + "x", " " * 1999, "reach " * 330, "->" * 999, "a" + "-" * 1998):
        with pytest.raises(QuestionError):
            article_engine.parse(text)
    assert time.perf_counter() - start < 2.0
    with pytest.raises(QuestionError, match=f"at most {MAX_QUESTION_CHARS}"):
        article_engine.parse("web-osaka-a -> app-data " + " " * MAX_QUESTION_CHARS)


def test_a_password_typed_in_a_question_is_never_repeated(article_engine: Engine) -> None:
    """RFC 3986 userinfo in a URL is masked in the answer's question and in every error message."""
    answer = article_engine.ask(f"web-tokyo-a -> https://bob:{SECRET}@www.example.com/x", fixes=False)
    assert SECRET not in json.dumps(answer.to_json_dict()) and "****@www.example.com" in answer.question
    for text in (f"web-tokyo-a -> https://bob:{SECRET}@www.example.com/x now",
                 f"web-tokyo-a -> https://bob:{SECRET}@www.example.com:99999/",
                 f"web-tokyo-a -> bob:{SECRET}@host.example.com",
                 f"web-tokyo-a -> https://bob:pa/{SECRET}#@bad..host/"):
        with pytest.raises(QuestionError) as err:
            article_engine.parse(text)
        assert SECRET not in str(err.value)


@pytest.mark.parametrize("name, ok", [
    ("app-data.s3.ap-northeast-3.amazonaws.com", True), ("a.b", True), ("xn--bcher-kva.example", True),
    ("a..b", False), ("a_b.com", False), ("1.2.3.4", False), ("a.-b", False), ("", False),
])
def test_rfc_1123_host_names(name: str, ok: bool) -> None:
    """RFC 1123 section 2.1: letters, digits, inner hyphens; 63 per label; the last label is not a number."""
    assert (host_name_problem(name) is None) is ok


@pytest.mark.parametrize("name, ok", [
    ("app-data", True), ("my.bucket.1", True), ("ab", False), ("Upper", False), ("a..b", False),
    ("192.168.1.1", False), ("-start", False), ("x" * 64, False),
])
def test_s3_bucket_naming_rules(name: str, ok: bool) -> None:
    """S3 user guide, "General purpose bucket naming rules"."""
    assert is_bucket_name(name) is ok


def test_reserved_names_and_masking_helpers() -> None:
    """RFC 6761 section 6; a masked question keeps its words."""
    assert reserved_name("x.INVALID.") == "RFC 6761 section 6.4" and reserved_name("example.com") is None
    assert mask_secrets("a -> https://u:p/w#d@h.com/x b") == "a -> https://****@h.com/x b"


@pytest.mark.parametrize("proxy", ["http://10.9.0.10:99999", "http://10.9.0.10:abc", "http://:3128",
                                   f"http://ops:pa/{SECRET}#x@10.9.0.10:70000"])
@pytest.mark.parametrize("runtime", ["python", "curl", "go", "requests"])
def test_a_proxy_url_with_a_bad_port_fails_the_client_before_sending(proxy: str, runtime: str) -> None:
    """urllib3 ``parse_url`` (botocore, requests) raises LocationParseError, curl exits with "Port number out
    of range", Go's ``url.Parse`` refuses a non-numeric port and its dialer an out-of-range one: the request
    fails at the client, so the answer is CLIENT_PROXY_ERROR, never a traceback, and no password is shown."""
    s = Small()
    edge, subnet, _ = s.edge_vpc()
    s.proxy(edge, subnet)
    s.client(proxy_env={"https_proxy": proxy, "HTTPS_PROXY": proxy})
    answer = s.engine().ask(f"client -> https://data-here.s3.eu-west-1.amazonaws.com/x as {runtime}")
    assert answer.verdict == "blocked" and answer.blocked_by is not None
    assert answer.blocked_by.code == "CLIENT_PROXY_ERROR", answer.blocked_by
    assert SECRET not in json.dumps(answer.to_json_dict())


@pytest.mark.parametrize("question", [
    f"web-tokyo-a -> https://admin:{SECRET}@www.example.com/x",
    f"web-tokyo-a -> https://admin:{SECRET}@www.example.com/x now",
    f"web-tokyo-a -> https://admin:pa/{SECRET}#x@www.example.com:70000/",
    f"web-tokyo-a -> admin:{SECRET}@db.corp",
])
@pytest.mark.parametrize("as_json", [True, False])
def test_the_cli_never_prints_a_password_typed_in_a_question(
        capsys: pytest.CaptureFixture[str], question: str, as_json: bool) -> None:
    """Planted in the question, scanned for in everything the CLI writes (stdout, stderr), answered or not."""
    from engine.cli.main import main

    code = main(["ask", question, "--snapshot", "bundled", *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert code in (0, 2) and SECRET not in out + err and "Traceback" not in err


def test_tcp_url_is_a_plain_tcp_connection_that_no_proxy_setting_touches() -> None:
    """``tcp://host:port`` names a plain TCP flow (HTTP proxy variables apply to HTTP clients only); without a
    port, or with a path, it is bad input rather than a guess."""
    from engine import Engine, QuestionError, load_bundled

    eng = Engine(load_bundled(), "bundled")
    q = eng.parse("web-osaka-a -> tcp://10.30.1.31:5432")
    assert (q.destination.kind, q.destination.port, q.destination.tcp) == ("ip", 5432, True)
    for bad in ("tcp://10.30.1.31", "tcp://10.30.1.31:5432/x", "tcp://10.30.1.31:99999"):
        with pytest.raises(QuestionError):
            eng.parse(f"web-osaka-a -> {bad}")


def test_a_port_in_the_destination_and_another_after_it_is_refused(article_engine: Engine) -> None:
    """Raised once the name is found, so of kind ``invalid``: a bot under an access map hides it like an
    unknown name, because it confirms the name exists."""
    with pytest.raises(QuestionError, match="two ports") as err:
        article_engine.parse("web-tokyo-a -> squid-proxy-osaka:3128 port 22")
    assert err.value.kind == "invalid" and "10.10.0.10" not in str(err.value)
    with pytest.raises(QuestionError, match="not an option") as err:
        article_engine.parse("web-tokyo-a -> app-data port 22")
    assert err.value.kind == "invalid"
    with pytest.raises(QuestionError, match="not a port|not a number"):
        article_engine.parse("web-tokyo-a -> squid-proxy-osaka port pw@x")


@pytest.mark.parametrize("value", ["http://[::1", "http://[10.9.0.10:0]:3128", "://", "http://10.9.0.10:-1",
                                   "http://[fe80::1%eth0]:3128", "socks5://10.9.0.10:1080", " ", "10.9.0.10:0"])
@pytest.mark.parametrize("as_java", [False, True])
def test_any_proxy_value_is_answered_without_a_traceback(value: str, as_java: bool) -> None:
    """Whatever an instance's proxy settings hold (environment variables, or the JDK's https.proxyHost), each
    runtime's answer is a verdict: urlsplit's own ValueError on a broken [bracket] is the client failing."""
    s = Small()
    edge, subnet, _ = s.edge_vpc()
    s.proxy(edge, subnet)
    env = ({"https.proxyHost": value, "https.proxyPort": "3128"} if as_java
           else {"https_proxy": value, "HTTPS_PROXY": value, "NODE_USE_ENV_PROXY": "1"})
    s.client(proxy_env=env)
    eng = s.engine()
    for runtime in ("python", "curl", "requests", "go", "java", "node"):
        answer = eng.ask(f"client -> https://data-here.s3.eu-west-1.amazonaws.com/x as {runtime}", fixes=False)
        assert answer.verdict in ("reachable", "blocked", "unknown")


@pytest.mark.parametrize("name", ["ip-10-99-1-10.ap-northeast-1.compute.internal", "ip-10-99-1-10.ec2.internal",
                                  "i-0123456789abcdef0.ap-northeast-3.compute.internal"])
def test_ec2_private_name_of_an_instance_outside_the_snapshot_is_unknown_not_refused(
        article_engine: Engine, name: str) -> None:
    """``.internal`` is reserved from public DNS, but EC2's own private names (EC2 user guide, "Amazon EC2
    instance hostname types") are answered by the Amazon-provided resolver for instances it knows: one the
    snapshot does not hold may exist in another account or an uncollected VPC, so the answer is unknown."""
    a = article_engine.ask(f"web-tokyo-a -> {name}", fixes=False)
    assert a.verdict == "unknown" and a.blocked_by is None
    assert any(name in c and "private DNS name" in c for c in a.caveats)


def test_ec2_private_name_of_an_instance_in_the_snapshot_resolves_to_it(article_engine: Engine) -> None:
    """The same name shape for an instance the snapshot holds is answered with its address."""
    inst = next(i for i in article_engine.snapshot.instances if i.private_dns_name)
    a = article_engine.ask(f"web-osaka-a -> https://{inst.private_dns_name}/", fixes=False)
    dns = next(h for h in a.hops if h.kind == "dns" and h.id == inst.private_dns_name)
    assert inst.private_ip_address in dns.note


@pytest.mark.parametrize("text", [
    f"web-tokyo-a から https://bob:{SECRET}@www.example.com/x に届かない よろしく",
    f"web-tokyo-a から「https://bob:{SECRET}@www.example.com:99999/」に届かない",
    f"web-tokyo-a は https://bob:{SECRET}@www.example.com/x",
    f"web-tokyo-a から https://bob:{SECRET}@bad..host/ に接続できない",
])
def test_a_password_typed_in_a_japanese_question_is_never_repeated(article_engine: Engine, text: str) -> None:
    """The Japanese messages quote the closest reading, names and all: URL userinfo is masked there too."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    assert SECRET not in str(err.value) and "。" in str(err.value)


def test_a_long_or_control_character_japanese_question_is_refused_in_japanese(article_engine: Engine) -> None:
    with pytest.raises(QuestionError, match=f"{MAX_QUESTION_CHARS} 文字以内"):
        article_engine.parse("web-osaka-a から app-data に届かない" + "　" * MAX_QUESTION_CHARS)
    with pytest.raises(QuestionError, match="制御文字"):
        article_engine.parse("web-osaka-a から\x07 app-data に届かない")


@pytest.mark.parametrize("text, leftover", [
    ("web-osaka-a から 10.30.1.31 に届かない now", "now"),
    ("web-osaka-a から app-data に届かない please", "please"),
])
def test_english_after_a_japanese_destination_is_refused_with_the_closest_reading(
        article_engine: Engine, text: str, leftover: str) -> None:
    """As in English, words after the destination are never folded into a name."""
    with pytest.raises(QuestionError) as err:
        article_engine.parse(text)
    message = str(err.value)
    assert leftover in message and "web-osaka-a から" in message and "届かない" in message
