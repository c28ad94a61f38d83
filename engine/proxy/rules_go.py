"""Go net/http's ProxyFromEnvironment, i.e. golang.org/x/net/http/httpproxy (the AWS SDK for Go's default).

Sources: golang.org/x/net http/httpproxy/proxy.go (``FromEnvironment``, ``getEnvAny``, ``proxyForURL``,
``useProxy``, ``config.init``, ``parseProxy``, ``canonicalAddr``, the matchers) and proxy_test.go
(``UseProxyTests``); Go's net.SplitHostPort / ParseIP / ParseCIDR for the entry grammar.

- variables: ``HTTPS_PROXY`` then ``https_proxy`` (uppercase first; empty counts as unset), same for HTTP
  and NO. No ALL_PROXY. A value whose scheme is not http/https/socks5 (``proxy:3128``) gets ``http://`` in
  front.
- CGI (``REQUEST_METHOD`` non-empty): for an ``http://`` URL with an HTTP proxy set (either case) Go returns
  an *error*, "refusing to use HTTP_PROXY value in CGI environment": the request fails. The domain-rules
  table's "HTTP_PROXY ignored under CGI" is wrong for Go; HTTPS_PROXY is still used.
- ``localhost`` (exactly, as written) and loopback IPs (127/8, ::1, IPv4-mapped 127/8) are never proxied.
- NO_PROXY: comma-split, trimmed, lowercased. ``*`` anywhere disables the proxy. IPv4/IPv6 CIDR blocks, IPs,
  ``ip:port`` / ``[ipv6]:port``; names: ``x.com`` matches x.com and its subdomains, ``.x.com`` and
  ``*.x.com`` subdomains only, always on a label boundary; ``name:port`` must match the port, which defaults
  from the scheme (443/80), so ``s3.amazonaws.com:443`` matches a plain https URL. A bare ``[::1]``
  (brackets, no port) is taken as a name and matches nothing. Name entries are also suffix-matched against
  IP hosts.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

from engine.proxy import model as m
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = ","
_KNOWN_SCHEMES = ("http://", "https://", "socks5://")
_CIDR = re.compile(r"[0-9A-Fa-f:.]+/[0-9]+")


@dataclass(frozen=True, slots=True)
class _Entry:
    raw: str
    kind: str  # "all" | "cidr" | "ip" | "domain"
    value: str  # domain: ".suffix"; ip/cidr: the text
    port: str  # "" = any port
    match_host: bool = False  # domain without a leading dot also matches the name itself


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    variable, value = m.first_set(env, "NO_PROXY", "no_proxy")
    if variable is None or value is None:
        return "NO_PROXY", []
    return variable, [e.strip() for e in value.split(",") if e.strip()]


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    names = {"https": ("HTTPS_PROXY", "https_proxy"), "http": ("HTTP_PROXY", "http_proxy")}.get(target.scheme)
    variable, value = m.first_set(env, *names) if names else (None, None)
    no_var, no_value = m.first_set(env, "NO_PROXY", "no_proxy")
    if value is None:
        return ProxyChoice(None, None, no_var, None, m.NO_PROXY_CONFIGURED)
    if target.scheme == "http" and env.get("REQUEST_METHOD"):
        return ProxyChoice(None, variable, no_var, None, m.CGI_REFUSED)
    if target.raw_host == "localhost":
        return ProxyChoice(None, variable, no_var, None, m.LOOPBACK_DIRECT, target.host)
    ip = m.parse_ip(target.host)
    if ip is not None and m.is_loopback(ip):
        return ProxyChoice(None, variable, no_var, None, m.LOOPBACK_DIRECT, target.host)
    port = str(target.effective_port or "")
    for entry in _parse(no_value or ""):
        if _entry_match(entry, target.host.strip(), port, ip):
            reason = m.NO_PROXY_ALL if entry.kind == "all" else m.NO_PROXY_MATCH
            return ProxyChoice(None, variable, no_var, entry.raw, reason, target.host)
    return ProxyChoice(_parse_proxy(value), variable, no_var, None, m.PROXY_ENV, target.host)


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One entry (``*`` counts); ``port`` None means the scheme's default, as Go's canonicalAddr does."""
    host = host.lower().strip().strip("[]")
    effective = port if port is not None else m.DEFAULT_PORTS.get(scheme)
    ip = m.parse_ip(host)
    return any(_entry_match(e, host, str(effective or ""), ip) for e in _parse(entry))


def _parse_proxy(value: str) -> str:
    return value if value.startswith(_KNOWN_SCHEMES) else f"http://{value}"


def _entry_match(entry: _Entry, host: str, port: str, ip: m._IPAddress | None) -> bool:
    if entry.kind == "all":
        return True
    if entry.kind == "cidr":
        return ip is not None and _in_network(ip, entry.value)
    if entry.kind == "ip":
        return ip is not None and ip == m.parse_ip(entry.value) and entry.port in ("", port)
    hit = host.endswith(entry.value) or (entry.match_host and host == entry.value[1:])
    return hit and entry.port in ("", port)


@functools.lru_cache(maxsize=4096)
def _in_network(ip: m._IPAddress, cidr: str) -> bool:
    network = ipaddress.ip_network(cidr, strict=False)
    if ip.version != network.version:  # Go compares v4 hosts with v4-mapped v6 blocks too; rare, not encoded
        return False
    return ip in network


@functools.lru_cache(maxsize=1024)
def _parse(no_proxy: str) -> tuple[_Entry, ...]:
    """config.init(): the NO_PROXY value as Go's matchers, cached per value."""
    entries: list[_Entry] = []
    for raw in no_proxy.split(","):
        p = raw.strip().lower()
        if not p:
            continue
        if p == "*":
            return (_Entry(raw.strip(), "all", "", ""),)
        if _CIDR.fullmatch(p) and _valid_cidr(p):
            entries.append(_Entry(raw.strip(), "cidr", p, ""))
            continue
        host, port = _split_host_port(p)
        if host is None:
            host, port = p, ""
        elif not host:
            continue
        if m.parse_ip(host) is not None:
            entries.append(_Entry(raw.strip(), "ip", host, port))
            continue
        if host.startswith("*."):
            host = host[1:]
        if host.startswith("."):
            entries.append(_Entry(raw.strip(), "domain", host, port))
        else:
            entries.append(_Entry(raw.strip(), "domain", "." + host, port, match_host=True))
    return tuple(entries)


def _valid_cidr(text: str) -> bool:
    address, _, bits = text.partition("/")
    ip = m.parse_ip(address)
    return ip is not None and int(bits) <= ip.max_prefixlen


def _split_host_port(text: str) -> tuple[str | None, str]:
    """net.SplitHostPort: (host, port), or (None, "") when Go reports an error (then the entry is a name)."""
    colon = text.rfind(":")
    if colon < 0:
        return None, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or end + 1 != colon:
            return None, ""
        host, rest_from = text[1:end], 1
        if "[" in text[rest_from:] or "]" in text[end + 1 :]:
            return None, ""
    else:
        host = text[:colon]
        if ":" in host or "[" in text or "]" in text:
            return None, ""
    return host, text[colon + 1 :]
