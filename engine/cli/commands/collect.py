"""``reachbot collect``: the flags, turned into :class:`~engine.collect.collector.CollectOptions`.

boto3 loads inside :func:`run` only, with ``engine.collect``.
"""

from __future__ import annotations

import argparse

HELP = "read live AWS configuration into a snapshot"
SSM_PREFIX = "/reachbot/proxy"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", action="append", help="repeat for several regions")
    p.add_argument("--profile")
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
    p.add_argument("--quiet", action="store_true")


def run(args: argparse.Namespace) -> int:
    from engine.collect.cli import run as collect
    from engine.collect.collector import CollectOptions

    options = CollectOptions(
        regions=args.region, profile=args.profile, role_arns=args.role_arn, org_role=args.org_role,
        endpoint_url=args.endpoint_url, from_dir=args.from_dir, ssm_prefix=args.ssm_prefix or SSM_PREFIX,
        overlay=args.overlay, max_workers=args.max_workers, previous=args.previous, full=args.full,
    )
    return collect(options, out=args.out, quiet=args.quiet)
