"""psf/requests (Session with trust_env, the default).

Sources: requests/utils.py (``should_bypass_proxies``, ``get_environ_proxies``, ``resolve_proxies``,
``select_proxy``, ``is_valid_cidr``, ``address_in_network``, ``is_ipv4_address``) and requests/adapters.py
(``prepend_scheme_if_needed(proxy, "http")``); requests 2.34.2 installed here, compared with 2.32.3 and
2.33.x.

The domain-rules table says "as urllib"; it is not:
- requests reads ``no_proxy`` *or* ``NO_PROXY`` itself (``os.environ.get(k) or os.environ.get(K)``: an empty
  lowercase falls through to the uppercase), runs its own match, and only then asks urllib's
  ``proxy_bypass(hostname)`` (urllib's lowercase-wins view of the environment, host without port).
- its own match: blanks removed, comma-split. For an IPv4 host (``socket.inet_aton``): IPv4 CIDR blocks and
  exact addresses. Otherwise: leading dots stripped, exact or suffix on a label boundary against the host
  and against ``host:port`` (port only when the URL spells it out). Label boundary since **2.34.0**; up to
  2.33.x it was a plain ``str.endswith`` (``example.com`` also matched ``badexample.com``, entries
  case-sensitive). We encode 2.34.
- proxies come from urllib's ``getproxies()`` (same CGI rule), and requests falls back to ``ALL_PROXY`` /
  ``all_proxy`` (key ``all``) when the scheme has none: unlike urllib and botocore.
- the whole value ``*`` bypasses everything only through urllib's check (urllib's view of the variables).
- a proxy value without a scheme gets ``http://`` (``prepend_scheme_if_needed``), except that urllib3 reads
  a single-label ``proxy:3128`` as scheme ``proxy:``: the request then fails with InvalidProxyURL
  (observed).
"""

from __future__ import annotations

import functools
import re
import socket
from collections.abc import Mapping

from engine.proxy import model as m
from engine.proxy import rules_python as py
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = ","
_LOOKS_LIKE_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+-]*:")  # urllib3.util.url's scheme test, no "//" needed


def _entries(value: str) -> list[str]:
    return [e for e in value.replace(" ", "").split(",") if e]


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    variable, value = m.first_set(env, "no_proxy", "NO_PROXY")
    return (variable or "NO_PROXY"), _entries(value or "")


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    proxies, dropped = py.urllib_proxies(env)
    setting = proxies.get(target.scheme) or proxies.get("all")
    own_var, own_value = m.first_set(env, "no_proxy", "NO_PROXY")
    urllib_no = proxies.get("no")
    no_var = own_var or (urllib_no[1] if urllib_no else None)
    if setting is None:
        if dropped and target.scheme == "http":
            return ProxyChoice(None, dropped, no_var, None, m.CGI_IGNORED)
        return ProxyChoice(None, None, no_var, None, m.NO_PROXY_CONFIGURED)
    value, variable = setting
    if own_value:
        for entry in _entries(own_value):
            if _own_match(entry, target.host, target.port):
                return ProxyChoice(None, variable, own_var, entry, m.NO_PROXY_MATCH, target.host)
    if urllib_no is not None:
        hit = py.urllib_bypass(target.host, urllib_no[0])  # hostname only: no port, no brackets
        if hit is not None:
            reason = m.NO_PROXY_ALL if hit == "*" and urllib_no[0] == "*" else m.NO_PROXY_MATCH
            return ProxyChoice(None, variable, urllib_no[1], hit, reason, target.host)
    if "://" not in value and _LOOKS_LIKE_SCHEME.match(value):
        return ProxyChoice(None, variable, no_var, None, m.PROXY_URL_UNSUPPORTED, target.host)
    return ProxyChoice(m.with_default_scheme(value), variable, no_var, None, m.PROXY_ENV, target.host)


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One entry of a list: requests' own rule or urllib's (a lone ``*`` only works as the whole value)."""
    del scheme
    entry = entry.replace(" ", "")
    host = host.lower().strip("[]")
    if not entry or entry == "*":
        return False
    return _own_match(entry, host, port) or py.urllib_bypass(host, entry) is not None


@functools.lru_cache(maxsize=8192)
def _own_match(entry: str, host: str, port: int | None) -> bool:
    address = _inet_aton(host)
    if address is not None:
        if _is_valid_cidr(entry):
            network, bits = entry.split("/")
            mask = (0xFFFFFFFF << (32 - int(bits))) & 0xFFFFFFFF
            net = _inet_aton(network)
            return net is not None and (address & mask) == (net & mask)
        return host == entry
    with_port = f"{host}:{port}" if port else host
    name = entry.lstrip(".")
    if name in (host, with_port):
        return True
    name = "." + name
    return host.endswith(name) or with_port.endswith(name)


def _inet_aton(text: str) -> int | None:
    """requests' is_ipv4_address: the C library's inet_aton, as lenient as it is ("10.1" passes)."""
    if not text[:1].isdigit():
        return None
    try:
        return int.from_bytes(socket.inet_aton(text), "big")
    except OSError:
        return None


def _is_valid_cidr(text: str) -> bool:
    if text.count("/") != 1:
        return False
    network, bits = text.split("/")
    try:
        mask = int(bits)
    except ValueError:
        return False
    return 1 <= mask <= 32 and _inet_aton(network) is not None
