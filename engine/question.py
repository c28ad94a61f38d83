"""Free-text questions, as people type them in an incident channel, into structured ones.

    why can i-0abc123 not reach bucket app-data
    why can't web-tokyo-a reach s3://app-data/key
    can 10.30.1.31 reach https://app-data.s3.ap-northeast-3.amazonaws.com/x
    i-0abc123 -> app-data
    why can i-0abc123 not reach ssm.ap-northeast-1.amazonaws.com  (as java)  (s3:PutObject)
    why can web-tokyo-a not reach arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:db-pass-AbCdEf
    web-tokyo-a -> kms.ap-northeast-1.amazonaws.com for kms:Decrypt on arn:aws:kms:ap-northeast-1:…:key/…

A question written with kana or kanji is read by ``engine.question_ja`` (particles give the roles:
``web-osaka-a から app-data バケットに届かないのはなぜ``) into the same words, and its errors are said in Japanese;
full-width forms an IME types are folded to ASCII in names, never in a URL's path.

A KMS key or Secrets Manager secret is named by its ARN (``on ARN``, ``resource ARN``, ``--resource ARN``, or
the ARN as the destination, which stands for the service's regional host): its resource policy is then
evaluated. The ARN must parse (``engine.names.parse_arn``) and agree with the host's service and region and
with the action's service.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from urllib.parse import urlsplit

from engine import model as m
from engine.actions import check_action
from engine.derived import EVERYTHING
from engine.dns import parse_aws_host, s3_host
from engine.errors import QuestionError
from engine.names import (
    Arn,
    host_name_problem,
    is_bucket_name,
    looks_like_arn,
    mask_secrets,
    parse_arn,
    port_problem,
    reserved_name,
)
from engine.proxy import DEFAULT_RUNTIME, normalize_runtime
from engine.question_ja import EXAMPLES_JA, fold_question, is_japanese, japanese_error, read_japanese
from engine.services import service_of_host
from engine.topology import Topology

DEFAULT_ACTION = "s3:GetObject"
MAX_QUESTION_CHARS = 2000
_ARROWS = ("->", "→", "=>")
_VERBS = {"reach", "access"}
_TWO_WORD_VERBS = {"connect", "talk", "get"}  # each followed by "to"
_LEAD = {"why", "can", "can't", "can’t", "cant", "cannot", "could", "couldn't", "does", "doesn't", "is", "isn't",
         "will", "won't"}
_RUNTIME_WORDS = {"as", "using", "with", "via", "runtime"}
_RUNTIME_NAME = re.compile(r"[a-z][a-z0-9-]*", re.IGNORECASE)
_ACTION_WORD = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+", re.IGNORECASE)
_IAM_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9]+")
_NOISE = {"bucket", "the", "s3", "service", "host", "instance", "endpoint", "from", "to"}
_PORT_WORDS = {"on", "over", "at"}  # may stand before "port N"
_RESOURCE_WORDS = {"on", "resource"}  # may stand before the ARN of the resource
_EXAMPLES = ("Ask like: 'why can i-0abc123 not reach bucket app-data', 'web-tokyo-a -> s3://app-data/key', "
             "or 'can 10.30.1.31 reach ssm.ap-northeast-1.amazonaws.com'.")


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
    resource: str | None = None  # the ARN of a KMS key/alias or a secret the request is for, when named


def parse_question(
    text: str, topo: Topology, runtime: str | None = None, action: str | None = None,
    resource: str | None = None,
) -> Question:
    """Parse ``text`` against the snapshot. Unknown or ambiguous names raise QuestionError with candidates.

    The text is split into words (whitespace only, so no input makes the parser backtrack); the options
    (``as RUNTIME``, ``s3:Action``, ``(s3:Action)``, ``for s3:Action``) are taken out wherever they are; what is
    left must read SOURCE VERB DESTINATION [port N]. Anything else after the destination is refused with the
    closest reading, never folded into a name. The question is repeated back with URL credentials masked.
    """
    japanese = is_japanese(text)
    shown = _shown(text, japanese)
    if not japanese:
        return _parse_words(_words(fold_question(text)), shown, topo, runtime, action, resource)
    try:
        reading = read_japanese(text)
    except QuestionError as exc:
        raise _masked(exc) from None
    try:
        return _parse_words(reading.words, shown, topo, runtime, action, resource)
    except QuestionError as exc:
        raise _masked(japanese_error(exc, reading, _subject(topo, reading.source))) from None


def _masked(exc: QuestionError) -> QuestionError:
    """The Japanese messages quote the question's names: a password typed into a URL there never leaves."""
    return QuestionError(mask_secrets(str(exc)), exc.candidates, exc.kind)


