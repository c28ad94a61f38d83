"""``reachbot collect``: the flags, turned into :class:`~engine.collect.collector.CollectOptions`.

boto3 loads inside :func:`run` only, with ``engine.collect``.
"""

from __future__ import annotations

import argparse
import sys

HELP = "read live AWS configuration into a snapshot"
SSM_PREFIX = "/reachbot/proxy"
KEEP_DAYS = 14.0  # a collect every hour keeps 336 runs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", action="append", help="repeat for several regions")
    p.add_argument("--profile", help="AWS CLI profile for the caller's credentials (boto3's chain)")
    p.add_argument("--role-arn", action="append", help="assume this role for another account (repeatable)")
    p.add_argument("--org-role", metavar="ROLE_NAME", help="organisation mode: assume ROLE_NAME in every account")
    p.add_argument("--endpoint-url", help="one AWS-compatible endpoint for every client (an emulator)")
    p.add_argument("--out", help="file or s3://bucket/key (default: the file ask/serve read by default)")
    p.add_argument("--from-dir", help="offline: read saved describe_* JSON from this directory")
    p.add_argument("--ssm-prefix", default=SSM_PREFIX, help="SSM prefix for per-instance proxy settings")
    p.add_argument("--overlay", help="JSON file of proxy settings by instance id, Name pattern, subnet or VPC")
    p.add_argument("--max-workers", type=int, default=8, help="(account, region) pairs collected at once")
    p.add_argument("--previous", metavar="PATH|s3://BUCKET/KEY",
                   help="reuse what cannot have changed from this snapshot (default: the one at --out)")
    p.add_argument("--full", action="store_true", help="read everything again, reusing nothing")
    p.add_argument("--quiet", action="store_true", help="print no progress and no summary line")
    p.add_argument("--history", metavar="DIR", help="keep each run here too, named by its UTC time: a directory or "
                   "s3://bucket/prefix/ (default: history/ beside a file --out; for an s3:// --out, the object's "
                   "versions where the bucket has versioning)")
    p.add_argument("--no-history", action="store_true", help="keep no history of this run")
    p.add_argument("--keep", type=_positive_int, metavar="N", help="keep only the newest N runs in the history")
    p.add_argument("--keep-days", type=_days, metavar="DAYS", default=KEEP_DAYS,
                   help="drop runs older than DAYS days from the history, 0 for never (default: %(default)s, as the "
                   "SAM template's snapshot bucket keeps old versions; S3 versions: the bucket's lifecycle rule)")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of runs of at least 1, e.g. --keep 30")
    return int(text)


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 <= days < float("inf"):  # NaN fails this too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 or more), e.g. --keep-days 14")
    return days


def run(args: argparse.Namespace) -> int:
    from engine.cli.progress import progress_for
    from engine.collect.cli import Retention
    from engine.collect.cli import run as collect
    from engine.collect.collector import CollectOptions

    options = CollectOptions(
        regions=args.region, profile=args.profile, role_arns=args.role_arn, org_role=args.org_role,
        endpoint_url=args.endpoint_url, from_dir=args.from_dir, ssm_prefix=args.ssm_prefix or SSM_PREFIX,
        overlay=args.overlay, max_workers=args.max_workers, previous=args.previous, full=args.full,
        progress=progress_for(sys.stderr, args.quiet),
    )
    retention = Retention(history=args.history, keep=args.keep, keep_days=args.keep_days or None,
                          enabled=not args.no_history)
    return collect(options, out=args.out, quiet=args.quiet, retention=retention)
