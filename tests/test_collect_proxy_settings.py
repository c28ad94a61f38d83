"""Proxy settings as collect reads them: user data in its usual forms, tags, SSM, the overlay, masking, and
finding the proxy instance from the URL's host. Pure functions on API-shaped input; no emulator needed.
"""

from __future__ import annotations

import base64
import gzip
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from engine import model as m
from engine.collect import proxy_settings as ps
from engine.collect.proxy_hosts import mark_proxies, proxy_endpoints

PROXY = "http://proxy.corp.internal:3128"


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


@pytest.mark.parametrize(("script", "expected"), [
    ("#!/bin/bash\nexport HTTPS_PROXY=http://p:3128\nexport NO_PROXY='localhost,.internal'\n",
     {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "localhost,.internal"}),
    ('#!/bin/sh\necho "https_proxy=http://p:3128" >> /etc/environment\n', {"https_proxy": "http://p:3128"}),
    ("#!/bin/bash\ncat >> /etc/environment <<'EOF'\nHTTP_PROXY=http://p:8080\nNO_PROXY=.corp\nEOF\n",
     {"HTTP_PROXY": "http://p:8080", "NO_PROXY": ".corp"}),
    ('#!/bin/bash\nP=http://p:3128\nexport HTTPS_PROXY="$P" HTTP_PROXY=${P}\n',
     {"HTTPS_PROXY": "http://p:3128", "HTTP_PROXY": "http://p:3128"}),
    ("#!/bin/bash\nexport NO_PROXY=localhost\nexport NO_PROXY=$NO_PROXY,.amazonaws.com\n",
     {"NO_PROXY": "localhost,.amazonaws.com"}),
    ("#!/bin/bash\nexport NO_PROXY=$NO_PROXY,.amazonaws.com\n", {"NO_PROXY": ",.amazonaws.com"}),
    ("#!/bin/bash\nexport HTTPS_PROXY=$CORP_PROXY\n", {"HTTPS_PROXY": "$CORP_PROXY"}),
    ('[Service]\nEnvironment="HTTPS_PROXY=http://p:3128"\n', {"HTTPS_PROXY": "http://p:3128"}),
    ("#!/bin/csh\nsetenv HTTPS_PROXY http://p:3128\n", {"HTTPS_PROXY": "http://p:3128"}),
    ("#!/bin/bash\n# export HTTPS_PROXY=http://old:3128\nyum install -y squid\n", {}),
    ('<powershell>\n[Environment]::SetEnvironmentVariable("HTTPS_PROXY", "http://p:3128", "Machine")\n'
     "$env:NO_PROXY = '169.254.169.254'\nsetx HTTP_PROXY http://p:3128 /M\n</powershell>",
     {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "169.254.169.254", "HTTP_PROXY": "http://p:3128"}),
    ("#!/bin/bash\nexport JAVA_TOOL_OPTIONS='-Dhttps.proxyHost=p -Dhttps.proxyPort=3128'\n",
     {"JAVA_TOOL_OPTIONS": "-Dhttps.proxyHost=p -Dhttps.proxyPort=3128"}),
])
def test_shell_user_data_assignments(script: str, expected: dict[str, str]) -> None:
    """Shell user data (EC2 UG, "Run commands at launch"): exports, /etc/environment lines, heredocs, references
    to earlier variables (an unset proxy variable expands to nothing, as in the shell; unknown others stay as
    written), systemd Environment=, csh setenv, and Windows (PowerShell SetEnvironmentVariable / $env:, setx).
    Comments are not settings. The last assignment wins."""
    assert ps.from_user_data(b64(script)) == expected


def test_cloud_config_write_files_gzip_and_base64_content() -> None:
    """cloud-init: write_files to /etc/environment and /etc/profile.d/*.sh count (plain or b64 content), other
    paths do not; runcmd lines are read like shell; the whole document may be gzipped (cloud-init docs)."""
    profile = b64("export HTTP_PROXY=http://p:8080\n")
    doc = f"""#cloud-config
write_files:
  - path: /etc/environment
    content: |
      HTTPS_PROXY={PROXY}
      NO_PROXY=localhost,.corp.internal
  - path: /etc/profile.d/proxy.sh
    encoding: b64
    content: {profile}
  - path: /etc/squid/squid.conf
    content: |
      ALL_PROXY=http://not-an-environment-file:1
runcmd:
  - echo "NO_PROXY=localhost,.corp.internal,.amazonaws.com" >> /etc/environment
"""
    expected = {"HTTPS_PROXY": PROXY, "HTTP_PROXY": "http://p:8080",
                "NO_PROXY": "localhost,.corp.internal,.amazonaws.com"}
    assert ps.from_user_data(b64(doc)) == expected
    assert ps.from_user_data(b64(gzip.compress(doc.encode()))) == expected


