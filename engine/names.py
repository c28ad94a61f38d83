"""What a destination may be, written down once: host names, ports, S3 bucket names, reserved names.

The question parser (``engine.question``) answers only for text that fits one of these forms, and the
resolver (``engine.dns``) refuses the names public DNS never answers. Each rule names its source:

- Host names: RFC 1123 section 2.1 over RFC 1035 section 2.3.4: labels of 1 to 63 letters, digits and
  hyphens that neither start nor end with a hyphen, at most 253 characters in all (without the trailing dot
  of a fully qualified name). A last label made only of digits is not a name (RFC 1123 2.1: a name must not
  look like a dotted-decimal address), so ``10.0.0.256`` is refused instead of being looked up.
- Ports: a TCP port is 1 to 65535 (RFC 793; 0 is reserved and no client connects to it).
- Bucket names: S3 user guide, "General purpose bucket naming rules": 3 to 63 lowercase letters, digits,
  dots and hyphens, beginning and ending with a letter or digit, no two adjacent dots, not shaped like an IP
  address.
- Reserved names: RFC 6761 section 6 and RFC 2606: ``.test``, ``.example`` and ``.invalid`` are never
  delegated in public DNS (a recursive resolver answers NXDOMAIN), and ``localhost`` names only ever mean the
  asking machine's own loopback (6.3), never something across the network. Likewise ``.local`` (RFC 6762,
  multicast DNS), ``.onion`` (RFC 7686), ``home.arpa`` (RFC 8375) and ``.internal`` (reserved by ICANN in
  2024 for private use): only a private hosted zone (or EC2's own names of instances the snapshot holds)
  can answer for them, so a name there that none answers gets no answer rather than a public one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import ip_address

from engine.proxy.model import mask_credentials

MAX_HOST_CHARS = 253
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# top-level name -> the RFC (and section) that reserves it
RESERVED_TLDS: dict[str, str] = {
    "test": "RFC 6761 section 6.2",
    "localhost": "RFC 6761 section 6.3",
    "invalid": "RFC 6761 section 6.4",
    "example": "RFC 2606 section 2",
    "local": "RFC 6762 section 3, multicast DNS on the local link only",
    "onion": "RFC 7686 section 2",
    "internal": "ICANN's 2024 reservation of .internal for private use",
}
RESERVED_ZONES: dict[str, str] = {"home.arpa": "RFC 8375 section 3"}


# EC2's own private DNS names (EC2 user guide, "Amazon EC2 instance hostname types"): IP names
# (ip-10-0-1-10.ec2.internal in us-east-1, ip-10-0-1-10.<region>.compute.internal elsewhere) and resource names
# (i-0123456789abcdef0.<...>). The Amazon-provided resolver answers them for instances it knows.
_EC2_NAME = re.compile(r"(?:ip-\d{1,3}(?:-\d{1,3}){3}|i-[0-9a-f]{8,17})\.(?:ec2|[a-z0-9-]+\.compute)\.internal")


def is_ec2_private_name(host: str) -> bool:
    """Whether ``host`` has the shape of an EC2 instance's private DNS name."""
    return _EC2_NAME.fullmatch(host.lower().rstrip(".")) is not None


def host_name_problem(host: str) -> str | None:
    """Why ``host`` is not an RFC 1123 host name, or None when it is one (a trailing dot is allowed)."""
    name = host[:-1] if host.endswith(".") else host
    if not name:
        return "it is empty"
    if len(name) > MAX_HOST_CHARS:
        return f"it is {len(name)} characters long (at most {MAX_HOST_CHARS})"
    labels = name.lower().split(".")
    for label in labels:
        if not label:
            return "it has an empty label (two dots in a row, or a leading dot)"
        if len(label) > 63:
            return f"its label {label[:20]}… is longer than 63 characters"
        if not _LABEL.fullmatch(label):
            return (f"its label {label!r} is not letters, digits and inner hyphens"
                    if len(label) <= 40 else "a label holds characters a host name cannot")
    if labels[-1].isdigit():
        return "its last label is a number (not an IP address, not a name)"
    return None


