"""One collection run: accounts × regions read concurrently, then assembled into a snapshot.

Work items: one per (account, region) for EC2 and SSM, and one per account for each global service (IAM,
S3, Route 53), all on one bounded thread pool. boto3 clients are shared between threads (they are thread-safe);
sessions are not, so clients are created under a lock (``aws.Clients``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import boto3

from engine import model as m
from engine.collect import crawl
from engine.collect.assemble import assemble
from engine.collect.aws import AwsSettings, CallLog, SessionHook, Target, check_regions, resolve_accounts
from engine.collect.incremental import Previous, load_previous
from engine.collect.overlay import Overlay, load_overlay
from engine.collect.raw import GLOBAL, RawScope, SavedScope, merge_scopes, save_scopes, scan_directory
from engine.errors import CollectionError, SnapshotError

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Told how many work items a live run has, each one as it finishes, and when the run ends (even by an error).

    ``scope`` is a region, or ``global:<service>`` for an account's IAM, S3, Route 53 or Organizations read.
    The CLI draws it as a progress bar on a terminal (``engine/cli/progress.py``).
    """

    def start(self, total: int) -> None: ...

    def done(self, account: str, scope: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CollectOptions:
    regions: list[str] | None = None
    profile: str | None = None
    role_arns: list[str] | None = None
    org_role: str | None = None
    endpoint_url: str | None = None
    from_dir: str | None = None
    ssm_prefix: str = "/reachbot/proxy"
    overlay: str | None = None
    max_workers: int = 8
    save_raw: str | None = None  # also write the API output in the --from-dir layout
    max_attempts: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    session_hooks: tuple[SessionHook, ...] = ()
    progress: Progress | None = None
    # Incremental collection (engine/collect/incremental.py): reuse the user-data reads of this snapshot (a file
    # or s3://; `reachbot collect` defaults it to --out), unless `full` asks to read everything again.
    previous: str | None = None
    full: bool = False
    # Client-side EC2 request rate, as a share of EC2's documented token buckets (engine/collect/limits.py);
    # 0 turns the limiter off (an emulator has no limits).
    ec2_rate_share: float = 0.5

    def aws(self) -> AwsSettings:
        return AwsSettings(profile=self.profile, endpoint_url=self.endpoint_url, max_attempts=self.max_attempts,
                           connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                           max_pool_connections=max(10, self.max_workers * 2), session_hooks=self.session_hooks,
                           ec2_rate_share=self.ec2_rate_share)


@dataclass
class Collection:
    snapshot: m.Snapshot
    seconds: float
    actions: Counter[str] = field(default_factory=Counter)  # IAM action → number of calls
    targets: list[Target] = field(default_factory=list)
    session: boto3.Session | None = None  # the caller's session (for the s3:// store)
    previous: Previous = field(default_factory=Previous)  # what an incremental collection started from

    @property
    def api_calls(self) -> int:
        return sum(self.actions.values())


def collect(options: CollectOptions, *, default_previous: str | None = None) -> Collection:
    """Collect; ``default_previous`` is where the last snapshot usually is (``--out``): used for an incremental
    collection when it can be read, ignored when it cannot (``options.previous`` must be readable)."""
    started, taken_at = time.monotonic(), datetime.now(UTC)
    if options.max_workers < 1:
        raise CollectionError(f"--max-workers must be at least 1 (got {options.max_workers}).")
    if not 0 <= options.ec2_rate_share <= 1:
        raise CollectionError(
            f"the EC2 rate share must be between 0 (no limiter) and 1 (got {options.ec2_rate_share}).")
    if not options.ssm_prefix.startswith("/"):
        raise CollectionError(f"--ssm-prefix {options.ssm_prefix!r} must start with '/' (e.g. /reachbot/proxy).")
    if options.regions:
        check_regions(options.regions)
    overlay = load_overlay(options.overlay)  # bad overlay: fail before spending any API call
    if options.from_dir:
        return _from_dir(options, overlay, taken_at, started)
    log = CallLog()
    found = resolve_accounts(options.aws(), log, options.regions, options.role_arns, options.org_role)
    caller = found.caller.session if found.caller else None
    previous = _previous(options, default_previous, caller)
    scopes = merge_scopes(_read_all(found.targets, found.regions, found.global_region, options, previous, taken_at))
    if options.save_raw:
        save_scopes(scopes, Path(options.save_raw))
    accounts = [m.Account(account_id=t.account_id, name=t.name) for t in found.targets]
    snap = _assemble(scopes, options, overlay, taken_at, "collect", accounts, sorted(found.regions))
    return Collection(snap, time.monotonic() - started, log.actions, found.targets, caller, previous)


def _previous(options: CollectOptions, default: str | None, session: boto3.Session | None) -> Previous:
    if options.full:
        return Previous()
    location = options.previous or default
    return load_previous(location, required=options.previous is not None, endpoint_url=options.endpoint_url,
                         session=session)


def _read_all(targets: list[Target], regions: list[str], global_region: str, options: CollectOptions,
              previous: Previous, taken_at: datetime) -> list[RawScope]:
    scopes: list[RawScope] = []
    pool = ThreadPoolExecutor(max_workers=options.max_workers, thread_name_prefix="collect")
    try:
        work: dict[Future[RawScope], tuple[str, str]] = {}  # future → (account, scope), for progress and logs
        for target in targets:
            if target.clients is None:  # the role could not be assumed: every scope of the account is a gap
                scopes += [RawScope(target.account_id, r, gaps=[target.failure] if target.failure else [])
                           for r in [*regions, GLOBAL]]
                continue
            for region in regions:
                work[pool.submit(_read_region, target, region, options.ssm_prefix, previous, taken_at)] = \
                    (target.account_id, region)
            for service in crawl.GLOBAL_CRAWLS:
                work[pool.submit(_read_global, target, service, global_region)] = \
                    (target.account_id, f"global:{service}")
        _follow(work, options.progress)
        scopes += [f.result() for f in work]  # submission order: the snapshot does not depend on timing
    finally:
        # On Ctrl-C (or a bug in one worker) do not wait for the queued work: nothing will be written anyway.
        pool.shutdown(wait=True, cancel_futures=True)
        if options.progress is not None:
            options.progress.close()
    return scopes


def _follow(work: dict[Future[RawScope], tuple[str, str]], progress: Progress | None) -> None:
    """Report each work item as it finishes; a worker's exception is raised here, at the first one seen."""
    if progress is not None:
        progress.start(len(work))
    for future in as_completed(work):
        future.result()
        account, scope = work[future]
        log.info("collect: read %s %s", account, scope)
        if progress is not None:
            progress.done(account, scope)


def _read_region(target: Target, region: str, ssm_prefix: str, previous: Previous, taken_at: datetime) -> RawScope:
    assert target.clients is not None
    scope = RawScope(target.account_id, region, read_at=taken_at)
    crawl.crawl_region(crawl.LiveSource(target.clients, scope, region), ssm_prefix, previous)
    return scope


def _read_global(target: Target, service: str, region: str) -> RawScope:
    assert target.clients is not None
    scope = RawScope(target.account_id, GLOBAL)
    crawl.GLOBAL_CRAWLS[service](crawl.LiveSource(target.clients, scope, region))
    return scope


def _from_dir(options: CollectOptions, overlay: Overlay | None, taken_at: datetime, started: float) -> Collection:
    """Offline: the same crawl, reading files instead of calling AWS."""
    saved = scan_directory(Path(options.from_dir or "."), options.regions)
    by_key: dict[tuple[str, str], SavedScope] = {(s.account, s.region): s for s in saved}
    accounts = sorted({s.account for s in saved})
    regions = sorted({s.region for s in saved if s.region != GLOBAL})
    scopes: list[RawScope] = []
    for account in accounts:
        for region in regions:
            scope = RawScope(account, region)
            crawl.crawl_region(crawl.DirSource(by_key.get((account, region)), scope), options.ssm_prefix)
            scopes.append(scope)
        scope = RawScope(account, GLOBAL)
        source = crawl.DirSource(by_key.get((account, GLOBAL)), scope)
        for read in crawl.GLOBAL_CRAWLS.values():
            read(source)
        scopes.append(scope)
    snap = _assemble(scopes, options, overlay, taken_at, "collect --from-dir",
                     [m.Account(account_id=a) for a in accounts], regions)
    return Collection(snap, time.monotonic() - started)


def _assemble(scopes: list[RawScope], options: CollectOptions, overlay: Overlay | None, taken_at: datetime,
              source: str, accounts: list[m.Account], regions: list[str]) -> m.Snapshot:
    snap = assemble(scopes, ssm_prefix=options.ssm_prefix, overlay=overlay, taken_at=taken_at, source=source,
                    accounts=accounts, regions=regions)
    _check(snap)
    return snap


def _check(snap: m.Snapshot) -> None:
    """The snapshot must load where it is used: the engine's own consistency check, before anything is written."""
    from engine.topology import Topology

    try:
        Topology(snap)
    except SnapshotError as exc:
        raise CollectionError(f"the collected snapshot is inconsistent, so it was not written: {exc}") from None
