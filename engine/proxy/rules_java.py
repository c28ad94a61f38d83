"""The JDK's default ProxySelector (HttpURLConnection, java.net.http.HttpClient): system properties only.

Sources: OpenJDK src/java.base/share/classes/sun/net/spi/DefaultProxySelector.java (``props``,
``NonProxyInfo.defStringVal``, ``determineProxies``, ``toPattern``, ``disjunctToRegex``; identical in the
jdk13u sources and in JDK 25's src.zip), HotSpot's JAVA_TOOL_OPTIONS parsing and the java launcher's
JDK_JAVA_OPTIONS; observed with OpenJDK 17.0.15 and Temurin 25 on the build machine.

- the JDK never reads HTTP(S)_PROXY / NO_PROXY. Properties reach us as keys of the env mapping
  (``https.proxyHost``, as collected from the process) or as ``-Dkey=value`` in JAVA_TOOL_OPTIONS (read by
  the JVM, lowest precedence), JDK_JAVA_OPTIONS (java launcher, JDK 9+), JAVA_OPTS (only a launch-script
  convention: Tomcat and friends put it on the command line); later wins, a plain key wins over all. Quotes
  are honoured.
- an https URL uses ``https.proxyHost``, else the legacy ``proxyHost``, else ``socksProxyHost``: it never
  falls back to ``http.proxyHost``. The port is ``<same prefix>Port``, else the legacy ``proxyPort``, else
  443 (https) / 80 (http) / 1080 (SOCKS). The proxy is spoken to in plain HTTP: we report
  ``http://host:port``.
- exclusions: ``http.nonProxyHosts`` for http *and* https; ``|``-separated, lowercased, *not* trimmed; ``*``
  alone matches everything (the domain-rules table says "n/a": wrong), ``*x`` / ``x*`` / ``*x*`` are suffix
  / prefix / substring matches with no label boundary (``*amazonaws.com`` also matches
  ``notamazonaws.com``); everything else is an exact, literal match, so ``.amazonaws.com`` matches nothing
  and CIDR blocks are literals. IPv6 hosts are compared bracketed (``[::1]``), as ``URI.getHost`` returns
  them.
- loopback: unset ``http.nonProxyHosts`` means ``localhost|127.*|[::1]|0.0.0.0|[::0]``; a non-empty value
  gets those defaults *appended* (JDK 13+ source; observed on 17 and 25), an empty value means no exclusions
  at all.

Not encoded: the AWS SDK for Java 2.x HTTP clients (Apache, UrlConnection, CRT) build their own
ProxyConfiguration (aws-sdk-java-v2 utils ProxySystemPropertyConfigProvider /
ProxyEnvironmentVariableConfigProvider): system properties keyed by the *proxy* scheme (default ``http``:
``http.proxyHost``/``http.proxyPort`` even for https targets), and when no property is set at all,
``http_proxy``/``HTTP_PROXY`` and ``no_proxy``/``NO_PROXY`` from the environment. That differs enough to
deserve its own runtime name if the product needs it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from engine.proxy import model as m
from engine.proxy.model import ProxyChoice, Target

SEPARATOR = "|"
PROPERTY = "http.nonProxyHosts"
DEFAULT_NON_PROXY_HOSTS = ("localhost", "127.*", "[::1]", "0.0.0.0", "[::0]")
_OPTION_VARIABLES = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS")  # lowest precedence first
_HOST_PREFIXES = {
    "https": ("https.proxy", "proxy", "socksProxy"),
    "http": ("http.proxy", "proxy", "socksProxy"),
}
_ENV_PROXY_VARIABLES = {"https": ("https_proxy", "HTTPS_PROXY"), "http": ("http_proxy", "HTTP_PROXY")}


def system_properties(env: Mapping[str, str]) -> dict[str, str]:
    """The properties the JVM would see: -D flags from the option variables, then plain ``a.b`` keys."""
    props: dict[str, str] = {}
    for variable in _OPTION_VARIABLES:
        if env.get(variable):
            props.update(_parse_options(env[variable]))
    props.update(
        {k: v for k, v in env.items() if "." in k or k in ("proxyHost", "proxyPort", "socksProxyHost")}
    )
    return props


@functools.lru_cache(maxsize=512)
def _parse_options(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for word in _split_words(text):
        if word.startswith("-D") and len(word) > 2:
            key, _, value = word[2:].partition("=")
            found[key] = value
    return found


def _split_words(text: str) -> list[str]:
    """HotSpot's option-string splitting: whitespace separates, '...' and "..." group (quotes dropped)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    started = False
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            else:
                current.append(ch)
        elif ch in "'\"":
            quote, started = ch, True
        elif ch.isspace():
            if started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(ch)
            started = True
    if started:
        words.append("".join(current))
    return words


