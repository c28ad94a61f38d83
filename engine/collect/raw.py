"""API-shaped data of one (account, region), and the directory layout ``--from-dir`` reads.

A :class:`RawScope` holds what the describe/list/get calls returned for one account in one region (or in
``global`` for IAM, S3 and Route 53), exactly as boto3 returns it minus ``ResponseMetadata``, plus the gaps
met while reading it. The mapping functions (``map_ec2``, ``map_global``) read only this, so a live
collection and a saved directory go through the same code.

Directory layout (README.md, "Offline import")::

    DIR/<account-id>/<region>/<Operation>.json          DescribeVpcs.json = {"Vpcs": [...]}
    DIR/<account-id>/<region>/<Operation>/<key>.json    DescribeInstanceAttribute/i-0abc.json
    DIR/<account-id>/global/...                          IAM, S3 and Route 53
    DIR/<account-id>/<region>/Gaps.json                  gaps recorded when the directory was saved

``<key>`` is the resource the per-resource call was made for (instance id, bucket name, zone id, role name,
``role/policy``, policy ARN), percent-encoded where it holds characters other than letters, digits and
``+=,.@_-`` (so ``/`` and ``:`` become ``%2F`` and ``%3A``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from engine import model as m
from engine.errors import CollectionError

GLOBAL = "global"  # the pseudo-region of IAM, S3's bucket list and Route 53 (their gaps are filed there)
GAPS_FILE = "Gaps.json"
_ACCOUNT = re.compile(r"^\d{12}$")
_SAFE = "+=,.@_-"


@dataclass
class RawScope:
    """What was read for one account in one region (or ``global``)."""

    account: str
    region: str
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    keyed: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    gaps: list[m.Gap] = field(default_factory=list)
    # Incremental collection: instance id → the previous snapshot's user-data read used instead of a call.
    reused: dict[str, m.UserDataRead] = field(default_factory=dict)
    read_at: datetime | None = None  # when the live calls were made (None: read from a saved directory)

    def store(self, operation: str, key: str | None, response: dict[str, Any]) -> None:
        if key is None:
            self.responses[operation] = response
        else:
            self.keyed.setdefault(operation, {})[key] = response

    def get(self, operation: str) -> dict[str, Any]:
        """The response of ``operation``; ``{}`` when it was not read (its gap says why)."""
        return self.responses.get(operation, {})

    def get_keyed(self, operation: str, key: str) -> dict[str, Any] | None:
        return self.keyed.get(operation, {}).get(key)

    def has_gap(self, operation: str, resource: str | None = None) -> bool:
        return any(g.operation == operation and (resource is None or g.resource in (None, resource))
                   for g in self.gaps)

    def merge(self, other: RawScope) -> None:
        """Fold another part of the same (account, region) in (global services are read in parallel)."""
        self.responses.update(other.responses)
        for op, items in other.keyed.items():
            self.keyed.setdefault(op, {}).update(items)
        self.gaps.extend(other.gaps)
        self.reused.update(other.reused)
        self.read_at = self.read_at or other.read_at


def merge_scopes(parts: list[RawScope]) -> list[RawScope]:
    merged: dict[tuple[str, str], RawScope] = {}
    for part in parts:
        key = (part.account, part.region)
        if key in merged:
            merged[key].merge(part)
        else:
            merged[key] = RawScope(part.account, part.region)
            merged[key].merge(part)
    return list(merged.values())


# --- saving ------------------------------------------------------------------------------------------------


def key_to_filename(key: str) -> str:
    return quote(key, safe=_SAFE) + ".json"


def filename_to_key(name: str) -> str:
    return unquote(name[: -len(".json")])


def save_scopes(scopes: list[RawScope], directory: Path) -> None:
    """Write the layout above. Each file is complete before the next is started (plain JSON, indented)."""
    for scope in scopes:
        base = directory / scope.account / scope.region
        base.mkdir(parents=True, exist_ok=True)
        for op, response in scope.responses.items():
            _write_json(base / f"{op}.json", response)
        for op, items in scope.keyed.items():
            (base / op).mkdir(exist_ok=True)
            for key, response in items.items():
                _write_json(base / op / key_to_filename(key), response)
        if scope.gaps:
            _write_json(base / GAPS_FILE, [g.model_dump(by_alias=True, exclude_none=True) for g in scope.gaps])


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, default=_json_default, ensure_ascii=False) + "\n", encoding="utf-8")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, bytes | bytearray):
        return obj.decode("utf-8", "replace")
    return str(obj)


# --- loading -----------------------------------------------------------------------------------------------


@dataclass
class SavedScope:
    """One ``DIR/<account>/<region>`` directory: the files present, read on demand."""

    account: str
    region: str
    path: Path
    recorded_gaps: list[m.Gap]

    def read(self, operation: str, key: str | None) -> dict[str, Any] | None:
        path = self.path / f"{operation}.json" if key is None else self.path / operation / key_to_filename(key)
        if not path.is_file():
            return None
        return read_json(path)

    def keys(self, operation: str) -> list[str]:
        folder = self.path / operation
        if not folder.is_dir():
            return []
        return sorted(filename_to_key(p.name) for p in folder.glob("*.json"))


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CollectionError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). Save the output of "
            "the AWS CLI command with --output json, or remove the file."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CollectionError(f"cannot read {path}: {exc}") from None
    if isinstance(data, list):  # several saved pages or runs of the same call: fold them into one response
        return _fold_pages(data, path)
    if not isinstance(data, dict):
        raise CollectionError(f"{path} holds a JSON {type(data).__name__}; expected the object an AWS call returns.")
    data.pop("ResponseMetadata", None)
    return data


def _fold_pages(pages: list[Any], path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for page in pages:
        if not isinstance(page, dict):
            raise CollectionError(f"{path}: a list of pages must hold JSON objects, found {type(page).__name__}.")
        for k, v in page.items():
            if isinstance(v, list) and isinstance(out.get(k), list):
                out[k] = out[k] + v
            elif k != "ResponseMetadata":
                out.setdefault(k, v)
    return out


def scan_directory(directory: Path, regions: list[str] | None) -> list[SavedScope]:
    """The (account, region) directories under ``directory``; ``regions`` limits the regional ones."""
    if not directory.is_dir():
        raise CollectionError(
            f"--from-dir {directory}: not a readable directory. It should hold one folder per account id "
            "(e.g. 111122223333/ap-northeast-1/DescribeVpcs.json); see engine/collect/README.md."
        )
    try:
        accounts = sorted(p for p in directory.iterdir() if p.is_dir() and _ACCOUNT.match(p.name))
    except OSError as exc:
        raise CollectionError(f"--from-dir {directory}: cannot list it ({exc.strerror}).") from None
    scopes: list[SavedScope] = []
    for acct in accounts:
        for reg in sorted(p for p in acct.iterdir() if p.is_dir()):
            if reg.name != GLOBAL and regions and reg.name not in regions:
                continue
            scopes.append(SavedScope(acct.name, reg.name, reg, _recorded_gaps(reg / GAPS_FILE)))
    if not scopes:
        raise CollectionError(
            f"--from-dir {directory}: found no <account-id>/<region>/ folders"
            + (f" for region(s) {', '.join(regions)}" if regions else "")
            + ". Expected e.g. 111122223333/ap-northeast-1/DescribeVpcs.json; see engine/collect/README.md."
        )
    return scopes


def _recorded_gaps(path: Path) -> list[m.Gap]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [m.Gap.model_validate(item) for item in data]
    except (ValueError, TypeError, OSError) as exc:
        raise CollectionError(f"{path} is not a list of gaps as reachbot writes them: {exc}") from None
