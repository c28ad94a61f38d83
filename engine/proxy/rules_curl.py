"""curl / libcurl: which proxy a URL gets from the environment.

Sources: curl lib/url.c (``detect_proxy`` and the no_proxy lookup in ``create_conn_helper_init_proxy``),
lib/noproxy.c (``Curl_check_noproxy``), lib/getenv.c (an empty variable counts as unset),
tests/unit/unit1614.c, docs/cmdline-opts/noproxy.d; checked against curl 7.88.1 on the build machine.

- proxy: ``<scheme>_proxy`` lowercase first, then uppercase, except that ``HTTP_PROXY`` is never read (CGI
  safety); then ``all_proxy``, then ``ALL_PROXY``. A value without a scheme means http://.
- exclusions: ``no_proxy`` first, then ``NO_PROXY``. The whole value ``*`` (exactly) disables the proxy; a
  ``*`` inside a list, or with blanks around it, matches nothing. Entries are split on commas *and* blanks.
- host names: one trailing dot ignored on both sides, one leading dot ignored on the entry, then an exact or
  a tail match on a label boundary, case-insensitive. ``*.example.com`` is a literal and matches nothing.
- IPv4 hosts: entries are IPv4 addresses or CIDR blocks (7.86.0+); name entries never match an IPv4 host.
- IPv6 hosts: url.c cuts the brackets off before noproxy.c sees the name, so noproxy.c's own IPv6/CIDR
  branch (keyed on a leading '[') is never taken for a URL: the literal is compared as a plain name (``::1``
  matches, ``[::1]`` and ``::/0`` do not; observed with 7.88.1). The domain-rules table's "CIDR since
  7.86.0" is IPv4 only.
- ``host:port`` entries never match (the name compared carries no port). Loopback has no special case.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping

from engine.proxy import model as m
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = ","
_TOKENS = re.compile(r"[^ \t,]+")  # ISBLANK (space, tab) and commas separate entries


def _proxy_setting(scheme: str, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    lower = f"{scheme}_proxy"
    names = (lower,) if scheme == "http" else (lower, lower.upper())
    return m.first_set(env, *names, "all_proxy", "ALL_PROXY")


@functools.lru_cache(maxsize=1024)
def _tokens(value: str) -> tuple[str, ...]:
    return tuple(_TOKENS.findall(value))


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    variable, value = m.first_set(env, "no_proxy", "NO_PROXY")
    if variable is None or value is None:
        return "NO_PROXY", []
    return variable, list(_tokens(value))


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    variable, value = _proxy_setting(target.scheme, env)
    no_var, no_value = m.first_set(env, "no_proxy", "NO_PROXY")
    if value is None:
        if target.scheme == "http" and env.get("HTTP_PROXY"):
            return ProxyChoice(None, "HTTP_PROXY", no_var, None, m.UPPERCASE_HTTP_PROXY_IGNORED)
        return ProxyChoice(None, None, no_var, None, m.NO_PROXY_CONFIGURED)
    if no_value is not None:
        if no_value == "*":
            return ProxyChoice(None, variable, no_var, "*", m.NO_PROXY_ALL, target.host)
        for entry in _tokens(no_value):
            if entry_matches(entry, target.host, target.port):
                return ProxyChoice(None, variable, no_var, entry, m.NO_PROXY_MATCH, target.host)
    return ProxyChoice(m.with_default_scheme(value), variable, no_var, None, m.PROXY_ENV, target.host)


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One entry of a list (so a lone ``*`` is False here: curl honours it only as the whole value)."""
    del port, scheme  # curl compares names only: "host:port" entries can never match
    return _match(entry.strip(), host.lower().strip("[]"))


@functools.lru_cache(maxsize=8192)
def _match(token: str, name: str) -> bool:
    if not token:
        return False
    if isinstance(m.parse_ip(name), ipaddress.IPv4Address):
        return _cidr4_match(name, token)
    if name.endswith("."):
        name = name[:-1]
    if token.endswith("."):
        token = token[:-1]
    if token.startswith("."):
        token = token[1:]
    if len(token) == len(name):
        return token.lower() == name
    if len(token) < len(name):
        return name[len(name) - len(token) - 1] == "." and name.endswith(token.lower())
    return False


def _cidr4_match(address: str, token: str) -> bool:
    network, slash, bits_text = token.partition("/")
    digits = re.match(r"\d*", bits_text)
    bits = int(digits.group()) if slash and digits and digits.group() else 0  # atoi(): junk reads as 0
    check = m.parse_ip(network)
    if bits > 32 or not isinstance(check, ipaddress.IPv4Address):
        return False
    if bits in (0, 32):  # noproxy.c: /0 and no slash both mean "this exact address"
        return int(check) == int(ipaddress.IPv4Address(address))
    mask = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
    return (int(check) ^ int(ipaddress.IPv4Address(address))) & mask == 0