def is_bucket_name(name: str) -> bool:
    """An S3 general purpose bucket name by the naming rules (see the module docstring)."""
    if not _BUCKET.fullmatch(name) or ".." in name:
        return False
    try:
        ip_address(name)
    except ValueError:
        return True
    return False


def reserved_name(host: str) -> str | None:
    """The RFC reserving ``host`` from public DNS, or None (``localhost`` itself included)."""
    name = host.lower().rstrip(".")
    for zone, rfc in RESERVED_ZONES.items():
        if name == zone or name.endswith("." + zone):
            return rfc
    return RESERVED_TLDS.get(name.rsplit(".", 1)[-1])


def port_problem(text: str) -> str | None:
    """Why ``text`` is not a TCP port (1..65535), or None."""
    if not text.isascii() or not text.isdigit():
        return f"port {text[:20]!r} is not a number"
    if not 1 <= int(text) <= 65535:
        return f"port {text} is outside 1-65535"
    return None


def mask_secrets(text: str) -> str:
    """Free text with the userinfo of every URL-like word masked (``https://u:p@h`` -> ``https://****@h``).

    Used on every question the engine repeats back (the answer's ``question``, error messages), so a password
    typed into a question never leaves it. A word with an ``@`` is treated as carrying userinfo up to its last
    ``@`` (see ``mask_credentials``): an e-mail address is masked too, which is the safe way to be wrong.
    """
    if "@" not in text:
        return text
    return " ".join(mask_credentials(word) if "@" in word else word for word in text.split(" "))


# --- ARNs of the resources a question may name (IAM User Guide, "IAM identifiers" / "Amazon Resource Names";
# Service Authorization Reference, "Resource types defined by AWS KMS" / "by AWS Secrets Manager") -------------
ARN_PARTITIONS = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}
_ARN_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d")
_ACCOUNT = re.compile(r"\d{12}")
# key/<key id> (a UUID, or mrk-<32 hex> for a multi-Region key) or alias/<name> (letters, digits, /_-).
_KMS_RESOURCE = re.compile(r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
                           r"|alias/[A-Za-z0-9/_-]{1,250}")
# secret:<name>-<6 random characters> ("ASCII letters, numbers, or /_+=.@-", at most 512 characters).
_SECRET_RESOURCE = re.compile(r"secret:[A-Za-z0-9/_+=.@-]{1,512}")
ARN_RESOURCES = {"kms": (_KMS_RESOURCE, "key/<key id> or alias/<name>"),
                 "secretsmanager": (_SECRET_RESOURCE, "secret:<name>")}


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def host(self) -> str:
        """The service's regional endpoint name (AWS General Reference, "Service endpoints")."""
        return f"{self.service}.{self.region}.{ARN_PARTITIONS[self.partition]}"


def looks_like_arn(text: str) -> bool:
    return text[:4].lower() == "arn:"


def parse_arn(text: str) -> Arn | str:
    """The ARN of a KMS key (or alias) or a Secrets Manager secret, or why ``text`` is not one."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return "an ARN reads arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
    _, partition, service, region, account, resource = parts
    if partition not in ARN_PARTITIONS:
        return f"partition {partition[:20]!r} is not one of {', '.join(sorted(ARN_PARTITIONS))}"
    if service not in ARN_RESOURCES:
        return (f"reachbot evaluates the resource policies of {' and '.join(sorted(ARN_RESOURCES))} resources, "
                f"not {service[:30]!r}")
    if not _ARN_REGION.fullmatch(region):
        return f"region {region[:30]!r} is not an AWS Region code (like eu-west-1)"
    if not _ACCOUNT.fullmatch(account):
        return f"account {account[:30]!r} is not a 12-digit AWS account id"
    pattern, form = ARN_RESOURCES[service]
    if not pattern.fullmatch(resource):
        return f"resource {resource[:80]!r} is not a {service} resource ({form})"
    return Arn(partition, service, region, account, resource)