def _subject(topo: Topology, source: str) -> str:
    """Which name an error is about: ``source`` unless the source names exactly one instance."""
    try:
        find_instance(topo, _one_source(source.split(), source))
    except QuestionError:
        return "source"
    return "destination"


def _shown(text: str, japanese: bool) -> str:
    """The question as it is repeated back (URL credentials masked), once it is known to be text at all."""
    shown = mask_secrets(" ".join(text.split()))
    if not shown:
        raise QuestionError("the question is empty. Ask like: why can web-osaka-a not reach bucket app-data")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"質問が {len(text)} 文字あります。{MAX_QUESTION_CHARS} 文字以内で質問してください。"
                            + EXAMPLES_JA if japanese else f"the question is {len(text)} characters long; ask in "
                            f"at most {MAX_QUESTION_CHARS}. " + _EXAMPLES)
    if not shown.isprintable():
        raise QuestionError(f"質問 {shown[:200]!r} に制御文字が含まれています。" + EXAMPLES_JA if japanese else
                            f"the question {shown[:200]!r} holds control characters. " + _EXAMPLES)
    return shown


def _parse_words(words_in: list[str], shown: str, topo: Topology, runtime: str | None, action: str | None,
                 resource: str | None) -> Question:
    words, found_runtime, found_action, found_resource = _take_options(words_in)
    src_words, dest_words = _split(words, shown)
    src = _one_source(src_words, shown)
    dest_token, port, leftover = _destination_words(dest_words, shown)
    if leftover:
        reading = f"{src} -> {dest_token}" + (f" port {port}" if port else "")
        raise QuestionError(
            f"did not understand {mask_secrets(' '.join(leftover))[:200]!r} after the destination "
            f"{mask_secrets(dest_token)[:200]!r}. Did you mean: {mask_secrets(reading)[:300]}? Options after the "
            "destination: 'port N', 'as RUNTIME', 's3:Action'."
        )
    source = find_instance(topo, src)
    arns = [_arn(a) for a in (resource, found_resource) if a]
    if looks_like_arn(dest_token):
        arns.append(_arn(dest_token))
        destination = _from_host(topo, arns[-1].host, None, None)
    else:
        destination = find_destination(topo, dest_token)
    if port is not None:
        destination = _with_port(destination, port, dest_token)
    chosen_action = action or found_action or DEFAULT_ACTION
    if not _IAM_ACTION.fullmatch(chosen_action):
        raise QuestionError(
            f"action {mask_secrets(chosen_action)[:100]!r} is not one IAM action; use the form s3:GetObject "
            "(a request is for one action, so no wildcards)."
        )
    if action or found_action:
        chosen_action = check_action(chosen_action, _service_of(destination))
    named = _resource_of(arns, destination, chosen_action if (action or found_action) else None)
    return Question(shown, source, destination, _canonical_action(chosen_action),
                    normalize_runtime(runtime or found_runtime or DEFAULT_RUNTIME), named)


def _service_of(dest: Destination) -> str | None:
    """The service prefix whose actions apply to a request to ``dest`` (None: not an AWS service)."""
    if dest.kind == "s3-bucket":
        return "s3"
    return service_of_host(dest.host) if dest.kind == "service" else None


