"""Node.js's built-in http/https global agents.

Sources: nodejs/node lib/internal/http.js (``parseProxyConfigFromEnv``, ``parseProxyUrl``,
``ProxyConfig.shouldUseProxy``, ``checkShouldUseProxy``), lib/internal/process/pre_execution.js
(``setupHttpProxy``), doc/api/cli.md and doc/api/http.md ("Built-in Proxy Support"), the v22.21.0 release
notes; observed with Node v24.22.3 (real ``https.request`` through the global agent, every name resolved to
127.0.0.1) and v20.20.2 (no support at all).

- off by default. On with ``NODE_USE_ENV_PROXY=1`` (exactly "1": "true" does not count) or
  ``--use-env-proxy`` (also from NODE_OPTIONS; the flag wins, ``--no-use-env-proxy`` turns it off).
  http/https support since v24.5.0 and v22.21.0; Node 20 and older ignore all of it.
- only the *global* agent: an ``https.Agent`` created without ``proxyEnv`` (as the AWS SDK for JavaScript
  v3's NodeHttpHandler does) goes direct even when enabled (observed). We encode the global agent.
- variables: ``https_proxy || HTTPS_PROXY`` for https, ``http_proxy || HTTP_PROXY`` for http (an empty
  lowercase falls through); no ALL_PROXY, no CGI rule. The value must start with ``http://`` or ``https://``
  (case-sensitive) or the agents ignore it. Worse, at startup undici's EnvHttpProxyAgent reads ``http_proxy
  ?? HTTP_PROXY`` and ``https_proxy ?? HTTPS_PROXY`` (a set-but-empty lowercase wins there) and the process
  exits unless each is an http:, https: or socks5: URL: ``HTTP_PROXY=proxy:3128`` alone stops https requests
  too (observed).
- NO_PROXY: ``no_proxy || NO_PROXY``, comma-split, trimmed, lowercased. ``*`` anywhere bypasses everything.
  A plain ``example.com`` matches that host *only* (not its subdomains); ``.example.com`` matches the domain
  and its subdomains on a label boundary (v24.22.3; earlier releases used a bare ``endsWith``);
  ``*.example.com`` matches subdomains only. ``host:port`` matches with the port defaulted from the scheme.
  IPv4 ranges ``a.b.c.d-e.f.g.h``; no CIDR. IPv6 hosts compare bare (``::1``). Loopback is proxied unless
  listed.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping

from engine.proxy import model as m
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = ","
_PROXY_VARIABLES = {"https": ("https_proxy", "HTTPS_PROXY"), "http": ("http_proxy", "HTTP_PROXY")}
_UNDICI_ACCEPTS = re.compile(r"(?i)(?:https?|socks5):")


def startup_failure(env: Mapping[str, str]) -> str | None:
    """The variable that makes Node (v24, proxy support on) exit at startup, or None."""
    for lower, upper in _PROXY_VARIABLES.values():
        variable = lower if lower in env else upper
        value = env.get(variable)
        if value and not _UNDICI_ACCEPTS.match(value):
            return variable
    return None


def env_proxy_enabled(env: Mapping[str, str]) -> bool:
    flags = [w for w in env.get("NODE_OPTIONS", "").split() if w in ("--use-env-proxy", "--no-use-env-proxy")]
    if flags:
        return flags[-1] == "--use-env-proxy"
    return env.get("NODE_USE_ENV_PROXY") == "1"


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    variable, value = m.first_set(env, "no_proxy", "NO_PROXY")
    if variable is None or value is None:
        return "NO_PROXY", []
    return variable, [e.strip() for e in value.split(",") if e.strip()]


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    names = _PROXY_VARIABLES.get(target.scheme, ())
    variable, value = m.first_set(env, *names)
    if not env_proxy_enabled(env):
        set_somewhere, _ = m.first_set(env, "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY")
        reason = m.RUNTIME_IGNORES_ENV if set_somewhere else m.NO_PROXY_CONFIGURED
        return ProxyChoice(None, variable or set_somewhere, None, None, reason)
    no_var, no_value = m.first_set(env, "no_proxy", "NO_PROXY")
    failing = startup_failure(env)
    if failing is not None:
        return ProxyChoice(None, failing, no_var, None, m.PROXY_URL_UNSUPPORTED)
    if value is None:
        return ProxyChoice(None, None, no_var, None, m.NO_PROXY_CONFIGURED)
    if not value.startswith(("http://", "https://")):
        return ProxyChoice(None, variable, no_var, None, m.PROXY_URL_UNSUPPORTED)
    if no_value:
        entries = _entries(no_value)
        if "*" in entries:
            return ProxyChoice(None, variable, no_var, "*", m.NO_PROXY_ALL, target.host)
        port = target.effective_port
        for entry in entries:
            if entry and _match(entry, target.host, port):
                return ProxyChoice(None, variable, no_var, entry, m.NO_PROXY_MATCH, target.host)
    return ProxyChoice(value, variable, no_var, None, m.PROXY_ENV, target.host)


@functools.lru_cache(maxsize=1024)
def _entries(no_proxy: str) -> tuple[str, ...]:
    return tuple(e.strip().lower() for e in no_proxy.split(","))


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One entry (``*`` counts); ``port`` None means the scheme's default, as the request options carry it."""
    entry = entry.strip().lower()
    effective = port if port is not None else m.DEFAULT_PORTS.get(scheme)
    return bool(entry) and (entry == "*" or _match(entry, host.lower().strip("[]"), effective))


@functools.lru_cache(maxsize=8192)
def _match(entry: str, host: str, port: int | None) -> bool:
    if entry in (host, f"{host}:{port}"):
        return True
    if entry.startswith("."):
        suffix = entry[1:]
        cut = len(host) - len(suffix) - 1
        if host == suffix or (host.endswith(suffix) and cut >= 0 and host[cut] == "."):
            return True
    if entry.startswith("*.") and host.endswith(entry[1:]):
        return True
    if "-" in entry and isinstance(m.parse_ip(host), ipaddress.IPv4Address):
        start, end = (part.strip() for part in (entry.split("-") + [""])[:2])
        low, high = m.parse_ip(start), m.parse_ip(end)
        if isinstance(low, ipaddress.IPv4Address) and isinstance(high, ipaddress.IPv4Address):
            return int(low) <= int(ipaddress.IPv4Address(host)) <= int(high)
    return False