def test_mime_multipart_user_data_reads_every_text_part() -> None:
    """cloud-init accepts MIME multi-part user data; each text part is read in order."""
    message = MIMEMultipart()
    message.attach(MIMEText("#cloud-config\nwrite_files:\n  - path: /etc/environment\n    content: \"HTTPS_PROXY="
                            f"{PROXY}\\nNO_PROXY=.corp\\n\"\n", "cloud-config"))
    message.attach(MIMEText("#!/bin/bash\nexport NO_PROXY=.corp,.amazonaws.com\n", "x-shellscript"))
    assert ps.from_user_data(b64(message.as_string())) == {"HTTPS_PROXY": PROXY, "NO_PROXY": ".corp,.amazonaws.com"}


def test_unreadable_user_data_is_no_settings() -> None:
    assert ps.from_user_data(None) == {} and ps.from_user_data("") == {}
    assert ps.from_user_data(b64(b"\x1f\x8b broken gzip")) == {}


@pytest.mark.parametrize(("key", "variable"), [
    ("HTTPS_PROXY", "HTTPS_PROXY"), ("https_proxy", "https_proxy"), ("Https_Proxy", "HTTPS_PROXY"),
    ("no_proxy", "no_proxy"), ("java_tool_options", "JAVA_TOOL_OPTIONS"), ("https.proxyHost", "https.proxyHost"),
    ("Name", None), ("proxy", None),
])
def test_tag_and_parameter_names_map_to_variables(key: str, variable: str | None) -> None:
    """Variables are case-sensitive and runtimes differ on which spelling wins (domain-rules.md): upper and
    lower case are kept; a mixed spelling, only possible in a tag or parameter name, means the upper-case one."""
    assert ps.variable_name(key) == variable


def test_ssm_parameters_by_instance_and_variable() -> None:
    params = [{"Name": "/reachbot/proxy/i-0abc/NO_PROXY", "Value": ".corp"},
              {"Name": "/reachbot/proxy/i-0abc/https_proxy", "Value": PROXY},
              {"Name": "/reachbot/proxy/i-0abc/extra/NO_PROXY", "Value": "ignored"},
              {"Name": "/reachbot/proxy/i-0abc/COLOUR", "Value": "ignored"},
              {"Name": "/other/i-0abc/NO_PROXY", "Value": "ignored"}]
    assert ps.from_parameters(params, "/reachbot/proxy/") == {"i-0abc": {
        "NO_PROXY": (".corp", "/reachbot/proxy/i-0abc/NO_PROXY"),
        "https_proxy": (PROXY, "/reachbot/proxy/i-0abc/https_proxy")}}


@pytest.mark.parametrize(("value", "masked"), [
    ("http://user:pa@ss@proxy:3128", "http://****@proxy:3128"),
    ("http://proxy:3128", "http://proxy:3128"),
    ("user:pw@proxy:3128", "****@proxy:3128"),
    ("-Dhttps.proxyHost=p -Dhttps.proxyPassword=secret -Dx=1", "-Dhttps.proxyHost=p -Dhttps.proxyPassword=**** -Dx=1"),
    ("localhost,.corp.internal", "localhost,.corp.internal"),
])
def test_credentials_in_proxy_values_are_masked(value: str, masked: str) -> None:
    """Userinfo in a proxy URL (RFC 3986: the last '@' before the host ends it) and Java proxy passwords."""
    assert ps.proxy_value(value, "tag").value == masked


def _instance(iid: str, name: str, subnet: str = "subnet-0aaa1111", vpc: str = "vpc-0aaa1111", ip: str = "10.0.0.5",
              env: dict[str, str] | None = None) -> m.Instance:
    return m.Instance(instance_id=iid, region="ap-northeast-1", owner_id="111122223333", vpc_id=vpc, subnet_id=subnet,
                      private_ip_address=ip, tags=[m.Tag(key="Name", value=name)],
                      private_dns_name=f"ip-{ip.replace('.', '-')}.ap-northeast-1.compute.internal",
                      proxy_environment={k: ps.proxy_value(v, "user-data") for k, v in (env or {}).items()})