def _arn(text: str) -> Arn:
    arn = parse_arn(text)
    if isinstance(arn, str):
        raise QuestionError(f"{mask_secrets(text)[:200]!r} is not the ARN of a KMS key or a Secrets Manager secret:"
                            f" {arn}. Example: arn:aws:kms:eu-west-1:111122223333:key/"
                            "1234abcd-12ab-34cd-56ef-1234567890ab.")
    return arn


def _resource_of(arns: list[Arn], dest: Destination, action: str | None) -> str | None:
    """The one resource named, checked against the destination host and the action (one request, one
    service: the ARN's service and Region are those of the endpoint the client calls)."""
    if not arns:
        return None
    arn = arns[0]
    if any(str(other) != str(arn) for other in arns[1:]):
        raise QuestionError(f"two resources named: {arns[0]} and {arns[1]}; a request is for one resource.")
    if dest.kind != "service":
        # Raised after the lookup: kind "invalid", as it shows the destination exists (QuestionError).
        raise QuestionError(f"{arn} is a {arn.service} resource, but the destination {mask_secrets(dest.id)[:100]!r} "
                            f"is not an AWS service host; name {arn.host} or the ARN alone.", kind="invalid")
    service = service_of_host(dest.host)
    if service != arn.service or dest.region != arn.region:
        raise QuestionError(f"{arn} is a {arn.service} resource in {arn.region}, but the destination is "
                            f"{dest.host} ({service} in {dest.region}); requests for it go to {arn.host}.")
    if action is None:
        raise QuestionError(f"name the {arn.service} action the request is for, e.g. 'for "
                            f"{'kms:Decrypt' if arn.service == 'kms' else 'secretsmanager:GetSecretValue'}' "
                            "(or --action).")
    if action.split(":")[0].lower() != arn.service:
        raise QuestionError(f"action {action!r} is not a {arn.service} action, and {arn} is a {arn.service} "
                            "resource; name one of its actions.")
    return str(arn)


def _words(text: str) -> list[str]:
    """Whitespace-separated words, with an arrow glued to its neighbours (``a->b``) made a word of its own."""
    words: list[str] = []
    for word in text.split():
        arrow = next((a for a in _ARROWS if a in word and "://" not in word), None)
        if arrow is None or word == arrow:
            words.append(word)
            continue
        before, _, after = word.partition(arrow)
        words.extend(w for w in (before, arrow, after) if w)
    return words


def _bare(word: str) -> str:
    """A word without the quotes, brackets and punctuation people put around options and names."""
    return word.strip("`'\"()[],?")


def _take_options(words: list[str]) -> tuple[list[str], str | None, str | None, str | None]:
    """Take ``as/using/with/via/runtime [runtime] NAME``, ``[for] s3:Action`` / ``(svc:Action)`` and
    ``on/resource ARN`` out."""
    rest: list[str] = []
    runtime: str | None = None
    action: str | None = None
    resource: str | None = None
    i = 0
    while i < len(words):
        word, low = words[i], _bare(words[i]).lower()
        nxt = [_bare(w) for w in words[i + 1:i + 3]]
        if low in _RESOURCE_WORDS and nxt and looks_like_arn(nxt[0]) and resource is None:
            resource = nxt[0]
            i += 2
            continue
        if low in _RUNTIME_WORDS and nxt and _RUNTIME_NAME.fullmatch(nxt[0]) and runtime is None:
            skip = 2 if nxt[0].lower() == "runtime" and len(nxt) > 1 and _RUNTIME_NAME.fullmatch(nxt[1]) else 1
            runtime = nxt[skip - 1]
            i += 1 + skip
            continue
        if low == "for" and nxt and _ACTION_WORD.fullmatch(nxt[0]) and action is None:
            action = nxt[0]
            i += 2
            continue
        if action is None and _ACTION_WORD.fullmatch(_bare(word)) and (
                low.startswith("s3:") or word.startswith("(")):
            action = _bare(word)
            i += 1
            continue
        rest.append(word)
        i += 1
    return rest, runtime, action, resource


