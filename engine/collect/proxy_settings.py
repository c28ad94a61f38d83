"""An instance's proxy environment, read from where teams put it, each value remembering its source.

Layers, later winning (issue #4): user data → instance tags → SSM parameters ``<prefix>/<instance-id>/<VAR>``
→ the overlay file. Values keep their variable's exact spelling: ``https_proxy`` and ``HTTPS_PROXY`` are
different variables, and runtimes disagree on which one wins (domain-rules.md, proxy table).

User data is read as the instance would run it, statically: base64 as DescribeInstanceAttribute returns it,
gzip and MIME multi-part unpacked (cloud-init accepts both); shell lines (``export VAR=…``, ``VAR=…`` inside an
``echo … >> /etc/environment`` or a heredoc, systemd ``Environment="VAR=…"``, csh ``setenv VAR …``), with
``$NAME``/``${NAME}`` references to earlier assignments expanded; cloud-config ``write_files`` entries for
``/etc/environment`` and ``/etc/profile.d/*.sh`` (plain, or ``encoding: b64``/``gzip+b64``), and ``runcmd`` /
``bootcmd`` lines like shell; Windows ``SetEnvironmentVariable``, ``$env:VAR =`` and ``setx``. Branches are
not evaluated: the last assignment in the text wins.

Credentials inside proxy URLs (``http://user:pass@host:3128``) and Java ``-D…proxyPassword=`` values are
masked here, before anything reaches the snapshot, a log or the terminal.
"""

from __future__ import annotations

import base64
import binascii
import email
import gzip
import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

from engine import model as m
from engine.proxy.model import mask_credentials

# Variables runtimes read, in either spelling (engine.proxy rules_*).
CASE_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")
# Read in exactly this spelling (Java option variables, Node's opt-in).
EXACT_VARIABLES = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "NODE_USE_ENV_PROXY", "NODE_OPTIONS")
# Java system properties as collected from a process (tags, SSM, overlay only: a shell cannot set them).
JAVA_PROPERTIES = ("http.proxyHost", "http.proxyPort", "https.proxyHost", "https.proxyPort", "http.nonProxyHosts",
                   "socksProxyHost", "socksProxyPort")
ENV_FILES = re.compile(r"^/etc/(environment|profile\.d/[^/]+\.sh)$")
_PASSWORD_OPTION = re.compile(r"(-D(?:https?\.|socks)?proxyPassword=)(\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE)
_ASSIGN = re.compile(
    r"(?:^|(?<=[\s;&|(`'\"]))(?:export\s+|declare\s+-x\s+|readonly\s+)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s;&|'\"`()<>]*)"
)
_SETENV = re.compile(r"(?:^|(?<=[\s;&|]))setenv\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+"
                     r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s;&|]+)")
# Windows user data (<powershell> / <script> blocks): [Environment]::SetEnvironmentVariable("VAR", "value", …),
# $env:VAR = "value", setx VAR "value".
_WINDOWS = (
    re.compile(r"SetEnvironmentVariable\(\s*[\"'](?P<name>[A-Za-z_][A-Za-z0-9_]*)[\"']\s*,\s*"
               r"(?P<value>\"[^\"]*\"|'[^']*')", re.IGNORECASE),
    re.compile(r"\$env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>\"[^\"]*\"|'[^']*')", re.IGNORECASE),
    re.compile(r"(?:^|(?<=[\s;&]))setx\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<value>\"[^\"]*\"|\S+)",
               re.IGNORECASE),
)
_REFERENCE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def variable_name(key: str) -> str | None:
    """The variable a tag, parameter or overlay key stands for, or None when it is not a proxy setting.

    ``HTTPS_PROXY`` and ``https_proxy`` are kept as spelled; a mixed spelling (``Https_Proxy``, only possible in
    a tag or parameter name) means the conventional upper-case variable."""
    if key.upper() in CASE_VARIABLES:
        return key if key in (key.upper(), key.lower()) else key.upper()
    if key in EXACT_VARIABLES or key in JAVA_PROPERTIES:
        return key
    if key.upper() in EXACT_VARIABLES:
        return key.upper()
    return None


