"""Free-text questions, as people type them in an incident channel, into structured ones.

    why can i-0abc123 not reach bucket app-data
    why can't web-tokyo-a reach s3://app-data/key
    can 10.30.1.31 reach https://app-data.s3.ap-northeast-3.amazonaws.com/x
    i-0abc123 -> app-data
    why can i-0abc123 not reach ssm.ap-northeast-1.amazonaws.com  (as java)  (s3:PutObject)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit

from engine import model as m
from engine.dns import parse_aws_host, s3_host
from engine.errors import QuestionError
from engine.proxy import DEFAULT_RUNTIME, normalize_runtime
from engine.topology import Topology

DEFAULT_ACTION = "s3:GetObject"
_SPLIT = re.compile(
    r"\s*(?:->|→|=>|\bnot\s+(?:reach|access|connect\s+to|talk\s+to|get\s+to)\b|"
    r"\b(?:reach|access|connect\s+to|talk\s+to|get\s+to)\b)\s*",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^\s*(?:(?:why|how\s+come|can(?:'?t|not)?|could|does|doesn'?t|is|isn'?t|will|won'?t)\s+)+", re.IGNORECASE
)
_RUNTIME = re.compile(r"\b(?:as|using|with|via|runtime)\s+(?:runtime\s+)?([a-z][a-z0-9-]*)\b", re.IGNORECASE)
_ACTION = re.compile(r"\(?\b(s3:[A-Za-z*]+)\b\)?", re.IGNORECASE)
_NOISE = {"bucket", "the", "s3", "service", "host", "instance", "endpoint", "from", "to"}


@dataclass(frozen=True, slots=True)
class Destination:
    kind: str  # "s3-bucket", "service", "instance", "ip", "host"
    id: str  # bucket name, host name, instance id or IP
    host: str  # the name (or IP) the client connects to
    region: str | None
    port: int = 443
    key: str | None = None  # S3 object key, when the question named one
    scheme: str = "https"
    tcp: bool = False  # a plain TCP connection (an instance or bare IP): proxy settings do not apply

    @property
    def url(self) -> str:
        path = f"/{self.key}" if self.key else "/"
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}{path}"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    source: m.Instance
    destination: Destination
    action: str = DEFAULT_ACTION
    runtime: str = DEFAULT_RUNTIME


def parse_question(
    text: str, topo: Topology, runtime: str | None = None, action: str | None = None
) -> Question:
    """Parse ``text`` against the snapshot. Unknown or ambiguous names raise QuestionError with candidates."""
    raw = text.strip()
    if not raw:
        raise QuestionError("the question is empty. Ask like: why can web-osaka-a not reach bucket app-data")
    body, found_runtime = _take(_RUNTIME, raw)
    body, found_action = _take(_ACTION, body)
    parts = [p for p in _SPLIT.split(_LEAD.sub("", body).strip().rstrip("?").strip(), maxsplit=1)]
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise QuestionError(
            f"cannot tell source from destination in {raw!r}. Ask like: "
            "'why can i-0abc123 not reach bucket app-data', 'web-tokyo-a -> s3://app-data/key', "
            "or 'can 10.30.1.31 reach ssm.ap-northeast-1.amazonaws.com'."
        )
    source = find_instance(topo, _strip_noise(parts[0]))
    destination = find_destination(topo, _strip_noise(parts[1]))
    chosen_action = action or found_action or DEFAULT_ACTION
    if not re.fullmatch(r"[a-z0-9-]+:[A-Za-z*?]+", chosen_action):
        raise QuestionError(f"action {chosen_action!r} is not an IAM action; use the form s3:GetObject.")
    return Question(raw, source, destination, _canonical_action(chosen_action),
                    normalize_runtime(runtime or found_runtime or DEFAULT_RUNTIME))


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str | None]:
    match = pattern.search(text)
    if not match:
        return text, None
    return (text[: match.start()] + " " + text[match.end():]).strip(), match.group(1)


def _strip_noise(part: str) -> str:
    words = [w for w in part.strip().strip("`'\"").split() if w.lower() not in _NOISE]
    return words[0].strip("`'\",") if len(words) == 1 else " ".join(words).strip("`'\",")


def _canonical_action(action: str) -> str:
    service, _, name = action.partition(":")
    return f"{service.lower()}:{name}"


def find_instance(topo: Topology, token: str) -> m.Instance:
    """By instance id, Name tag (case-insensitive) or private IP; ambiguous names list the candidates."""
    if token in topo.instances:
        return topo.instances[token]
    matches = topo.instances_by_name.get(token.lower()) or topo.instances_by_ip.get(token) or []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = [f"{i.instance_id} ({i.region}, {i.private_ip_address})" for i in matches]
        raise QuestionError(
            f"{token!r} names {len(matches)} instances: {', '.join(ids)}. Ask again with the instance id.", ids,
            kind="ambiguous",
        )
    known = list(topo.instances) + [i.name for i in topo.snap.instances if i.name]
    close = difflib.get_close_matches(token, known, n=5, cutoff=0.5)
    hint = f" Closest: {', '.join(close)}." if close else " Use an instance id, Name tag or private IP."
    raise QuestionError(f"no instance {token!r} in the snapshot.{hint}", close, kind="unknown")


def find_destination(topo: Topology, token: str) -> Destination:
    if token.startswith("s3://"):
        bucket, _, key = token[5:].partition("/")
        return _bucket(topo, bucket, key or None)
    if "://" in token:
        return _from_url(topo, token)
    host, port = _split_port(token)
    if host in topo.buckets:
        return _bucket(topo, host, None)
    if _is_ip(host):
        return Destination("ip", host, host, None, port or 443, tcp=True)
    if host in topo.instances or host.lower() in topo.instances_by_name:
        inst = find_instance(topo, host)
        return Destination("instance", inst.instance_id, inst.private_ip_address, inst.region, port or 443, tcp=True)
    if "." in host:
        return _from_host(topo, host, port, None)
    known = list(topo.buckets) + [i.name for i in topo.snap.instances if i.name]
    close = difflib.get_close_matches(host, known, n=5, cutoff=0.5)
    hint = f" Closest: {', '.join(close)}." if close else " Name a bucket, an s3:// URL, a host name or an IP."
    raise QuestionError(f"no bucket or instance {host!r} in the snapshot.{hint}", close, kind="unknown")


def _from_url(topo: Topology, url: str) -> Destination:
    parts = urlsplit(url)
    if not parts.hostname:
        raise QuestionError(f"{url!r} has no host name.")
    port = parts.port
    if parts.scheme == "http" and port is None:
        port = 80
    dest = _from_host(topo, parts.hostname, port, parts.path.lstrip("/") or None)
    return Destination(dest.kind, dest.id, dest.host, dest.region, dest.port, dest.key, parts.scheme or "https")


def _from_host(topo: Topology, host: str, port: int | None, path: str | None) -> Destination:
    aws = parse_aws_host(host)
    if aws and aws.service == "s3":
        bucket, key = aws.bucket, path
        if bucket is None and path:  # path-style: s3.<region>.amazonaws.com/bucket/key
            bucket, _, rest = path.partition("/")
            key = rest or None
        if bucket:
            dest = _bucket(topo, bucket, key)
            return Destination(dest.kind, dest.id, host.lower(), aws.region, port or 443, key)
    if _is_ip(host):
        return Destination("ip", host, host, None, port or 443)
    region = aws.region if aws else None
    return Destination("service" if aws else "host", host.lower(), host.lower(), region, port or 443)


def _bucket(topo: Topology, name: str, key: str | None) -> Destination:
    bucket = topo.buckets.get(name)
    if bucket is None:
        close = difflib.get_close_matches(name, list(topo.buckets), n=5, cutoff=0.5)
        hint = f" Closest: {', '.join(close)}." if close else f" Known buckets: {', '.join(sorted(topo.buckets)[:8])}."
        raise QuestionError(f"no bucket {name!r} in the snapshot.{hint}", close, kind="unknown")
    # botocore follows S3's region redirect, so the request ends at the bucket's own regional name.
    return Destination("s3-bucket", name, s3_host(name, bucket.region), bucket.region, 443, key)


def _split_port(token: str) -> tuple[str, int | None]:
    if token.count(":") == 1:
        host, _, port = token.partition(":")
        if port.isdigit():
            return host, int(port)
    return token, None


def _is_ip(text: str) -> bool:
    try:
        ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True
