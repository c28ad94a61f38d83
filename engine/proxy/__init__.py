"""Which proxy a client runtime uses for a URL, given its environment (or, for Java, its system properties).

Every runtime reads "the proxy environment" its own way; the rules, each tied to the library source it comes
from, live in ``rules_<runtime>.py``. This module is the public surface: normalize a runtime name, choose a
proxy, read and render the exclusion list, and print a copy-paste line for a fix.

Hot path: ``choose_proxy`` parses the URL once per distinct URL and each exclusion list once per distinct
value (``functools.lru_cache``); ``ipaddress`` is consulted only for text that looks like an IP.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType

from engine.errors import QuestionError
from engine.proxy import rules_curl, rules_go, rules_java, rules_node, rules_python, rules_requests
from engine.proxy.model import REASONS, ProxyChoice, mask_credentials, parse_target

__all__ = [
    "ALIASES",
    "DEFAULT_RUNTIME",
    "REASONS",
    "RUNTIMES",
    "ProxyChoice",
    "choose_proxy",
    "entry_matches",
    "env_line",
    "exclusion_setting",
    "mask_credentials",
    "normalize_runtime",
    "proxy_for",
    "render_exclusions",
]

RUNTIMES: tuple[str, ...] = ("python", "curl", "requests", "go", "java", "node")
DEFAULT_RUNTIME = "python"  # the AWS CLI's (botocore over urllib's environment rules)
ALIASES: Mapping[str, str] = {
    "aws-cli": "python",
    "awscli": "python",
    "aws": "python",
    "botocore": "python",
    "boto3": "python",
    "urllib": "python",
    "golang": "go",
    "nodejs": "node",
    "jdk": "java",
}


@dataclass(frozen=True, slots=True)
class _Rules:
    choose: Callable[..., ProxyChoice]
    exclusion_setting: Callable[[Mapping[str, str]], tuple[str, list[str]]]
    entry_matches: Callable[..., bool]
    separator: str


def _rules(module: ModuleType) -> _Rules:
    return _Rules(module.choose, module.exclusion_setting, module.entry_matches, module.SEPARATOR)


_RULES: dict[str, _Rules] = {
    "python": _rules(rules_python),
    "curl": _rules(rules_curl),
    "requests": _rules(rules_requests),
    "go": _rules(rules_go),
    "java": _rules(rules_java),
    "node": _rules(rules_node),
}
_NAMES: dict[str, str] = {**{r: r for r in RUNTIMES}, **ALIASES}


def normalize_runtime(name: str) -> str:
    """A runtime name or alias (any case, ``_`` or blank for ``-``) -> one of RUNTIMES; else QuestionError."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    found = _NAMES.get(key)
    if found is not None:
        return found
    close = difflib.get_close_matches(key, list(_NAMES), n=3, cutoff=0.5)
    candidates = list(dict.fromkeys(_NAMES[c] for c in close)) or list(RUNTIMES)
    raise QuestionError(
        f"unknown client runtime {name!r}: use one of {', '.join(RUNTIMES)} "
        f"(aliases: {', '.join(sorted(ALIASES))})",
        candidates,
    )


def choose_proxy(url: str, env: Mapping[str, str], runtime: str) -> ProxyChoice:
    """How ``runtime`` sends ``url`` given ``env``: proxy (or None), its variable, the matching exclusion."""
    rules = _RULES.get(runtime) or _RULES[normalize_runtime(runtime)]
    return rules.choose(parse_target(url), env)


def proxy_for(url: str, env: Mapping[str, str], runtime: str) -> str | None:
    """The proxy URL ``runtime`` would use for ``url`` given ``env``, or None for a direct connection."""
    return choose_proxy(url, env, runtime).proxy


def exclusion_setting(env: Mapping[str, str], runtime: str) -> tuple[str, list[str]]:
    """The exclusion variable this runtime reads in ``env`` (the user's spelling when set, else ``NO_PROXY`` /
    ``http.nonProxyHosts``) and its entries as the runtime splits them. For Java, only the user's own entries:
    the JDK appends its loopback defaults to any non-empty value by itself."""
    return _RULES[normalize_runtime(runtime)].exclusion_setting(env)


def entry_matches(entry: str, host: str, port: int | None, runtime: str, *, scheme: str = "https") -> bool:
    """Whether one exclusion entry, as one item of a list, sends ``host`` direct for ``runtime``.

    ``port`` is the URL's explicit port or None (Go and Node then use the scheme's default, as they do).
    A lone ``*`` is True only where the runtime honours it inside a list (go, node, java); curl, python and
    requests honour ``*`` only as the whole value, which ``choose_proxy`` reports as NO_PROXY_ALL.
    For python the host is the one botocore checks (an S3 bucket's virtual host maps to its endpoint).
    """
    return bool(_RULES[normalize_runtime(runtime)].entry_matches(entry, host, port, scheme))


def render_exclusions(runtime: str, entries: Sequence[str]) -> str:
    """Entries joined the way the runtime reads them: ``a,b,c``, or ``a|b|c`` for Java."""
    return _RULES[normalize_runtime(runtime)].separator.join(entries)


def env_line(runtime: str, variable: str, value: str, env: Mapping[str, str] | None = None) -> str:
    """A copy-paste sh line setting ``variable`` to ``value`` for ``runtime``.

    Env runtimes: ``export NO_PROXY="..."``. Java: properties go into JAVA_TOOL_OPTIONS (which the JVM
    reads and lets a later ``-D`` win), keeping what is already there; a command-line, JDK_JAVA_OPTIONS or
    JAVA_OPTS ``-D`` of the same property still outranks it. Node: setting a *proxy* variable also needs
    NODE_USE_ENV_PROXY=1 (added unless ``env`` shows it is already on); exclusions need nothing more.
    """
    name = normalize_runtime(runtime)
    if name == "java" and "." in variable:
        option = f'-D{variable}="{value}"'
        return f'export JAVA_TOOL_OPTIONS="${{JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }}{_sh_quoted(option)}"'
    line = f'export {variable}="{_sh_quoted(value)}"'
    is_proxy_variable = variable.lower() in ("http_proxy", "https_proxy")
    if name == "node" and is_proxy_variable and not (env is not None and rules_node.env_proxy_enabled(env)):
        line += "\nexport NODE_USE_ENV_PROXY=1"
    return line


def _sh_quoted(text: str) -> str:
    """Escape for the inside of a POSIX-sh double-quoted string."""
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    return text
