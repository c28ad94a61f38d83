"""The proxy module's public surface: names, aliases, exclusion lists, copy-paste lines, credential masking."""

from __future__ import annotations

import sys

import pytest

import engine.proxy as proxy_module
from engine.errors import QuestionError
from engine.proxy import (
    ALIASES,
    DEFAULT_RUNTIME,
    REASONS,
    RUNTIMES,
    ProxyChoice,
    choose_proxy,
    entry_matches,
    env_line,
    exclusion_setting,
    mask_credentials,
    normalize_runtime,
    proxy_for,
    render_exclusions,
)

P = "http://10.20.0.10:3128"


def test_public_surface_is_what_all_says() -> None:
    """httpx-style honesty: every name in __all__ exists, and the documented ones are there."""
    for name in proxy_module.__all__:
        assert hasattr(proxy_module, name), name
    documented = {"RUNTIMES", "DEFAULT_RUNTIME", "normalize_runtime", "proxy_for", "choose_proxy", "ProxyChoice",
                  "exclusion_setting", "entry_matches", "render_exclusions", "env_line", "mask_credentials"}
    assert documented <= set(proxy_module.__all__)
    assert RUNTIMES == ("python", "curl", "requests", "go", "java", "node")
    assert DEFAULT_RUNTIME == "python"


@pytest.mark.parametrize(
    ("name", "runtime"),
    [("aws-cli", "python"), ("awscli", "python"), ("aws", "python"), ("botocore", "python"), ("boto3", "python"),
     ("urllib", "python"), ("golang", "go"), ("nodejs", "node"), ("jdk", "java"), ("  Python ", "python"),
     ("AWS_CLI", "python"), ("aws cli", "python"), ("CURL", "curl"), ("requests", "requests")],
)
def test_runtime_names_and_aliases(name: str, runtime: str) -> None:
    """The aliases of the brief; case, blanks and underscores do not matter."""
    assert normalize_runtime(name) == runtime
    assert set(ALIASES.values()) <= set(RUNTIMES)


def test_unknown_runtime_is_a_question_error_with_candidates() -> None:
    """Unknown names get the closest known candidates (interfaces.md, Questions) and every valid name."""
    with pytest.raises(QuestionError) as err:
        normalize_runtime("pyhton")
    assert err.value.candidates == ["python"]
    for name in RUNTIMES:
        assert name in str(err.value)
    with pytest.raises(QuestionError) as err2:
        choose_proxy("https://example.com/", {}, "cobol")
    assert err2.value.candidates  # nothing close: all runtimes offered
    with pytest.raises(QuestionError):
        proxy_for("https://example.com/", {}, "ruby")


def test_choose_proxy_accepts_aliases_and_bare_hosts() -> None:
    """The default runtime is the AWS CLI's; a bare host is taken as https."""
    env = {"HTTPS_PROXY": P}
    assert choose_proxy("https://example.com/", env, "aws-cli") == choose_proxy("example.com", env, DEFAULT_RUNTIME)
    assert proxy_for("s3.ap-northeast-1.amazonaws.com", env, "aws") == P


def test_every_reason_is_a_documented_code() -> None:
    """Codes, not prose: every reason the tables produce is in REASONS."""
    assert len(set(REASONS)) == len(REASONS)
    envs = [{}, {"HTTPS_PROXY": P}, {"HTTPS_PROXY": P, "NO_PROXY": "*"}, {"HTTP_PROXY": P, "REQUEST_METHOD": "GET"}]
    for runtime in RUNTIMES:
        for env in envs:
            for url in ("https://example.com/", "http://example.com/", "https://localhost/"):
                assert choose_proxy(url, env, runtime).reason in REASONS


@pytest.mark.parametrize(
    ("runtime", "env", "variable", "entries"),
    [
        ("curl", {"no_proxy": "a.com b.com", "NO_PROXY": "c.com"}, "no_proxy", ["a.com", "b.com"]),
        ("curl", {"no_proxy": "", "NO_PROXY": "c.com"}, "NO_PROXY", ["c.com"]),
        ("curl", {}, "NO_PROXY", []),
        ("python", {"no_proxy": " a.com , .b.com "}, "no_proxy", ["a.com", ".b.com"]),
        ("python", {"no_proxy": "", "NO_PROXY": "c.com"}, "no_proxy", []),  # the empty lowercase one rules
        ("python", {}, "NO_PROXY", []),
        ("requests", {"no_proxy": "", "NO_PROXY": "a.com, b.com"}, "NO_PROXY", ["a.com", "b.com"]),
        ("go", {"NO_PROXY": "a.com", "no_proxy": "b.com"}, "NO_PROXY", ["a.com"]),
        ("go", {"no_proxy": "b.com"}, "no_proxy", ["b.com"]),
        ("node", {"no_proxy": "b.com,c.com"}, "no_proxy", ["b.com", "c.com"]),
        ("java", {"http.nonProxyHosts": "a.com|*.b.com"}, "http.nonProxyHosts", ["a.com", "*.b.com"]),
        ("java", {"JAVA_TOOL_OPTIONS": "-Dhttp.nonProxyHosts=a.com"}, "http.nonProxyHosts", ["a.com"]),
        ("java", {"NO_PROXY": "a.com"}, "http.nonProxyHosts", []),
    ],
)
def test_exclusion_setting_names_the_variable_the_runtime_reads(
    runtime: str, env: dict[str, str], variable: str, entries: list[str]
) -> None:
    """Keep the user's spelling when set, else NO_PROXY / http.nonProxyHosts; split as the runtime splits
    (curl: commas and blanks; requests: blanks removed; java: ``|``). Sources as in test_proxy_runtimes."""
    assert exclusion_setting(env, runtime) == (variable, entries)


