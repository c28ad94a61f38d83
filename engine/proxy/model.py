"""Values shared by every runtime's proxy rules: the decision record, its reason codes, the parsed target URL.

Kept free of any one runtime's quirks; the per-runtime modules (``rules_*.py``) hold those, each naming the
library source it encodes.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from engine.codes import Code

# --- reason codes ------------------------------------------------------------------------------------------
# Members of the one enum engine.codes.Code (their words live in engine.wording), named to sit next to
# Reachability Analyzer's.
PROXY_ENV = Code.PROXY_ENV  # a proxy setting applies and no exclusion matched: the request goes to the proxy
NO_PROXY_MATCH = Code.NO_PROXY_MATCH  # an exclusion entry matched the host: direct
NO_PROXY_ALL = Code.NO_PROXY_ALL  # the exclusion list is the "everything" wildcard: direct
NO_PROXY_CONFIGURED = Code.NO_PROXY_CONFIGURED  # no proxy setting this runtime reads applies to the URL's scheme
LOOPBACK_DIRECT = Code.LOOPBACK_DIRECT  # a built-in rule keeps loopback direct (Go always; the JDK's defaults)
CGI_IGNORED = Code.CGI_IGNORED  # HTTP_PROXY dropped because REQUEST_METHOD is set (CPython urllib, requests)
CGI_REFUSED = Code.CGI_REFUSED  # Go: the request *fails* (error) rather than use HTTP_PROXY under CGI
UPPERCASE_HTTP_PROXY_IGNORED = Code.UPPERCASE_HTTP_PROXY_IGNORED  # curl never reads HTTP_PROXY, only http_proxy
RUNTIME_IGNORES_ENV = Code.RUNTIME_IGNORES_ENV  # proxy variables are set but this runtime does not read them
# The proxy value is set but the runtime cannot use it: no proxy is used, and depending on the runtime the
# request fails (requests: InvalidProxyURL for "proxy:3128") or goes direct (Node ignores a non-http(s)
# value; Node 24 even refuses to start when the value is not a URL at all).
PROXY_URL_UNSUPPORTED = Code.PROXY_URL_UNSUPPORTED

REASONS: tuple[Code, ...] = (
    PROXY_ENV,
    NO_PROXY_MATCH,
    NO_PROXY_ALL,
    NO_PROXY_CONFIGURED,
    LOOPBACK_DIRECT,
    CGI_IGNORED,
    CGI_REFUSED,
    UPPERCASE_HTTP_PROXY_IGNORED,
    RUNTIME_IGNORES_ENV,
    PROXY_URL_UNSUPPORTED,
)

DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ProxyChoice:
    """How one client runtime sends one URL, given its environment.

    ``proxy`` is the proxy URL as configured (``host:port`` without a scheme normalized the way the runtime
    does, to ``http://host:port``); it may carry credentials, so display it through ``display_proxy`` or
    ``mask_credentials`` (the repr masks it too). ``checked_host`` is the host the runtime compared with its
    exclusion list, when that differs from the URL's (botocore decides once per client, on its endpoint).
    """

    proxy: str | None
    variable: str | None
    no_proxy_variable: str | None
    bypass_entry: str | None
    reason: Code
    checked_host: str | None = None

    @property
    def direct(self) -> bool:
        return self.proxy is None

    @property
    def display_proxy(self) -> str | None:
        return None if self.proxy is None else mask_credentials(self.proxy)

    def __repr__(self) -> str:  # never leak proxy credentials into logs or tracebacks
        return (
            f"ProxyChoice(proxy={self.display_proxy!r}, variable={self.variable!r}, "
            f"no_proxy_variable={self.no_proxy_variable!r}, bypass_entry={self.bypass_entry!r}, "
            f"reason={str(self.reason)!r}, checked_host={self.checked_host!r})"
        )


def mask_credentials(url: str) -> str:
    """``http://user:pass@host:3128`` -> ``http://****@host:3128``; anything without an ``@`` is unchanged.

    RFC 3986 section 3.2.1 ends the userinfo at the authority's ``@``, and a password should percent-encode
    ``/``, ``?``, ``#`` and ``@``; people type them raw anyway (``http://u:pa/ss#1@proxy:3128``), and a mask
    that stops at the first ``/`` would print such a password in clear. So everything between the scheme and
    the *last* ``@`` of the value is masked: a URL with an ``@`` in its path is over-masked, never leaked.
    """
    start = url.find("://")
    start = 0 if start < 0 else start + 3
    at = url.rfind("@", start)
    if at < 0:
        return url
    return f"{url[:start]}****{url[at:]}"


def proxy_endpoint(url: str) -> tuple[str, int] | None:
    """(host, port) a client connects to for proxy ``url``; None when no client could (no host, bad port).

    A port outside 1-65535 or not a number fails every runtime before anything is sent: urllib3's
    ``parse_url`` raises ``LocationParseError`` (botocore, requests), curl reports "Port number out of range"
    (CURLE_URL_MALFORMAT), Go's ``url.Parse`` rejects a non-numeric port and its dialer an out-of-range one,
    and Node's ``new URL`` throws ``ERR_INVALID_URL``. The userinfo is masked first, so a password holding raw
    ``/``, ``#`` or ``@`` does not move where the host seems to start.
    """
    try:  # urlsplit itself refuses an unclosed or non-address [bracket]
        parts = urlsplit(with_default_scheme(mask_credentials(url.strip())))
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or port == 0:
        return None
    return parts.hostname, port or DEFAULT_PORTS.get(parts.scheme.lower(), 80)


def with_default_scheme(value: str) -> str:
    """``host:port`` -> ``http://host:port`` (curl, requests and Go all assume http:// for a bare proxy)."""
    if "://" in value:
        return value
    return f"http:{value}" if value.startswith("//") else f"http://{value}"


@dataclass(frozen=True, slots=True)
class Target:
    """The request URL, split the ways the runtimes look at it."""

    scheme: str  # lowercased
    host: str  # lowercased, IPv6 without brackets, no trailing-dot changes
    raw_host: str  # as written (Go compares "localhost" case-sensitively), IPv6 without brackets
    port: int | None  # the URL's explicit port, if any
    netloc: str  # lowercased "host[:port]" without userinfo, IPv6 bracketed (what urllib/botocore compare)

    @property
    def effective_port(self) -> int | None:
        return self.port if self.port is not None else DEFAULT_PORTS.get(self.scheme)

    @property
    def bracketed_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host


@functools.lru_cache(maxsize=4096)
def parse_target(url: str) -> Target:
    """Split a URL (or a bare host, taken as https) without urllib.parse's overhead on the hot path."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        scheme, rest = "https", url.strip()
    authority = rest
    for stop in "/?#":
        i = authority.find(stop)
        if i >= 0:
            authority = authority[:i]
    authority = authority.rpartition("@")[2]
    port: int | None = None
    if authority.startswith("["):
        close = authority.find("]")
        raw_host = authority[1:close] if close > 0 else authority[1:]
        tail = authority[close + 1 :] if close > 0 else ""
        if tail.startswith(":") and tail[1:].isdigit():
            port = int(tail[1:])
    else:
        raw_host, colon, port_text = authority.rpartition(":")
        if not colon:
            raw_host = authority
        elif port_text.isdigit():
            port = int(port_text)
        elif not port_text:
            pass  # "host:" means the default port
        else:
            raw_host = authority
    host = raw_host.lower()
    bracketed = f"[{host}]" if ":" in host else host
    netloc = bracketed if port is None else f"{bracketed}:{port}"
    return Target(scheme=scheme.lower(), host=host, raw_host=raw_host, port=port, netloc=netloc)


_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=4096)
def parse_ip(text: str) -> _IPAddress | None:
    """An IP literal (no zone id, no leading zeros: as curl's inet_pton, Go's ParseIP and Node), else None.

    Only called when the text could be an IP, so host names never reach ``ipaddress``.
    """
    if not text or "%" in text or not (text[0].isdigit() or ":" in text):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_loopback(ip: _IPAddress) -> bool:
    """Go's net.IP.IsLoopback: 127/8, ::1 and IPv4-mapped 127/8 (ipaddress says False for the mapped form)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def first_set(env: Mapping[str, str], *names: str) -> tuple[str | None, str | None]:
    """(variable, value) of the first name with a non-empty value (curl_getenv, getEnvAny, JS ``a || b``)."""
    for name in names:
        value = env.get(name)
        if value:
            return name, value
    return None, None
