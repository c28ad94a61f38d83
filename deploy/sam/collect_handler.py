"""Scheduled collection on Lambda: ``reachbot collect --out $REACHBOT_SNAPSHOT`` with the template's regions.

A failed collection raises, so it shows in the function's Errors metric (alarm on it); the bot keeps
answering from the previous snapshot, and says how old it is.
"""

from __future__ import annotations

import os
from typing import Any

from engine.cli.main import main


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    out = os.environ["REACHBOT_SNAPSHOT"]
    args = ["collect", "--out", out]
    for region in _list("REACHBOT_COLLECT_REGIONS"):
        args += ["--region", region]
    for arn in _list("REACHBOT_COLLECT_ROLE_ARNS"):
        args += ["--role-arn", arn]
    status = main(args)
    if status != 0:
        raise RuntimeError(f"reachbot collect exited with status {status}; see the log above")
    return {"snapshot": out}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