@pytest.mark.parametrize(
    ("runtime", "entry", "host", "port", "want"),
    [
        ("curl", ".amazonaws.com", "s3.ap-northeast-1.amazonaws.com", None, True),
        ("curl", "*", "example.com", None, False),  # only as the whole value
        ("curl", "10.0.0.0/8", "10.1.2.3", None, True),
        ("python", "s3.ap-northeast-3.amazonaws.com", "app-data.s3.ap-northeast-3.amazonaws.com", None, True),
        ("python", "app-data.s3.ap-northeast-3.amazonaws.com", "app-data.s3.ap-northeast-3.amazonaws.com", None,
         False),  # botocore checks the endpoint
        ("python", "example.com:8443", "example.com", 8443, True),
        ("python", "[::1]", "::1", None, True),
        ("requests", "10.0.0.0/8", "10.1.2.3", None, True),
        ("requests", "*", "example.com", None, False),
        ("go", "*", "example.com", None, True),
        ("go", "example.com:443", "example.com", None, True),  # default port of the scheme
        ("go", ".x.com", "x.com", None, False),  # subdomains only
        ("node", "example.com", "www.example.com", None, False),
        ("node", "example.com:80", "example.com", None, False),
        ("java", "*.amazonaws.com", "s3.ap-northeast-1.amazonaws.com", None, True),
        ("java", "[::1]", "::1", None, True),
        ("java", ".amazonaws.com", "s3.amazonaws.com", None, False),
    ],
)
def test_entry_matches_one_entry_as_an_item_of_a_list(
    runtime: str, entry: str, host: str, port: int | None, want: bool
) -> None:
    """A single exclusion entry, judged as one item of a longer list, per runtime."""
    assert entry_matches(entry, host, port, runtime) is want


ENTRIES = ["example.com", ".example.com", "*.example.com", "example.com:443", "example.com:8443", "*", "10.0.0.0/8",
           "10.1.2.3", "::1", "[::1]", "*example.com", "EXAMPLE.COM", ".0.5", "10.*", "2001:db8::/32",
           "app-data.s3.ap-northeast-3.amazonaws.com", "s3.ap-northeast-3.amazonaws.com"]
TARGETS = [  # (url, host, explicit port)
    ("https://example.com/", "example.com", None),
    ("https://www.example.com/", "www.example.com", None),
    ("https://badexample.com/", "badexample.com", None),
    ("https://example.com:8443/", "example.com", 8443),
    ("https://10.1.2.3/", "10.1.2.3", None),
    ("https://[2001:db8::1]/", "2001:db8::1", None),
    ("https://app-data.s3.ap-northeast-3.amazonaws.com/k", "app-data.s3.ap-northeast-3.amazonaws.com", None),
]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_entry_matches_agrees_with_choose_proxy_on_one_entry_lists(runtime: str) -> None:
    """entry_matches is the per-entry view of the same rules choose_proxy applies (``*`` aside, which some
    runtimes honour only as the whole value)."""
    for entry in ENTRIES:
        if entry == "*":
            continue
        if runtime == "java":
            env = {"https.proxyHost": "10.20.0.10", "http.nonProxyHosts": entry}
        else:
            env = {"HTTPS_PROXY": P, "NO_PROXY": entry, "NODE_USE_ENV_PROXY": "1"}
        for url, host, port in TARGETS:
            choice = choose_proxy(url, env, runtime)
            matched = choice.reason == "NO_PROXY_MATCH"
            assert entry_matches(entry, host, port, runtime) is matched, (runtime, entry, url, choice)


def test_entry_matches_uses_the_scheme_default_port_where_the_runtime_does() -> None:
    """Go's canonicalAddr and Node's request options fill the port in from the scheme."""
    assert entry_matches("example.com:80", "example.com", None, "go", scheme="http")
    assert not entry_matches("example.com:80", "example.com", None, "go", scheme="https")
    assert entry_matches("example.com:80", "example.com", None, "node", scheme="http")


