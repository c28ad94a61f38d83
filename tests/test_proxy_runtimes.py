"""Per client runtime: which proxy a URL gets from its environment (our own tables, one group per runtime).

Each group's docstring names the library source it encodes. Every row was also checked against the real
client on a loopback-only setup while writing (curl 7.88.1, CPython 3.11 urllib + botocore 1.43, requests 2.34,
Go 1.19 net/http, Node v24.22.3, OpenJDK 17 and 25); the tests themselves need none of those binaries.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from engine.proxy import choose_proxy, proxy_for

P = "http://10.20.0.10:3128"  # the Osaka proxy of the article, as clients configure it
P2 = "http://10.20.0.11:8080"
BUCKET_URL = "https://app-data.s3.ap-northeast-3.amazonaws.com/key"
TOKYO_S3 = "https://s3.ap-northeast-1.amazonaws.com/"
DIRECT = None


class Case(NamedTuple):
    id: str
    url: str
    env: dict[str, str]
    proxy: str | None
    reason: str
    entry: str | None = None  # the exclusion entry reported when direct because of it


def _check(runtime: str, case: Case) -> None:
    choice = choose_proxy(case.url, case.env, runtime)
    assert (choice.proxy, choice.reason) == (case.proxy, case.reason), choice
    assert proxy_for(case.url, case.env, runtime) == case.proxy
    if case.entry is not None:
        assert choice.bypass_entry == case.entry


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


# --- curl -------------------------------------------------------------------------------------------------------
CURL = [
    Case("https-uppercase-read", "https://example.com/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("lowercase-wins", "https://example.com/", {"https_proxy": P2, "HTTPS_PROXY": P}, P2, "PROXY_ENV"),
    Case("empty-lowercase-is-unset", "https://example.com/", {"https_proxy": "", "HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("HTTP_PROXY-never-read", "http://example.com/", {"HTTP_PROXY": P}, DIRECT, "UPPERCASE_HTTP_PROXY_IGNORED"),
    Case("http_proxy-read", "http://example.com/", {"http_proxy": P}, P, "PROXY_ENV"),
    Case("ALL_PROXY-fallback", "https://example.com/", {"ALL_PROXY": P}, P, "PROXY_ENV"),
    Case("scheme-var-beats-all_proxy", "https://example.com/", {"all_proxy": P2, "HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("nothing-set", "https://example.com/", {}, DIRECT, "NO_PROXY_CONFIGURED"),
    Case("no-CGI-rule-for-https", "https://example.com/", {"HTTPS_PROXY": P, "REQUEST_METHOD": "GET"}, P, "PROXY_ENV"),
    Case("bare-host-port-is-http", "https://example.com/", {"HTTPS_PROXY": "10.20.0.10:3128"}, P, "PROXY_ENV"),
    Case("star-alone", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*"}, DIRECT, "NO_PROXY_ALL"),
    Case("star-in-list-is-nothing", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "a.com,*"}, P, "PROXY_ENV"),
    Case("star-with-blank-is-nothing", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": " *"}, P, "PROXY_ENV"),
    Case("leading-dot-ignored", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": ".example.com"}, DIRECT,
         "NO_PROXY_MATCH", ".example.com"),
    Case("subdomain-tail-match", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, DIRECT,
         "NO_PROXY_MATCH", "example.com"),
    Case("label-boundary", "https://badexample.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, P, "PROXY_ENV"),
    Case("case-insensitive", "https://EXAMPLE.com/", {"HTTPS_PROXY": P, "NO_PROXY": "Example.COM"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("star-dot-is-literal", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*.example.com"}, P,
         "PROXY_ENV"),
    Case("port-entries-never-match", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:443"}, P,
         "PROXY_ENV"),
    Case("blank-separated-entries", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "a.com example.com"},
         DIRECT, "NO_PROXY_MATCH", "example.com"),
    Case("trailing-dot-ignored", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com."}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("no_proxy-beats-NO_PROXY", "https://example.com/",
         {"HTTPS_PROXY": P, "no_proxy": "other.com", "NO_PROXY": "example.com"}, P, "PROXY_ENV"),
    Case("empty-no_proxy-falls-through", "https://example.com/",
         {"HTTPS_PROXY": P, "no_proxy": "", "NO_PROXY": "example.com"}, DIRECT, "NO_PROXY_MATCH"),
    Case("localhost-proxied", "https://localhost/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("ipv4-cidr", "https://127.0.0.5/", {"HTTPS_PROXY": P, "NO_PROXY": "127.0.0.0/8"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv4-host-ignores-name-suffix", "https://127.0.0.5/", {"HTTPS_PROXY": P, "NO_PROXY": ".0.5"}, P,
         "PROXY_ENV"),
    Case("ipv6-bare-entry", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "::1"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv6-bracketed-entry-misses", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "[::1]"}, P, "PROXY_ENV"),
    Case("ipv6-cidr-not-applied", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "::/0"}, P, "PROXY_ENV"),
]


@pytest.mark.parametrize("case", CURL, ids=_ids(CURL))
def test_curl_reads_lowercase_first_never_HTTP_PROXY_and_tail_matches_no_proxy(case: Case) -> None:
    """curl lib/url.c detect_proxy (http_proxy lowercase only, <scheme>_proxy then upper, then all_proxy/ALL_PROXY),
    lib/noproxy.c Curl_check_noproxy (``*`` only as the whole value, dot/trailing-dot stripping, label-boundary tail
    match, IPv4 CIDR since 7.86.0; IPv6 compared as a plain name since url.c drops the brackets), getenv.c (empty =
    unset). Confirmed against curl 7.88.1."""
    _check("curl", case)


# --- python: urllib / botocore / AWS CLI ------------------------------------------------------------------------
PYTHON = [
    Case("https-uppercase-read", "https://example.com/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("lowercase-wins", "https://example.com/", {"https_proxy": P2, "HTTPS_PROXY": P}, P2, "PROXY_ENV"),
    Case("empty-lowercase-unsets-uppercase", "https://example.com/", {"https_proxy": "", "HTTPS_PROXY": P},
         DIRECT, "NO_PROXY_CONFIGURED"),
    Case("mixed-case-name-counts", "https://example.com/", {"Https_Proxy": P}, P, "PROXY_ENV"),
    Case("CGI-drops-HTTP_PROXY", "http://example.com/", {"HTTP_PROXY": P, "REQUEST_METHOD": "GET"}, DIRECT,
         "CGI_IGNORED"),
    Case("CGI-empty-method-still-CGI", "http://example.com/", {"HTTP_PROXY": P, "REQUEST_METHOD": ""}, DIRECT,
         "CGI_IGNORED"),
    Case("CGI-keeps-http_proxy", "http://example.com/", {"http_proxy": P, "REQUEST_METHOD": "GET"}, P, "PROXY_ENV"),
    Case("CGI-keeps-HTTPS_PROXY", "https://example.com/", {"HTTPS_PROXY": P, "REQUEST_METHOD": "GET"}, P,
         "PROXY_ENV"),
    Case("ALL_PROXY-ignored", "https://example.com/", {"ALL_PROXY": P}, DIRECT, "NO_PROXY_CONFIGURED"),
    Case("bare-host-port-is-http", "https://example.com/", {"HTTPS_PROXY": "10.20.0.10:3128"}, P, "PROXY_ENV"),
    Case("star-alone", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*"}, DIRECT, "NO_PROXY_ALL"),
    Case("star-with-blanks-is-nothing", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": " * "}, P,
         "PROXY_ENV"),
    Case("star-in-list-is-nothing", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "a.com,*"}, P,
         "PROXY_ENV"),
    Case("leading-dot-stripped", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": ".example.com"}, DIRECT,
         "NO_PROXY_MATCH", ".example.com"),
    Case("label-boundary", "https://badexample.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, P,
         "PROXY_ENV"),
    Case("entries-stripped-and-lowercased", "https://www.example.com/",
         {"HTTPS_PROXY": P, "NO_PROXY": " EXAMPLE.com , other.org "}, DIRECT, "NO_PROXY_MATCH", "EXAMPLE.com"),
    Case("host-port-entry-explicit-port", "https://example.com:8443/",
         {"HTTPS_PROXY": P, "NO_PROXY": "example.com:8443"}, DIRECT, "NO_PROXY_MATCH"),
    Case("host-port-entry-implicit-port", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:443"},
         P, "PROXY_ENV"),
    Case("no-cidr", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, P, "PROXY_ENV"),
    Case("exact-ip", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.1.2.3"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv6-bracketed-entry", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "[::1]"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("ipv6-bare-entry-misses", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "::1"}, P, "PROXY_ENV"),
    Case("localhost-proxied", "https://localhost/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("empty-no_proxy-hides-NO_PROXY", "https://example.com/",
         {"HTTPS_PROXY": P, "no_proxy": "", "NO_PROXY": "example.com"}, P, "PROXY_ENV"),
    Case("star-dot-is-literal", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*.example.com"}, P,
         "PROXY_ENV"),
    Case("empty-lowercase-beats-mixed-case", "https://localhost/",
         {"HTTPS_PROXY": P, "no_proxy": "", "No_Proxy": "localhost"}, P, "PROXY_ENV"),
]


@pytest.mark.parametrize("case", PYTHON, ids=_ids(PYTHON))
def test_python_urllib_rules_as_botocore_applies_them(case: Case) -> None:
    """CPython Lib/urllib/request.py getproxies_environment (two passes: lowercase ``_proxy`` wins, an empty one
    unsets; REQUEST_METHOD drops HTTP_PROXY) and proxy_bypass_environment (``*`` only as the whole value, stripped
    entries, leading dots removed, label-boundary suffix on host and host:port); botocore/httpsession.py
    ProxyConfiguration.proxy_url_for (scheme key only, so no ALL_PROXY) and _fix_proxy_url (bare -> http://)."""
    _check("python", case)


def test_botocore_decides_on_the_client_endpoint_not_the_bucket_host() -> None:
    """botocore/endpoint.py create_endpoint -> utils.get_environ_proxies(endpoint_url): the NO_PROXY check runs once
    per client on ``https://s3.<region>.amazonaws.com``, so an entry naming the bucket's virtual host does nothing for
    the AWS CLI (boto3 was seen sending CONNECT app-data.s3...:443 to the proxy), while curl does bypass."""
    env = {"HTTPS_PROXY": P, "NO_PROXY": "app-data.s3.ap-northeast-3.amazonaws.com"}
    choice = choose_proxy(BUCKET_URL, env, "aws-cli")
    assert (choice.proxy, choice.reason) == (P, "PROXY_ENV")
    assert choice.checked_host == "s3.ap-northeast-3.amazonaws.com"
    assert proxy_for(BUCKET_URL, env, "curl") is None
    dualstack = "https://app-data.s3.dualstack.ap-northeast-3.amazonaws.com/k"
    assert choose_proxy(dualstack, env, "python").checked_host == "s3.dualstack.ap-northeast-3.amazonaws.com"


def test_botocore_checks_an_interface_endpoint_url_as_given() -> None:
    """With --endpoint-url https://bucket.vpce-….s3.<region>.vpce.amazonaws.com the bucket is part of the client's
    endpoint URL, so botocore checks that whole name (botocore/endpoint.py, same call)."""
    url = "https://bucket.vpce-0a1b2c3d4e5f-abcd1234.s3.ap-northeast-1.vpce.amazonaws.com/key"
    env = {"HTTPS_PROXY": P, "NO_PROXY": "bucket.vpce-0a1b2c3d4e5f-abcd1234.s3.ap-northeast-1.vpce.amazonaws.com"}
    choice = choose_proxy(url, env, "python")
    assert choice.proxy is None and choice.checked_host == url.split("/")[2]


# --- requests ---------------------------------------------------------------------------------------------------
REQUESTS = [
    Case("https-uppercase-read", "https://example.com/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("ALL_PROXY-fallback", "https://example.com/", {"ALL_PROXY": P}, P, "PROXY_ENV"),
    Case("scheme-beats-all", "https://example.com/", {"all_proxy": P2, "HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("CGI-drops-HTTP_PROXY", "http://example.com/", {"HTTP_PROXY": P, "REQUEST_METHOD": "GET"}, DIRECT,
         "CGI_IGNORED"),
    Case("CGI-then-ALL_PROXY", "http://example.com/", {"HTTP_PROXY": P, "ALL_PROXY": P2, "REQUEST_METHOD": "GET"},
         P2, "PROXY_ENV"),
    Case("ipv4-cidr", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, DIRECT, "NO_PROXY_MATCH",
         "10.0.0.0/8"),
    Case("invalid-cidr-ignored", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/33"}, P,
         "PROXY_ENV"),
    Case("label-boundary-2.34", "https://badexample.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, P,
         "PROXY_ENV"),
    Case("subdomain", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("leading-dot-stripped", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": ".example.com"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("host-port-entry", "https://example.com:8443/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:8443"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("host-port-entry-implicit-port", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:443"},
         P, "PROXY_ENV"),
    Case("star-alone", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*"}, DIRECT, "NO_PROXY_ALL"),
    Case("star-with-blanks-is-nothing", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": " * "}, P,
         "PROXY_ENV"),
    Case("empty-no_proxy-falls-through", "https://example.com/",
         {"HTTPS_PROXY": P, "no_proxy": "", "NO_PROXY": "example.com"}, DIRECT, "NO_PROXY_MATCH"),
    Case("star-dot-is-literal", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*.example.com"}, P,
         "PROXY_ENV"),
    Case("ipv6-bare-entry", "https://[::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "::1"}, DIRECT, "NO_PROXY_MATCH"),
    Case("uppercase-entry-via-urllib", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "EXAMPLE.COM"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("blanks-removed", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "other.org , example.com"}, DIRECT,
         "NO_PROXY_MATCH", "example.com"),
    Case("localhost-proxied", "https://localhost/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("bare-ip-port-is-http", "https://example.com/", {"HTTPS_PROXY": "10.20.0.10:3128"}, P, "PROXY_ENV"),
    Case("single-label-bare-proxy-fails", "https://example.com/", {"HTTPS_PROXY": "proxy:3128"}, DIRECT,
         "PROXY_URL_UNSUPPORTED"),
]


@pytest.mark.parametrize("case", REQUESTS, ids=_ids(REQUESTS))
def test_requests_own_no_proxy_check_then_urllib_and_all_proxy_fallback(case: Case) -> None:
    """psf/requests utils.py should_bypass_proxies (``no_proxy or NO_PROXY``, blanks removed, IPv4 CIDR via
    is_valid_cidr/address_in_network, label-boundary suffix since 2.34.0, then urllib's proxy_bypass(hostname)),
    resolve_proxies (``environ_proxies.get(scheme, environ_proxies.get("all"))``), adapters.py
    prepend_scheme_if_needed (urllib3 reads ``proxy:3128`` as a scheme: InvalidProxyURL)."""
    _check("requests", case)


# --- go ---------------------------------------------------------------------------------------------------------
GO = [
    Case("uppercase-wins", "https://example.com/", {"HTTPS_PROXY": P, "https_proxy": P2}, P, "PROXY_ENV"),
    Case("empty-uppercase-is-unset", "https://example.com/", {"HTTPS_PROXY": "", "https_proxy": P2}, P2,
         "PROXY_ENV"),
    Case("https-never-uses-HTTP_PROXY", "https://example.com/", {"HTTP_PROXY": P}, DIRECT, "NO_PROXY_CONFIGURED"),
    Case("no-ALL_PROXY", "https://example.com/", {"ALL_PROXY": P}, DIRECT, "NO_PROXY_CONFIGURED"),
    Case("CGI-refuses-HTTP_PROXY", "http://example.com/", {"HTTP_PROXY": P, "REQUEST_METHOD": "GET"}, DIRECT,
         "CGI_REFUSED"),
    Case("CGI-refuses-http_proxy-too", "http://example.com/", {"http_proxy": P, "REQUEST_METHOD": "GET"}, DIRECT,
         "CGI_REFUSED"),
    Case("CGI-needs-non-empty-method", "http://example.com/", {"HTTP_PROXY": P, "REQUEST_METHOD": ""}, P,
         "PROXY_ENV"),
    Case("CGI-keeps-HTTPS_PROXY", "https://example.com/", {"HTTPS_PROXY": P, "REQUEST_METHOD": "GET"}, P,
         "PROXY_ENV"),
    Case("localhost-never-proxied", "https://localhost/", {"HTTPS_PROXY": P}, DIRECT, "LOOPBACK_DIRECT"),
    Case("loopback-v4-never-proxied", "https://127.1.2.3/", {"HTTPS_PROXY": P}, DIRECT, "LOOPBACK_DIRECT"),
    Case("loopback-v6-never-proxied", "https://[::1]:8443/", {"HTTPS_PROXY": P}, DIRECT, "LOOPBACK_DIRECT"),
    Case("v4-mapped-loopback", "https://[::ffff:127.0.0.1]/", {"HTTPS_PROXY": P}, DIRECT, "LOOPBACK_DIRECT"),
    Case("LOCALHOST-as-written-is-proxied", "https://LOCALHOST/", {"HTTPS_PROXY": P}, P, "PROXY_ENV"),
    Case("name-matches-subdomains", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"},
         DIRECT, "NO_PROXY_MATCH"),
    Case("label-boundary", "https://badexample.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com"}, P,
         "PROXY_ENV"),
    Case("leading-dot-subdomains-only", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": ".example.com"}, P,
         "PROXY_ENV"),
    Case("star-dot-subdomains-only", "https://www.example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*.example.com"},
         DIRECT, "NO_PROXY_MATCH", "*.example.com"),
    Case("star-dot-not-the-domain", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "*.example.com"}, P,
         "PROXY_ENV"),
    Case("star-anywhere", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "a.com, *"}, DIRECT,
         "NO_PROXY_ALL"),
    Case("port-defaults-from-scheme", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:443"},
         DIRECT, "NO_PROXY_MATCH"),
    Case("port-must-match", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": "example.com:8443"}, P,
         "PROXY_ENV"),
    Case("ipv4-cidr", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv6-cidr", "https://[2001:db8::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "2001:db8::/32"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("ipv6-with-port", "https://[2001:db8::1]/", {"HTTPS_PROXY": P, "NO_PROXY": "[2001:db8::1]:443"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("bracketed-ipv6-without-port-misses", "https://[2001:db8::1]/",
         {"HTTPS_PROXY": P, "NO_PROXY": "[2001:db8::1]"}, P, "PROXY_ENV"),
    Case("ip-port-mismatch", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": "10.1.2.3:8443"}, P, "PROXY_ENV"),
    Case("trimmed-and-lowercased", "https://example.com/", {"HTTPS_PROXY": P, "NO_PROXY": " Example.COM "}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("name-suffix-on-ip-host", "https://10.1.2.3/", {"HTTPS_PROXY": P, "NO_PROXY": ".2.3"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("bare-proxy-gets-http", "https://example.com/", {"HTTPS_PROXY": "proxy:3128"}, "http://proxy:3128",
         "PROXY_ENV"),
    Case("socks5-kept", "https://example.com/", {"HTTPS_PROXY": "socks5://10.20.0.10:1080"},
         "socks5://10.20.0.10:1080", "PROXY_ENV"),
]


@pytest.mark.parametrize("case", GO, ids=_ids(GO))
def test_go_httpproxy_uppercase_first_loopback_never_proxied(case: Case) -> None:
    """golang.org/x/net http/httpproxy/proxy.go: FromEnvironment/getEnvAny (upper then lower, CGI = non-empty
    REQUEST_METHOD), proxyForURL (refuses HTTP_PROXY under CGI with an error), useProxy (localhost and loopback IPs
    never proxied), config.init matchers (``*``, CIDR, ip[:port], name[:port], ``.x``/``*.x`` subdomains only), and
    proxy_test.go's UseProxyTests; cross-checked with Go 1.19 net/http.ProxyFromEnvironment."""
    _check("go", case)


# --- java -------------------------------------------------------------------------------------------------------
JP = {"https.proxyHost": "10.20.0.10", "https.proxyPort": "3128"}
JAVA = [
    Case("https-proxyHost-and-port", "https://example.com/", JP, P, "PROXY_ENV"),
    Case("port-defaults-to-443", "https://example.com/", {"https.proxyHost": "10.20.0.10"},
         "http://10.20.0.10:443", "PROXY_ENV"),
    Case("https-ignores-http.proxyHost", "https://example.com/", {"http.proxyHost": "10.20.0.10"}, DIRECT,
         "NO_PROXY_CONFIGURED"),
    Case("http-uses-http.proxyHost-port-80", "http://example.com/", {"http.proxyHost": "10.20.0.10"},
         "http://10.20.0.10:80", "PROXY_ENV"),
    Case("env-vars-ignored", "https://example.com/", {"HTTPS_PROXY": P}, DIRECT, "RUNTIME_IGNORES_ENV"),
    Case("legacy-proxyHost", "https://example.com/", {"proxyHost": "10.20.0.11", "proxyPort": "8080"}, P2,
         "PROXY_ENV"),
    Case("legacy-proxyPort-for-https-host", "https://example.com/", {"https.proxyHost": "10.20.0.11",
         "proxyPort": "8080"}, P2, "PROXY_ENV"),
    Case("socks-last", "https://example.com/", {"socksProxyHost": "10.20.0.10"}, "socks5://10.20.0.10:1080",
         "PROXY_ENV"),
    Case("default-localhost", "https://localhost/", JP, DIRECT, "LOOPBACK_DIRECT", "localhost"),
    Case("default-127-star", "https://127.0.0.5/", JP, DIRECT, "LOOPBACK_DIRECT", "127.*"),
    Case("default-ipv6-bracketed", "https://[::1]/", JP, DIRECT, "LOOPBACK_DIRECT", "[::1]"),
    Case("defaults-appended", "https://localhost/", {**JP, "http.nonProxyHosts": "*.example.com"}, DIRECT,
         "LOOPBACK_DIRECT"),
    Case("empty-value-drops-defaults", "https://localhost/", {**JP, "http.nonProxyHosts": ""}, P, "PROXY_ENV"),
    Case("leading-star-suffix", "https://www.example.com/", {**JP, "http.nonProxyHosts": "*.example.com"}, DIRECT,
         "NO_PROXY_MATCH", "*.example.com"),
    Case("leading-star-not-the-domain", "https://example.com/", {**JP, "http.nonProxyHosts": "*.example.com"}, P,
         "PROXY_ENV"),
    Case("star-suffix-no-label-boundary", "https://notamazonaws.com/", {**JP, "http.nonProxyHosts": "*amazonaws.com"},
         DIRECT, "NO_PROXY_MATCH"),
    Case("trailing-star-prefix", "https://app-data.s3.ap-northeast-3.amazonaws.com/",
         {**JP, "http.nonProxyHosts": "app-data.*"}, DIRECT, "NO_PROXY_MATCH"),
    Case("star-alone", "https://example.com/", {**JP, "http.nonProxyHosts": "*"}, DIRECT, "NO_PROXY_ALL"),
    Case("leading-dot-is-literal", "https://www.example.com/", {**JP, "http.nonProxyHosts": ".example.com"}, P,
         "PROXY_ENV"),
    Case("not-trimmed", "https://example.com/", {**JP, "http.nonProxyHosts": " example.com"}, P, "PROXY_ENV"),
    Case("case-insensitive", "https://example.com/", {**JP, "http.nonProxyHosts": "EXAMPLE.COM"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("cidr-is-literal", "https://10.1.2.3/", {**JP, "http.nonProxyHosts": "10.0.0.0/8"}, P, "PROXY_ENV"),
    Case("ip-prefix-star", "https://10.1.2.3/", {**JP, "http.nonProxyHosts": "10.*"}, DIRECT, "NO_PROXY_MATCH"),
    Case("via-JAVA_TOOL_OPTIONS-quoted", "https://www.example.com/",
         {"JAVA_TOOL_OPTIONS": '-Dhttps.proxyHost=10.20.0.10 -Dhttp.nonProxyHosts="a.com|*.example.com"'}, DIRECT,
         "NO_PROXY_MATCH", "*.example.com"),
]


@pytest.mark.parametrize("case", JAVA, ids=_ids(JAVA))
def test_java_default_proxy_selector_reads_system_properties_only(case: Case) -> None:
    """OpenJDK sun/net/spi/DefaultProxySelector.java: props table (https.proxy -> proxy -> socksProxy, no fallback
    to http.proxy), default ports 443/80/1080, NonProxyInfo.defStringVal appended to a non-empty
    http.nonProxyHosts, toPattern/disjunctToRegex (``*`` alone, ``*x``, ``x*``, ``*x*``, else literal; lowercased,
    not trimmed). Observed with OpenJDK 17.0.15 and Temurin 25."""
    _check("java", case)


def test_java_option_variables_rank_below_plain_properties() -> None:
    """HotSpot reads JAVA_TOOL_OPTIONS first, the launcher adds JDK_JAVA_OPTIONS, launch scripts put JAVA_OPTS on
    the command line; the last -D wins (observed: JDK_JAVA_OPTIONS beats JAVA_TOOL_OPTIONS, -D on the command line
    beats both)."""
    env = {"JAVA_TOOL_OPTIONS": "-Dhttps.proxyHost=tool", "JDK_JAVA_OPTIONS": "-Dhttps.proxyHost=jdk"}
    assert proxy_for("https://x.example/", env, "java") == "http://jdk:443"
    env["JAVA_OPTS"] = "-Dhttps.proxyHost=opts"
    assert proxy_for("https://x.example/", env, "java") == "http://opts:443"
    env["https.proxyHost"] = "plain"
    assert proxy_for("https://x.example/", env, "java") == "http://plain:443"
    single = {"JAVA_TOOL_OPTIONS": "-Dhttps.proxyHost=h '-Dhttp.nonProxyHosts=*.example.com|a.com'"}
    assert proxy_for("https://www.example.com/", single, "java") is None


# --- node -------------------------------------------------------------------------------------------------------
NE = {"NODE_USE_ENV_PROXY": "1", "HTTPS_PROXY": P}
NODE = [
    Case("off-by-default", "https://example.com/", {"HTTPS_PROXY": P}, DIRECT, "RUNTIME_IGNORES_ENV"),
    Case("only-1-enables", "https://example.com/", {"HTTPS_PROXY": P, "NODE_USE_ENV_PROXY": "true"}, DIRECT,
         "RUNTIME_IGNORES_ENV"),
    Case("enabled", "https://example.com/", NE, P, "PROXY_ENV"),
    Case("flag-in-NODE_OPTIONS", "https://example.com/", {"HTTPS_PROXY": P, "NODE_OPTIONS": "--use-env-proxy"}, P,
         "PROXY_ENV"),
    Case("no-flag-wins", "https://example.com/", {**NE, "NODE_OPTIONS": "--no-use-env-proxy"}, DIRECT,
         "RUNTIME_IGNORES_ENV"),
    Case("lowercase-wins", "https://example.com/", {**NE, "https_proxy": P2}, P2, "PROXY_ENV"),
    Case("empty-lowercase-falls-through", "https://example.com/", {**NE, "https_proxy": ""}, P, "PROXY_ENV"),
    Case("no-ALL_PROXY", "https://example.com/", {"NODE_USE_ENV_PROXY": "1", "ALL_PROXY": P}, DIRECT,
         "NO_PROXY_CONFIGURED"),
    Case("no-CGI-rule", "http://example.com/", {"NODE_USE_ENV_PROXY": "1", "HTTP_PROXY": P, "REQUEST_METHOD": "GET"},
         P, "PROXY_ENV"),
    Case("bare-proxy-stops-node", "https://example.com/", {"NODE_USE_ENV_PROXY": "1", "HTTPS_PROXY": "proxy:3128"},
         DIRECT, "PROXY_URL_UNSUPPORTED"),
    Case("bad-HTTP_PROXY-stops-https-too", "https://example.com/", {**NE, "HTTP_PROXY": "proxy.corp:3128"}, DIRECT,
         "PROXY_URL_UNSUPPORTED"),
    Case("socks-ignored-by-agents", "https://example.com/", {"NODE_USE_ENV_PROXY": "1", "HTTPS_PROXY":
         "socks5://10.20.0.10:1080"}, DIRECT, "PROXY_URL_UNSUPPORTED"),
    Case("plain-name-exact-only", "https://www.example.com/", {**NE, "NO_PROXY": "example.com"}, P, "PROXY_ENV"),
    Case("plain-name-exact", "https://example.com/", {**NE, "NO_PROXY": "Example.com"}, DIRECT, "NO_PROXY_MATCH"),
    Case("leading-dot-domain", "https://example.com/", {**NE, "NO_PROXY": ".example.com"}, DIRECT, "NO_PROXY_MATCH"),
    Case("leading-dot-subdomain", "https://www.example.com/", {**NE, "NO_PROXY": ".example.com"}, DIRECT,
         "NO_PROXY_MATCH"),
    Case("leading-dot-label-boundary", "https://badexample.com/", {**NE, "NO_PROXY": ".example.com"}, P,
         "PROXY_ENV"),
    Case("star-dot-subdomains-only", "https://example.com/", {**NE, "NO_PROXY": "*.example.com"}, P, "PROXY_ENV"),
    Case("star-anywhere", "https://example.com/", {**NE, "NO_PROXY": "a.com, *"}, DIRECT, "NO_PROXY_ALL"),
    Case("port-defaulted", "https://example.com/", {**NE, "NO_PROXY": "example.com:443"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv4-range", "https://127.0.0.5/", {**NE, "NO_PROXY": "127.0.0.1-127.0.0.9"}, DIRECT, "NO_PROXY_MATCH"),
    Case("outside-range", "https://127.0.0.10/", {**NE, "NO_PROXY": "127.0.0.1-127.0.0.9"}, P, "PROXY_ENV"),
    Case("no-cidr", "https://127.0.0.5/", {**NE, "NO_PROXY": "127.0.0.0/8"}, P, "PROXY_ENV"),
    Case("ipv6-bare", "https://[::1]/", {**NE, "NO_PROXY": "::1"}, DIRECT, "NO_PROXY_MATCH"),
    Case("ipv6-bracketed-misses", "https://[::1]/", {**NE, "NO_PROXY": "[::1]"}, P, "PROXY_ENV"),
    Case("localhost-proxied", "https://localhost/", NE, P, "PROXY_ENV"),
    Case("empty-no_proxy-falls-through", "https://example.com/", {**NE, "no_proxy": "", "NO_PROXY": "example.com"},
         DIRECT, "NO_PROXY_MATCH"),
]


@pytest.mark.parametrize("case", NODE, ids=_ids(NODE))
def test_node_env_proxy_only_when_enabled_exact_names_dotted_domains(case: Case) -> None:
    """nodejs/node lib/internal/http.js parseProxyConfigFromEnv / ProxyConfig.shouldUseProxy (``x || X``; value must
    start with http:// or https://; ``*``, exact host or host:port, ``.x`` domain and subdomains on a label
    boundary, ``*.x`` subdomains, IPv4 ranges, no CIDR), pre_execution.js setupHttpProxy (undici
    EnvHttpProxyAgent aborts startup on a non-URL value), doc/api/cli.md NODE_USE_ENV_PROXY=1 / --use-env-proxy.
    Observed with v24.22.3."""
    _check("node", case)


# --- the article's S3 names, every runtime ----------------------------------------------------------------------
# (runtime, NO_PROXY entry) -> (bucket in Osaka goes direct?, Tokyo regional endpoint goes direct?)
ARTICLE = {
    ("python", ".amazonaws.com"): (True, True),
    ("python", "s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("python", ".s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("python", "*.amazonaws.com"): (False, False),
    ("python", "app-data.s3.ap-northeast-3.amazonaws.com"): (False, False),  # botocore checks the endpoint
    ("curl", ".amazonaws.com"): (True, True),
    ("curl", "s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("curl", ".s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("curl", "*.amazonaws.com"): (False, False),
    ("curl", "app-data.s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("requests", ".amazonaws.com"): (True, True),
    ("requests", "s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("requests", ".s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("requests", "*.amazonaws.com"): (False, False),
    ("go", ".amazonaws.com"): (True, True),
    ("go", "s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("go", ".s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("go", "*.amazonaws.com"): (True, True),  # Go reads "*." as "."
    ("node", ".amazonaws.com"): (True, True),
    ("node", "s3.ap-northeast-3.amazonaws.com"): (False, False),  # exact host only
    ("node", ".s3.ap-northeast-3.amazonaws.com"): (True, False),
    ("node", "*.amazonaws.com"): (True, True),
    ("java", ".amazonaws.com"): (False, False),  # a literal in nonProxyHosts
    ("java", "s3.ap-northeast-3.amazonaws.com"): (False, False),
    ("java", ".s3.ap-northeast-3.amazonaws.com"): (False, False),
    ("java", "*.amazonaws.com"): (True, True),
}


def _article_env(runtime: str, entry: str) -> dict[str, str]:
    if runtime == "java":
        return {"https.proxyHost": "10.20.0.10", "https.proxyPort": "3128", "http.nonProxyHosts": entry}
    env = {"HTTPS_PROXY": P, "NO_PROXY": entry}
    return {**env, "NODE_USE_ENV_PROXY": "1"} if runtime == "node" else env


@pytest.mark.parametrize(("runtime", "entry"), list(ARTICLE), ids=[f"{r}:{e}" for r, e in ARTICLE])
def test_article_s3_names_against_the_usual_no_proxy_entries(runtime: str, entry: str) -> None:
    """The article's bucket in Osaka (virtual-hosted) and Tokyo's regional S3 endpoint against the four entries
    people write. ``*.`` is a glob only for Go (read as ``.``), Node and Java; a literal for curl, urllib/botocore
    and requests. Sources as in the per-runtime groups above."""
    env = _article_env(runtime, entry)
    bucket_direct, tokyo_direct = ARTICLE[(runtime, entry)]
    assert (proxy_for(BUCKET_URL, env, runtime) is None) is bucket_direct
    assert (proxy_for(TOKYO_S3, env, runtime) is None) is tokyo_direct
