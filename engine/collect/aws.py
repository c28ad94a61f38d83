"""boto3 sessions and clients, accounts to collect, and AWS failures turned into gaps.

Retries: botocore's *adaptive* mode (``Config(retries={"mode": "adaptive"})``) retries throttling
(``Throttling``, ``RequestLimitExceeded``, …), 5xx and connection errors with exponential backoff and a
client-side rate limiter that slows down after throttling (botocore docs, "Retries"). What still fails after
``max_attempts`` becomes a :class:`~engine.model.Gap`; the rest of the estate is collected regardless. Before
that, every EC2 client paces its requests below EC2's request-token buckets (``limits.Ec2Limiter``, one per
account and region).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
    ReadTimeoutError,
)

from engine import model as m
from engine.collect.limits import Ec2Limiter
from engine.collect.raw import GLOBAL
from engine.errors import CollectionError

# A region (or endpoint) that does not answer: further calls to the same service there would only wait again.
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
SESSION_NAME = "reachbot-collect"
CALLER = "caller credentials"
# IAM action names that are not "<signing name>:<operation>" (Service Authorization Reference).
_ACTION_EXCEPTIONS = {("s3", "ListBuckets"): "s3:ListAllMyBuckets"}

SessionHook = Callable[[boto3.Session, str], None]  # (session, CALLER or the role ARN)


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows ``operation`` (``ec2``, ``DescribeRouteTables`` → ``ec2:DescribeRouteTables``)."""
    return _ACTION_EXCEPTIONS.get((service, operation), f"{service}:{operation}")


@dataclass(frozen=True)
class AwsSettings:
    profile: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = 5  # botocore's retries "max_attempts": retries after the first attempt
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_pool_connections: int = 16
    # Called on every session collect creates (the caller's and each assumed role's), before any client:
    # tests register botocore event handlers here (fault injection, recording the operations made).
    session_hooks: tuple[SessionHook, ...] = ()
    ec2_rate_share: float = 0.5  # client-side EC2 rate as a share of AWS's request-token buckets; 0: off

    def config(self) -> Config:
        return Config(
            retries={"mode": "adaptive", "max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_pool_connections=self.max_pool_connections,
            user_agent_extra="reachbot-collect",
            # An emulator behind one URL (often "localhost") cannot serve bucket.localhost virtual hosts.
            s3={"addressing_style": "path"} if self.endpoint_url else None,
        )


class CallLog:
    """Every API call made (botocore ``before-call`` fires once per call, whatever the retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.actions: Counter[str] = Counter()

    def attach(self, session: boto3.Session) -> None:
        session.events.register("before-call", self._on_call)

    def _on_call(self, model: Any, **_: Any) -> None:
        action = iam_action(model.service_model.signing_name, model.name)
        with self._lock:
            self.actions[action] += 1

    @property
    def total(self) -> int:
        return sum(self.actions.values())


class Clients:
    """Clients of one session, created once per (service, region) under a lock (sessions are not thread-safe;
    clients are, botocore docs "Multithreading or multiprocessing with clients")."""

    def __init__(self, session: boto3.Session, settings: AwsSettings) -> None:
        self.session = session
        self.settings = settings
        self._config = settings.config()
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], BaseClient] = {}
        self.limiters: dict[str, Ec2Limiter] = {}  # region → EC2 rate limiter of this account there

    def get(self, service: str, region: str) -> BaseClient:
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                client = self.session.client(
                    service, region_name=region, endpoint_url=self.settings.endpoint_url, config=self._config
                )
                if service == "ec2" and self.settings.ec2_rate_share > 0:
                    limiter = self.limiters.setdefault(region, Ec2Limiter(self.settings.ec2_rate_share))
                    client.meta.events.register("before-send.ec2", limiter.on_send)
                self._clients[key] = client
            return self._clients[key]


@dataclass
class Target:
    """One account to collect: its id, how it was reached, and its clients (None when the role failed)."""

    account_id: str
    via: str  # CALLER or the role ARN
    clients: Clients | None
    name: str | None = None
    failure: m.Gap | None = None  # why the account could not be read at all (AssumeRole refused)


@dataclass
class Accounts:
    targets: list[Target] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    global_region: str = "us-east-1"
    caller: Clients | None = None  # the caller's own credentials (STS, Organizations, the s3:// store)


def new_session(settings: AwsSettings, log: CallLog, via: str, **credentials: Any) -> boto3.Session:
    try:
        session = boto3.Session(**credentials) if credentials else boto3.Session(profile_name=settings.profile)
    except ProfileNotFound:
        raise CollectionError(
            f"AWS profile {settings.profile!r} is not configured. List profiles with `aws configure list-profiles`, "
            "or leave out --profile to use the default credential chain."
        ) from None
    log.attach(session)
    for hook in settings.session_hooks:
        hook(session, via)
    return session


def resolve_accounts(settings: AwsSettings, log: CallLog, regions: list[str] | None,
                     role_arns: list[str] | None, org_role: str | None) -> Accounts:
    """Who and where to collect. With ``--role-arn``/``--org-role`` the caller's credentials only sign STS and
    Organizations calls; the accounts collected are the roles' (organisation mode: every active account, the
    caller's own one with the caller's credentials)."""
    for arn in role_arns or []:
        if not _ROLE_ARN.match(arn):
            raise CollectionError(f"--role-arn {arn!r} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).")
    base = new_session(settings, log, CALLER)
    chosen = _regions(regions, base)
    out = Accounts(regions=chosen, global_region=global_region(chosen[0]))
    base_clients = Clients(base, settings)
    out.caller = base_clients
    caller = _caller_account(base_clients, chosen[0], settings)
    if not role_arns and not org_role:
        out.targets.append(Target(caller, CALLER, base_clients))
        return out
    seen: set[str] = set()
    if org_role:
        for account_id, name in _org_accounts(base_clients, out.global_region):
            seen.add(account_id)
            if account_id == caller:
                out.targets.append(Target(caller, CALLER, base_clients, name=name))
            else:
                arn = f"arn:{partition(chosen[0])}:iam::{account_id}:role/{org_role}"
                out.targets.append(_assume(settings, log, base_clients, chosen[0], arn, name))
    for arn in role_arns or []:
        account_id = _ROLE_ARN.match(arn).group(1)  # type: ignore[union-attr]
        if account_id not in seen:
            seen.add(account_id)
            out.targets.append(_assume(settings, log, base_clients, chosen[0], arn, None))
    if not out.targets:
        raise CollectionError("organisation mode found no active account to collect.")
    if all(t.clients is None for t in out.targets):
        why = "; ".join(f"{t.via}: {t.failure.error if t.failure else '?'}" for t in out.targets)
        raise CollectionError(
            f"could not assume any role, so nothing can be collected ({why}). The caller needs sts:AssumeRole on "
            "each role, and each role's trust policy must allow the caller."
        )
    return out


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def global_region(region: str) -> str:
    """Where the partition's global services (IAM, Route 53, Organizations) are called."""
    return {"aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1"}.get(partition(region), "us-east-1")