def test_render_exclusions_uses_the_runtime_separator() -> None:
    entries = ["localhost", ".amazonaws.com"]
    for runtime in ("curl", "python", "requests", "go", "node", "aws-cli"):
        assert render_exclusions(runtime, entries) == "localhost,.amazonaws.com"
    assert render_exclusions("java", ["localhost", "*.amazonaws.com"]) == "localhost|*.amazonaws.com"


def test_env_line_for_environment_runtimes_is_an_export() -> None:
    assert env_line("python", "NO_PROXY", "localhost,.amazonaws.com") == 'export NO_PROXY="localhost,.amazonaws.com"'
    assert env_line("curl", "no_proxy", 'a"b$c') == 'export no_proxy="a\\"b\\$c"'


def test_env_line_for_java_appends_a_property_to_JAVA_TOOL_OPTIONS() -> None:
    """The JVM reads JAVA_TOOL_OPTIONS and a later -D wins; existing options are kept (checked with a real JVM)."""
    line = env_line("java", "http.nonProxyHosts", "localhost|*.amazonaws.com")
    assert line == (
        'export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }'
        '-Dhttp.nonProxyHosts=\\"localhost|*.amazonaws.com\\""'
    )


def test_env_line_for_node_adds_NODE_USE_ENV_PROXY_only_when_needed() -> None:
    """Node reads proxy variables only with NODE_USE_ENV_PROXY=1; exclusions need nothing more."""
    assert env_line("node", "HTTPS_PROXY", P) == f'export HTTPS_PROXY="{P}"\nexport NODE_USE_ENV_PROXY=1'
    assert env_line("node", "HTTPS_PROXY", P, env={"NODE_USE_ENV_PROXY": "1"}) == f'export HTTPS_PROXY="{P}"'
    assert env_line("node", "NO_PROXY", ".amazonaws.com") == 'export NO_PROXY=".amazonaws.com"'


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://user:pass@10.20.0.10:3128", "http://****@10.20.0.10:3128"),
        ("http://user:p@ss@proxy:3128/", "http://****@proxy:3128/"),
        ("user:pass@proxy:3128", "****@proxy:3128"),
        ("http://proxy:3128", "http://proxy:3128"),
        # RFC 3986 wants /, ?, # and @ percent-encoded in a password; typed raw, they must still be masked.
        ("http://user:pa/ss@proxy:3128", "http://****@proxy:3128"),
        ("http://user:pa#ss@proxy:3128", "http://****@proxy:3128"),
        ("http://user:p?s:s@proxy:3128/", "http://****@proxy:3128/"),
        ("http://us@er:p@ss/w#rd@proxy:3128", "http://****@proxy:3128"),
        # ambiguous with the line above, so over-masked rather than risk a leak
        ("http://proxy:3128/path@x", "http://****@x"),
    ],
)
def test_mask_credentials(url: str, masked: str) -> None:
    """RFC 3986 section 3.2.1 (userinfo): whatever the password holds, nothing of it survives the mask."""
    assert mask_credentials(url) == masked


def test_proxy_choice_never_shows_credentials_when_displayed() -> None:
    """The proxy URL is kept as configured (the engine must reach it) but repr and display_proxy mask it."""
    choice = choose_proxy("https://example.com/", {"HTTPS_PROXY": "http://alice:s3cret@10.20.0.10:3128"}, "curl")
    assert choice.proxy == "http://alice:s3cret@10.20.0.10:3128"
    assert choice.display_proxy == "http://****@10.20.0.10:3128"
    assert "s3cret" not in repr(choice) and "s3cret" not in str(choice)
    assert isinstance(choice, ProxyChoice) and not choice.direct


def test_choose_proxy_parses_each_setting_once_on_the_hot_path() -> None:
    """Called per question: the environment's values are parsed on first use and served from the caches after
    (every cache's misses stay flat on repeated calls); the per-call figure is measured by bench.bench."""
    env = {f"VAR_{i}": "x" * 20 for i in range(40)}
    env.update({"HTTPS_PROXY": P, "NO_PROXY": "localhost,127.0.0.1,169.254.169.254,.internal,10.0.0.0/8",
                "NODE_USE_ENV_PROXY": "1", "https.proxyHost": "10.20.0.10"})
    url = "https://app-data.s3.ap-northeast-3.amazonaws.com/key"
    caches = [fn for mod in (sys.modules[n] for n in sorted(sys.modules) if n.startswith(proxy_module.__name__))
              for fn in vars(mod).values() if callable(getattr(fn, "cache_info", None))]
    assert caches
    for runtime in RUNTIMES:
        choose_proxy(url, env, runtime)
        misses = [fn.cache_info().misses for fn in caches]
        for _ in range(50):
            choose_proxy(url, env, runtime)
        assert [fn.cache_info().misses for fn in caches] == misses, runtime