def _split(words: list[str], shown: str) -> tuple[list[str], list[str]]:
    """(source words, destination words) around the first arrow or verb; the lead-in words are dropped."""
    lowered = [_bare(w).lower() if w not in _ARROWS else w for w in words]
    start = 0
    while start < len(words) and (lowered[start] in _LEAD or (lowered[start] == "how" and start + 1 < len(words)
                                                              and lowered[start + 1] == "come")):
        start += 2 if lowered[start] == "how" else 1
    for i in range(start, len(words)):
        low = lowered[i]
        width = 0
        if low in _ARROWS or low in _VERBS:
            width = 1
        elif low in _TWO_WORD_VERBS and i + 1 < len(words) and lowered[i + 1] == "to":
            width = 2
        if width:  # "not", "can't", "doesn't", … between the source and the verb are no part of it
            end = i
            while end > start + 1 and (lowered[end - 1] == "not" or lowered[end - 1] in _LEAD):
                end -= 1
            return words[start:end], words[i + width:]
    raise QuestionError(f"cannot tell source from destination in {shown[:200]!r}. " + _EXAMPLES)


def _one_source(words: list[str], shown: str) -> str:
    names = [_bare(w) for w in words if _bare(w).lower() not in _NOISE and _bare(w)]
    if not names:
        raise QuestionError(f"no source in {shown[:200]!r}. " + _EXAMPLES)
    if len(names) > 1:
        raise QuestionError(
            f"the source {mask_secrets(' '.join(names))[:200]!r} is more than one name. Name one instance (id, Name "
            f"tag or private IP); did you mean: {mask_secrets(names[0])[:100]}?"
        )
    return names[0]


def _destination_words(words: list[str], shown: str) -> tuple[str, int | None, list[str]]:
    """(the destination word, a ``port N`` option, the words left over that are no option)."""
    names = [w for w in words if _bare(w).lower() not in _NOISE and _bare(w)]
    if not names:
        raise QuestionError(f"no destination in {shown[:200]!r}. " + _EXAMPLES)
    dest = names[0].strip("`'\",").rstrip("?")
    if dest.startswith("(") or dest.endswith(")"):
        dest = dest.strip("()")
    rest = [_bare(w) for w in names[1:] if _bare(w)]
    port: int | None = None
    if len(rest) >= 2 and rest[-2].lower() == "port":
        problem = port_problem(rest[-1])
        if problem:
            raise QuestionError(mask_secrets(f"{problem}; a port is a number from 1 to 65535."))
        port = int(rest[-1])
        rest = rest[:-2]
        if rest and rest[-1].lower() in _PORT_WORDS:  # "on port 22", "over port 22"
            rest = rest[:-1]
    return dest, port, rest


def _with_port(dest: Destination, port: int, token: str) -> Destination:
    """``DEST port N``. Raised after the lookup, so the error is of kind ``invalid``: it shows that the name
    exists, which a bot under an access map must not confirm (``QuestionError``)."""
    shown = mask_secrets(token)[:200]
    if dest.kind == "s3-bucket":
        raise QuestionError(f"a port is not an option for {shown!r}: S3 is reached on 443.", kind="invalid")
    if dest.port not in (443, 80, port):
        raise QuestionError(f"two ports for {shown!r}: one in the destination and {port} after it; give one.",
                            kind="invalid")
    return Destination(dest.kind, dest.id, dest.host, dest.region, port, dest.key, dest.scheme, dest.tcp)


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
            f"{mask_secrets(token)!r} names {len(matches)} instances: {', '.join(ids)}. "
            "Ask again with the instance id.", ids, kind="ambiguous",
        )
    close = _closest(topo, token, "instances")
    hint = f" Closest: {', '.join(close)}." if close else " Use an instance id, Name tag or private IP."
    raise QuestionError(f"no instance {mask_secrets(token)[:200]!r} in the snapshot.{hint}", close, kind="unknown")