def is_setting(name: str) -> bool:
    return name.upper() in CASE_VARIABLES or name in EXACT_VARIABLES


def mask(value: str) -> str:
    """Hide credentials: proxy URLs anywhere in the value, and Java proxyPassword options."""
    value = _PASSWORD_OPTION.sub(lambda mt: mt.group(1) + "****", value)
    if "@" not in value:
        return value
    return ",".join(mask_credentials(part) if "@" in part else part for part in value.split(","))


def proxy_value(value: str, source: str) -> m.ProxyValue:
    return m.ProxyValue(value=mask(value), source=source)


def merge(layers: Iterable[tuple[str, Mapping[str, str | None]]]) -> dict[str, m.ProxyValue]:
    """Apply layers in order (later wins); a None value removes the variable (overlay ``null``)."""
    env: dict[str, m.ProxyValue] = {}
    for source, values in layers:
        for name, value in values.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = proxy_value(value, source)
    return env


# --- tags and SSM --------------------------------------------------------------------------------------------


def from_tags(tags: Iterable[m.Tag]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags:
        name = variable_name(tag.key)
        if name:
            out[name] = tag.value
    return out


def from_parameters(parameters: Iterable[Mapping[str, object]], prefix: str) -> dict[str, dict[str, tuple[str, str]]]:
    """GetParametersByPath output → instance id → variable → (value, parameter name)."""
    base = prefix.rstrip("/") + "/"
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for p in parameters:
        name, value = str(p.get("Name", "")), p.get("Value")
        if not name.startswith(base) or not isinstance(value, str):
            continue
        parts = name[len(base):].split("/")
        variable = variable_name(parts[1]) if len(parts) == 2 else None
        if variable and parts[0].startswith("i-"):
            out.setdefault(parts[0], {})[variable] = (value, name)
    return out


# --- user data -----------------------------------------------------------------------------------------------


def from_user_data(encoded: str | None) -> dict[str, str]:
    """Proxy variables a user-data script or cloud-config sets (see the module docstring)."""
    if not encoded:
        return {}
    try:
        raw = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        return {}
    env: dict[str, str] = {}
    for text in _documents(raw):
        env.update(_from_document(text))
    return env


def _documents(raw: bytes) -> list[str]:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return []
    head = raw[:512].lstrip().lower()
    if head.startswith((b"content-type: multipart", b"mime-version:")):
        message = email.message_from_bytes(raw)
        parts = []
        for part in message.walk():
            if part.get_content_maintype() == "text":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    parts.extend(_documents(payload))
        return parts
    return [raw.decode("utf-8", "replace")]


def _from_document(text: str) -> dict[str, str]:
    if text.lstrip().startswith("#cloud-config"):
        return _from_cloud_config(text)
    return parse_shell(text)


def parse_shell(text: str, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Proxy variables assigned in shell-like text, in order, later wins; references expanded."""
    values: dict[str, str] = dict(known or {})
    found: dict[str, str] = {}
    for line in text.replace("\\\n", " ").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        matches = [*_ASSIGN.finditer(line), *_SETENV.finditer(line)]
        matches += [mt for pattern in _WINDOWS for mt in pattern.finditer(line)]
        for match in sorted(matches, key=lambda mt: mt.start()):
            name, raw = match.group("name"), match.group("value")
            value = _expand(_unquote(raw), values)
            values[name] = value
            if is_setting(name):
                found[name] = value
            elif raw[:1] in "\"'" and "=" in raw:  # systemd Environment="HTTPS_PROXY=…", env "A=1 B=2"
                inner = parse_shell(_unquote(raw), values)
                found.update(inner)
                values.update(inner)
    return found


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if value[0] == '"' else inner
    return value


def _expand(value: str, values: Mapping[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` from earlier assignments; an unset proxy variable is empty, as in the shell;
    anything else unknown stays written as it is, so the snapshot shows what could not be resolved."""
    def sub(mt: re.Match[str]) -> str:
        name = mt.group("braced") or mt.group("plain")
        if name in values:
            return values[name]
        return "" if is_setting(name) else mt.group(0)

    return _REFERENCE.sub(sub, value)


def _from_cloud_config(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in _write_files(text):
        path, content = item.get("path", ""), item.get("content", "")
        if ENV_FILES.match(path.strip("\"'")):
            found.update(parse_shell(_decode_content(content, item.get("encoding", ""))))
    commands = _command_lines(text)
    found.update(parse_shell("\n".join(commands), found))
    return found


def _decode_content(content: str, encoding: str) -> str:
    encoding = encoding.strip("\"' ").lower()
    if encoding not in ("b64", "base64", "gz+b64", "gzip+base64", "gz+base64", "gzip+b64"):
        return content
    try:
        data = base64.b64decode("".join(content.split()))
        if "gz" in encoding:
            data = gzip.decompress(data)
    except (binascii.Error, ValueError, OSError, EOFError):
        return ""
    return data.decode("utf-8", "replace")


def _write_files(text: str) -> list[dict[str, str]]:
    """The ``write_files`` items of a cloud-config, read with just enough YAML: ``- path:``/``content:``/
    ``encoding:`` keys, block scalars (``|``, ``|-``, ``>``) and single-line (quoted) values."""
    lines = text.splitlines()
    items: list[dict[str, str]] = []
    inside, i = False, 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            i += 1
            continue
        if not line[0].isspace() and not line.startswith("-"):
            inside = line.split(":", 1)[0].strip() == "write_files"
            i += 1
            continue
        if not inside:
            i += 1
            continue
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append({})
            stripped = stripped[2:].strip()
        key, sep, rest = stripped.partition(":")
        if items and sep and key.strip() in ("path", "content", "encoding"):
            rest = rest.strip()
            if rest[:1] in ("|", ">"):
                block, i = _block(lines, i + 1, len(line) - len(line.lstrip()))
                items[-1][key.strip()] = block
                continue
            items[-1][key.strip()] = _yaml_scalar(rest)
        i += 1
    return items


def _block(lines: list[str], start: int, key_indent: int) -> tuple[str, int]:
    out: list[str] = []
    indent: int | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        width = len(line) - len(line.lstrip())
        if line.strip() and width <= key_indent:
            break
        if line.strip() and indent is None:
            indent = width
        out.append(line[indent or 0:] if line.strip() else "")
        i += 1
    return "\n".join(out), i


def _yaml_scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}
        return re.sub(r'\\(["\\/nt])', lambda mt: escapes[mt.group(1)], value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _command_lines(text: str) -> list[str]:
    """Lines of ``runcmd`` / ``bootcmd`` (list items, leading ``- `` dropped)."""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("-"):
            inside = line.split(":", 1)[0].strip() in ("runcmd", "bootcmd")
            continue
        if inside and line.strip():
            stripped = line.strip()
            out.append(_yaml_scalar(stripped[2:].strip()) if stripped.startswith("- ") else stripped)
    return out


# --- the overlay ---------------------------------------------------------------------------------------------

_INSTANCE = re.compile(r"^i-[0-9a-f]{8,17}$")
_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")


def overlay_layers(overlay: Mapping[str, Mapping[str, str | None]], source: str,
                   inst: m.Instance) -> list[tuple[str, Mapping[str, str | None]]]:
    """The overlay entries that apply to ``inst``, broadest first: VPC, subnet, Name pattern, instance id.
    Name patterns are shell globs on the ``Name`` tag (``web-*``), matched case-sensitively, in file order."""
    by_kind: dict[str, list[tuple[str, Mapping[str, str | None]]]] = {"vpc": [], "subnet": [], "name": [], "id": []}
    for key, values in overlay.items():
        layer = (f"{source}#{key}", values)
        if _INSTANCE.match(key):
            if key == inst.instance_id:
                by_kind["id"].append(layer)
        elif _SUBNET.match(key):
            if key == inst.subnet_id:
                by_kind["subnet"].append(layer)
        elif _VPC.match(key):
            if key == inst.vpc_id:
                by_kind["vpc"].append(layer)
        elif inst.name is not None and fnmatchcase(inst.name, key):
            by_kind["name"].append(layer)
    return [*by_kind["vpc"], *by_kind["subnet"], *by_kind["name"], *by_kind["id"]]
