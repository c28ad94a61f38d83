"""CPython urllib as botocore and the AWS CLI use it (the product's default runtime).

Sources: CPython Lib/urllib/request.py (``getproxies_environment``, ``proxy_bypass_environment``,
``_splitport``; unchanged in substance from 3.8 to 3.14) and Lib/test/test_urllib.py; botocore/utils.py
(``get_environ_proxies``, ``should_bypass_proxies``), botocore/endpoint.py
(``EndpointCreator.create_endpoint`` calls ``_get_proxies(endpoint_url)``) and botocore/httpsession.py
(``ProxyConfiguration.proxy_url_for``, ``_fix_proxy_url``); checked with CPython 3.11 and botocore 1.43 on
the build machine.

- variables: every ``*_proxy`` name in any case; a name whose ``_proxy`` suffix is lowercase wins, and an
  *empty* lowercase one removes the entry altogether (``no_proxy=""`` hides ``NO_PROXY``). With
  REQUEST_METHOD present (CGI) the uppercase ``HTTP_PROXY`` is dropped; ``http_proxy`` still counts.
- only the URL scheme's key is used: urllib and botocore ignore ALL_PROXY (requests does not; see
  rules_requests).
- exclusions: the whole value ``*`` (exactly, no blanks) bypasses everything; otherwise comma-separated
  entries, stripped, leading dots removed, lowercased, matched exactly or as a suffix on a label boundary,
  against the host and against ``host:port``. So ``host:port`` entries match only URLs that spell the port
  out, and ``[::1]`` (bracketed) is the IPv6 form that matches. No CIDR, no ``*.`` glob: ``*.amazonaws.com``
  is a literal.
- botocore decides **once per client, on the client's endpoint URL**
  (``https://s3.<region>.amazonaws.com``), then applies the result to every request, including
  virtual-hosted ``<bucket>.s3.<region>.amazonaws.com`` ones. So
  ``NO_PROXY=app-data.s3.ap-northeast-3.amazonaws.com`` does *not* bypass the proxy for the AWS CLI
  (observed: boto3 still sends ``CONNECT app-data.s3...:443`` to the proxy). Not in the domain-rules table.
  We map an S3 virtual-hosted name back to its endpoint; access points, S3 Control and Transfer Acceleration
  names are left as they are (their client endpoint cannot be read from the request host).
- a proxy value without a scheme becomes ``http://value`` (``_fix_proxy_url``); loopback has no special
  case.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from engine.proxy import model as m
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = ","

# <bucket>.s3.<region>.amazonaws.com, <bucket>.s3-<region>.amazonaws.com, <bucket>.s3.dualstack.<region>...,
# <bucket>.s3.amazonaws.com, -fips variants, .com.cn. Interface-endpoint names (…vpce.amazonaws.com) do not
# match: there the bucket is part of the --endpoint-url the user gave, which is what botocore checks.
_S3_VIRTUAL_HOST = re.compile(
    r"(?P<bucket>.+)\.(?P<endpoint>s3(?:-fips)?(?:\.dualstack)?(?:[.-](?!accelerate\b)[a-z0-9-]+)?"
    r"\.amazonaws\.com(?:\.cn)?)"
)
_SPLITPORT = re.compile(r"(.*):([0-9]*)", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def botocore_checked_host(host: str) -> str:
    """The host botocore compares with NO_PROXY: the client endpoint's, not the bucket's virtual host."""
    found = _S3_VIRTUAL_HOST.fullmatch(host)
    return found.group("endpoint") if found else host


def urllib_proxies(env: Mapping[str, str]) -> tuple[dict[str, tuple[str, str]], str | None]:
    """getproxies_environment(): {"https": (value, variable), ...} and the variable CGI dropped, if any."""
    found: dict[str, tuple[str, str]] = {}
    lowercase: list[tuple[str, str, str]] = []
    for name, value in env.items():
        if len(name) > 5 and name[-6] == "_" and name[-5:].lower() == "proxy":
            key = name[:-6].lower()
            if value:
                found[key] = (value, name)
            if name[-6:] == "_proxy":
                lowercase.append((key, value, name))
    dropped = None
    if "REQUEST_METHOD" in env:  # CVE-2016-1000110: a client's "Proxy:" header becomes HTTP_PROXY under CGI
        gone = found.pop("http", None)
        dropped = gone[1] if gone else None
    for key, value, name in lowercase:  # second pass: lowercase names win, an empty one unsets
        if value:
            found[key] = (value, name)
        else:
            found.pop(key, None)
    return found, dropped


@functools.lru_cache(maxsize=8192)
def urllib_bypass(netloc: str, no_proxy: str) -> str | None:
    """proxy_bypass_environment(): the matching entry ("*" for the all-hosts value), or None."""
    if no_proxy == "*":
        return "*"
    host = netloc.lower()
    split = _SPLITPORT.fullmatch(host)
    hostonly = split.group(1) if split and split.group(2) else host
    for raw in no_proxy.split(","):
        entry = raw.strip()
        if not entry:
            continue
        name = entry.lstrip(".").lower()
        if name in (hostonly, host):
            return entry
        name = "." + name
        if hostonly.endswith(name) or host.endswith(name):
            return entry
    return None


def fix_proxy_url(value: str) -> str:
    """botocore.httpsession.ProxyConfiguration._fix_proxy_url."""
    if value.startswith(("http:", "https:")):
        return value
    return "http:" + value if value.startswith("//") else "http://" + value


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    proxies, _ = urllib_proxies(env)
    if "no" in proxies:
        value, variable = proxies["no"]
        return variable, [e.strip() for e in value.split(",") if e.strip()]
    hidden = [n for n in env if n[-6:] == "_proxy" and n[:-6].lower() == "no" and not env[n]]
    return (hidden[-1] if hidden else "NO_PROXY"), []  # an empty no_proxy hides NO_PROXY: write that one


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    proxies, dropped = urllib_proxies(env)
    no = proxies.get("no")
    no_var = no[1] if no else None
    setting = proxies.get(target.scheme)
    if setting is None:
        if dropped and target.scheme == "http":
            return ProxyChoice(None, dropped, no_var, None, m.CGI_IGNORED)
        return ProxyChoice(None, None, no_var, None, m.NO_PROXY_CONFIGURED)
    value, variable = setting
    checked = botocore_checked_host(target.host)
    if no is not None:
        netloc = checked if checked != target.host else target.netloc
        if checked != target.host and target.port is not None:
            netloc = f"{checked}:{target.port}"
        entry = urllib_bypass(netloc, no[0])
        if entry is not None:
            reason = m.NO_PROXY_ALL if entry == "*" and no[0] == "*" else m.NO_PROXY_MATCH
            return ProxyChoice(None, variable, no_var, entry, reason, checked)
    return ProxyChoice(fix_proxy_url(value), variable, no_var, None, m.PROXY_ENV, checked)


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One entry of a list, against the host botocore checks (a lone ``*`` only works as the whole value)."""
    del scheme
    bare = botocore_checked_host(host.lower().strip("[]"))
    shown = f"[{bare}]" if ":" in bare else bare
    netloc = shown if port is None else f"{shown}:{port}"
    if not entry.strip() or entry.strip() == "*":
        return False
    return urllib_bypass(netloc, entry) is not None