def _regions(regions: list[str] | None, session: boto3.Session) -> list[str]:
    chosen = list(dict.fromkeys(regions or ([session.region_name] if session.region_name else [])))
    if not chosen:
        raise CollectionError(
            "no region given and none configured: pass --region REGION (repeatable), or set AWS_REGION or a "
            "region in your AWS profile."
        )
    check_regions(chosen)
    return chosen


def check_regions(regions: list[str]) -> None:
    bad = [r for r in regions if not _REGION.match(r) or r == GLOBAL]
    if bad:
        raise CollectionError(f"--region {bad[0]!r} is not an AWS region name (e.g. ap-northeast-1).")


def _caller_account(clients: Clients, region: str, settings: AwsSettings) -> str:
    """Who the credentials are. Asked with few retries: if STS does not answer, nothing else will, and the
    operator should hear so in seconds."""
    quick = AwsSettings(profile=settings.profile, endpoint_url=settings.endpoint_url,
                        max_attempts=min(settings.max_attempts, 1), connect_timeout=settings.connect_timeout,
                        read_timeout=settings.read_timeout)
    try:
        return str(Clients(clients.session, quick).get("sts", region).get_caller_identity()["Account"])
    except NoCredentialsError:
        raise CollectionError(
            "no AWS credentials found. Configure them (aws configure, aws sso login, AWS_PROFILE, an instance "
            "role) or pass --profile NAME."
        ) from None
    except NoRegionError:
        raise CollectionError("no region configured: pass --region REGION.") from None
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise CollectionError(
            f"AWS refused the credentials ({err.get('Code')}: {err.get('Message')}). Refresh them "
            "(e.g. `aws sso login`) or choose others with --profile."
        ) from None
    except UNREACHABLE as exc:
        where = settings.endpoint_url or f"STS in {region}"
        raise CollectionError(f"cannot reach {where}: {exc}. Check the network, proxy settings or --endpoint-url.") \
            from None
    except (BotoCoreError, ValueError) as exc:
        raise CollectionError(f"cannot call AWS STS: {exc}") from None


def _assume(settings: AwsSettings, log: CallLog, base: Clients, region: str, arn: str, name: str | None) -> Target:
    account_id = arn.split(":")[4]
    try:
        creds = base.get("sts", region).assume_role(RoleArn=arn, RoleSessionName=SESSION_NAME)["Credentials"]
    except (ClientError, BotoCoreError) as exc:
        gap = gap_from(exc, "sts", "AssumeRole", resource=arn)
        return Target(account_id, arn, None, name=name, failure=gap)
    session = new_session(settings, log, arn, aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return Target(account_id, arn, Clients(session, settings), name=name)


def _org_accounts(clients: Clients, region: str) -> list[tuple[str, str | None]]:
    try:
        pages = clients.get("organizations", region).get_paginator("list_accounts").paginate()
        accounts = [a for page in pages for a in page.get("Accounts", [])]
    except (ClientError, BotoCoreError) as exc:
        gap = gap_from(exc, "organizations", "ListAccounts")
        raise CollectionError(
            f"organisation mode could not list the accounts ({gap.error}). Run it with credentials of the "
            "management account or a delegated administrator that has organizations:ListAccounts, or pass "
            "--role-arn for each account instead."
        ) from None
    active = [a for a in accounts if (a.get("State") or a.get("Status") or "ACTIVE").upper() == "ACTIVE"]
    return [(str(a["Id"]), a.get("Name")) for a in active]


def gap_from(exc: BaseException, service: str, operation: str, resource: str | None = None) -> m.Gap:
    """An AWS failure as a gap: the error code AWS gave (or the connection failure) and the permission needed."""
    if isinstance(exc, ClientError):
        error = str(exc.response.get("Error", {}).get("Code") or "ClientError")
    else:
        error = type(exc).__name__
    return m.Gap(service=service, operation=operation, error=error, permission=iam_action(service, operation),
                 resource=resource)