def exclusion_setting(env: Mapping[str, str]) -> tuple[str, list[str]]:
    """Entries the user set (the JDK appends its loopback defaults to any non-empty value by itself)."""
    value = system_properties(env).get(PROPERTY)
    return PROPERTY, [e for e in (value or "").split("|") if e]


def choose(target: Target, env: Mapping[str, str]) -> ProxyChoice:
    prefixes = _HOST_PREFIXES.get(target.scheme)
    props = system_properties(env) if prefixes else {}
    found = next((p for p in prefixes or () if props.get(p + "Host")), None)
    if prefixes is None or found is None:
        ignored, _ = m.first_set(env, *_ENV_PROXY_VARIABLES.get(target.scheme, ()))
        reason = m.RUNTIME_IGNORES_ENV if ignored else m.NO_PROXY_CONFIGURED
        return ProxyChoice(None, ignored, None, None, reason)
    variable = found + "Host"
    own = props.get(PROPERTY)
    entries = DEFAULT_NON_PROXY_HOSTS if own is None else _with_defaults(own)
    urlhost = target.bracketed_host
    for entry in entries:
        if _disjunct_match(entry.lower(), urlhost):
            user_set = own is not None and entry in own.split("|")
            reason = m.NO_PROXY_ALL if entry == "*" else m.NO_PROXY_MATCH if user_set else m.LOOPBACK_DIRECT
            return ProxyChoice(None, variable, PROPERTY, entry, reason, urlhost)
    return ProxyChoice(
        _proxy_url(found, props, target.scheme), variable, PROPERTY, None, m.PROXY_ENV, urlhost
    )


def entry_matches(entry: str, host: str, port: int | None = None, scheme: str = "https") -> bool:
    """One ``|``-disjunct against the host as URI.getHost gives it (IPv6 bracketed); ports play no part."""
    del port, scheme
    host = host.lower()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return bool(entry) and _disjunct_match(entry.lower(), host)


def _with_defaults(own: str) -> tuple[str, ...]:
    if not own:
        return ()  # set but empty: "leave empty", even the loopback defaults go
    return tuple(e for e in own.split("|") if e) + DEFAULT_NON_PROXY_HOSTS


@functools.lru_cache(maxsize=8192)
def _disjunct_match(disjunct: str, host: str) -> bool:
    if disjunct == "*":
        return True
    if len(disjunct) > 1 and disjunct.startswith("*") and disjunct.endswith("*"):
        return disjunct[1:-1] in host
    if disjunct.startswith("*"):
        return host.endswith(disjunct[1:])
    if disjunct.endswith("*"):
        return host.startswith(disjunct[:-1])
    return host == disjunct


def _proxy_url(prefix: str, props: Mapping[str, str], scheme: str) -> str:
    host = props[prefix + "Host"]
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if prefix == "socksProxy":
        version = 4 if props.get("socksProxyVersion") == "4" else 5
        return f"socks{version}://{shown}:{_port(props.get('socksProxyPort')) or 1080}"
    port = _port(props.get(prefix + "Port"))
    for other in _HOST_PREFIXES[scheme][:-1]:  # same prefix first, then the other non-SOCKS one
        port = port or _port(props.get(other + "Port"))
    return f"http://{shown}:{port or m.DEFAULT_PORTS[scheme]}"


def _port(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