def test_overlay_applies_broadest_first_and_null_removes() -> None:
    """VPC, then subnet, then Name pattern, then instance id; null removes a variable."""
    from engine.collect.assemble import _with_overlay
    from engine.collect.overlay import Overlay

    inst = _instance("i-0aaa11112222", "web-1", env={"HTTPS_PROXY": PROXY, "NO_PROXY": "localhost"})
    overlay = Overlay("o.json", {
        "i-0aaa11112222": {"NO_PROXY": None}, "web-*": {"HTTP_PROXY": "http://name:1"},
        "subnet-0aaa1111": {"HTTP_PROXY": "http://subnet:1", "ALL_PROXY": "http://subnet:1"},
        "vpc-0aaa1111": {"ALL_PROXY": "http://vpc:1"}, "batch-*": {"HTTPS_PROXY": "http://other:1"}})
    env = _with_overlay(inst, overlay).proxy_environment
    assert {k: (v.value, v.source) for k, v in env.items()} == {
        "HTTPS_PROXY": (PROXY, "user-data"),
        "HTTP_PROXY": ("http://name:1", "overlay:o.json#web-*"),
        "ALL_PROXY": ("http://subnet:1", "overlay:o.json#subnet-0aaa1111")}


@pytest.mark.parametrize(("value", "found"), [
    ("http://proxy.corp.internal:3128", [("proxy.corp.internal", 3128)]),
    ("proxy.corp.internal:8080", [("proxy.corp.internal", 8080)]),
    ("https://****@10.0.0.9", [("10.0.0.9", 443)]),
    ("http://10.0.0.9", [("10.0.0.9", 80)]),
])
def test_proxy_endpoints_from_urls(value: str, found: list[tuple[str, int]]) -> None:
    """A bare host:port means http:// (curl, requests, Go); default ports 80 / 443 as the trace assumes."""
    assert proxy_endpoints({"HTTPS_PROXY": value}) == found


def test_java_proxy_properties_name_a_proxy_too() -> None:
    env = {"JAVA_TOOL_OPTIONS": "-Dhttps.proxyHost=10.0.0.9 -Dhttps.proxyPort=3128 -Dhttp.proxyHost=10.0.0.9"}
    assert proxy_endpoints(env) == [("10.0.0.9", 3128), ("10.0.0.9", 80)]


def _zone(records: dict[str, tuple[str, str]], vpcs: list[str]) -> m.HostedZone:
    return m.HostedZone(
        id="/hostedzone/Z1", name="corp.internal.", vpcs=[m.HostedZoneVpc(vpc_region="ap-northeast-1", vpc_id=v)
                                                          for v in vpcs],
        resource_record_sets=[m.ResourceRecordSet(name=n, type=t, resource_records=[m.ResourceRecord(value=v)])
                              for n, (t, v) in records.items()])


@pytest.mark.parametrize(("proxy_url", "zone_vpcs", "expected"), [
    ("http://squid.corp.internal:3128", ["vpc-0aaa1111"], [3128]),     # CNAME → A in the client's zone
    ("http://squid.corp.internal:3128", ["vpc-0other999"], []),         # zone not associated with the client VPC
    ("http://missing.corp.internal:3128", ["vpc-0aaa1111"], []),        # the zone owns the name: NXDOMAIN
    ("http://10.0.0.9:8080", [], [8080]),                                # IP literal
    ("http://ip-10-0-0-9.ap-northeast-1.compute.internal:3128", [], [3128]),  # EC2 private DNS name
])
def test_proxy_instance_found_from_the_urls_host(proxy_url: str, zone_vpcs: list[str], expected: list[int]) -> None:
    """Route 53 DG, private hosted zones: only zones associated with the client's VPC answer; a zone that owns
    the name but has no record answers NXDOMAIN (no fall-through)."""
    zone = _zone({"squid.corp.internal.": ("CNAME", "proxy.corp.internal"),
                  "proxy.corp.internal.": ("A", "10.0.0.9")}, zone_vpcs)
    client = _instance("i-0aaa11112222", "web-1", env={"HTTPS_PROXY": proxy_url})
    squid = _instance("i-0bbb33334444", "squid", ip="10.0.0.9")
    marked = {i.instance_id: i.proxy_ports for i in mark_proxies([client, squid], [], [zone])}
    assert marked == {"i-0aaa11112222": [], "i-0bbb33334444": expected}