_NEIGHBOURS = 150  # names compared per suggestion, whatever the estate's size


def _closest(topo: Topology, token: str, kind: str) -> list[str]:
    """Up to five known names close to ``token``, for the error message.

    difflib compares one pair in about 0.1 ms, so comparing a typo with all 100k names of the xl estate took
    seconds (a question that answers slowly is a question that can stall the bot). Only the names nearest
    to it in sorted order (a typo mostly keeps the first characters) are compared.
    """
    if len(token) > 255:
        return []
    names: list[str] = topo.derived.get(("question", "names", kind), (EVERYTHING,), lambda: _sorted_names(topo, kind))
    at = bisect.bisect_left(names, token)
    pool = names[max(0, at - _NEIGHBOURS // 2): at + _NEIGHBOURS // 2]
    return difflib.get_close_matches(token, pool, n=5, cutoff=0.5)


def _sorted_names(topo: Topology, kind: str) -> list[str]:
    names: set[str] = set()
    if kind in ("buckets", "destinations"):
        names.update(topo.buckets)
    if kind in ("instances", "destinations"):
        names.update(i.name for i in topo.snap.instances if i.name)
    if kind == "instances":
        names.update(topo.instances)
    return sorted(names)


def find_destination(topo: Topology, token: str) -> Destination:
    """A bucket, ``s3://`` URL, http(s) URL, IP, ``IP:port``, instance or host name; anything else is refused.

    Only a name the grammar in ``engine.names`` allows becomes a ``host``: a CIDR, ``a..b`` or ``$(id).x`` is
    bad input, never a name that public DNS is assumed to resolve.
    """
    shown = mask_secrets(token)[:200]
    if "@" in token and "://" not in token:
        raise QuestionError(f"{shown!r} is not a destination: a host name holds no '@'. Name the host alone "
                            "(credentials change nothing about reachability).")
    if "/" in token and "://" not in token:
        _not_a_url_or_range(token, shown)
    if token.lower().startswith("s3://"):
        bucket, _, key = token[5:].partition("/")
        return _bucket(topo, bucket, key or None)
    if token.lower().startswith("tcp://"):
        return _plain_tcp(topo, token, shown)
    if "://" in token:
        return _from_url(topo, token)
    host, port = _split_port(token)
    if host in topo.buckets:
        return _bucket(topo, host, None)
    if _is_ip(host):
        return Destination("ip", host.strip("[]"), host.strip("[]"), None, port or 443, tcp=True)
    if host in topo.instances or host.lower() in topo.instances_by_name:
        inst = find_instance(topo, host)
        return Destination("instance", inst.instance_id, inst.private_ip_address, inst.region, port or 443, tcp=True)
    if "." in host.rstrip(".") or reserved_name(host):
        return _from_host(topo, _checked_host(host, shown), port, None)
    return _unknown(topo, host.rstrip("."))


def _plain_tcp(topo: Topology, url: str, shown: str) -> Destination:
    """``tcp://host:port``: a plain TCP connection (no HTTP client, so no proxy settings apply), port required."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise QuestionError(f"{shown!r} is not a URL: {_url_problem(exc)}. Write it like tcp://host:port.") from None
    if not parts.hostname or port is None or port == 0 or parts.path.strip("/") or parts.query:
        raise QuestionError(f"{shown!r}: a plain TCP destination is tcp://host:port (port 1-65535, no path).")
    host = parts.hostname
    dest = find_destination(topo, f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return Destination(dest.kind, dest.id, dest.host, dest.region, port, None, "tcp", tcp=True)


def _not_a_url_or_range(token: str, shown: str) -> None:
    try:
        ip_network(token, strict=False)
    except ValueError:
        pass
    else:
        raise QuestionError(f"{shown!r} is an address range (CIDR), not a destination: name one address in it, "
                            "a host name, a bucket or an instance.")
    host = token.partition("/")[0]
    raise QuestionError(f"{shown!r} is not a destination: a path needs a URL (https://{mask_secrets(host)[:100]}/…"
                        " or s3://bucket/key).")


def _checked_host(host: str, shown: str) -> str:
    problem = host_name_problem(host)
    if problem:
        raise QuestionError(f"{shown!r} is not a host name: {problem}. Name a host (RFC 1123: letters, digits and"
                            " hyphens between dots), an IP, a bucket, an s3:// or https:// URL, or an instance.")
    return host.rstrip(".")


def _unknown(topo: Topology, host: str) -> Destination:
    close = _closest(topo, host, "destinations")
    hint = f" Closest: {', '.join(close)}." if close else " Name a bucket, an s3:// URL, a host name or an IP."
    what = "bucket or instance" if host_name_problem(host) is None else "bucket, instance or host name"
    raise QuestionError(f"no {what} {mask_secrets(host)[:200]!r} in the snapshot.{hint}", close, kind="unknown")


def _from_url(topo: Topology, url: str) -> Destination:
    """An http(s) URL (RFC 3986): brackets around an IPv6 host, a port from 1 to 65535, a real host name."""
    shown = mask_secrets(url)[:200]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise QuestionError(f"{shown!r} is not a URL: {_url_problem(exc)}. Write it like "
                            "https://host[:port]/path, with [brackets] around an IPv6 address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise QuestionError(f"{shown!r}: reachbot follows http and https requests (and s3:// URLs), "
                            f"not {parts.scheme[:20]!r}.")
    if not parts.hostname:
        raise QuestionError(f"{shown!r} has no host name.")
    if port == 0:
        raise QuestionError(f"{shown!r}: port 0 is not a port; use 1-65535.")
    host = parts.hostname
    if not _is_ip(host):
        host = _checked_host(host, shown)
    scheme = parts.scheme.lower()
    if scheme == "http" and port is None:
        port = 80
    dest = _from_host(topo, host, port, parts.path.lstrip("/") or None)
    return Destination(dest.kind, dest.id, dest.host, dest.region, dest.port, dest.key, scheme)


def _url_problem(exc: ValueError) -> str:
    text = str(exc)
    if "Port" in text or "port" in text:
        return "its port is not a number from 1 to 65535"
    if "IPv6" in text:
        return "an IPv6 address is missing its closing ]"
    return "it cannot be split into scheme, host and path"


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
        shown = mask_secrets(name)[:200]
        if not is_bucket_name(name):
            raise QuestionError(f"{shown!r} is not an S3 bucket name: 3-63 lowercase letters, digits, dots and "
                                "hyphens, starting and ending with a letter or digit.")
        close = _closest(topo, name, "buckets")
        hint = f" Closest: {', '.join(close)}." if close else f" Known buckets: {', '.join(sorted(topo.buckets)[:8])}."
        raise QuestionError(f"no bucket {shown!r} in the snapshot.{hint}", close, kind="unknown")
    # botocore follows S3's region redirect, so the request ends at the bucket's own regional name.
    return Destination("s3-bucket", name, s3_host(name, bucket.region), bucket.region, 443, key)


def _split_port(token: str) -> tuple[str, int | None]:
    """``host:port`` and ``[v6]:port`` (a bare IPv6 address has several colons and no port)."""
    if token.startswith("[") and "]:" in token:
        host, _, port_text = token.rpartition(":")
    elif token.count(":") == 1:
        host, _, port_text = token.partition(":")
    else:
        return token, None
    problem = port_problem(port_text)
    if problem:
        raise QuestionError(mask_secrets(f"{token[:200]!r}: {problem}; a port is a number from 1 to 65535."))
    return host, int(port_text)


def _is_ip(text: str) -> bool:
    try:
        ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True
