"""The proxy overlay file: proxy settings that live nowhere AWS can show (a golden AMI, a config-management run).

JSON, one object keyed by what the settings apply to, each value an object of variable → value::

    {
      "vpc-0a1b2c3d4e5f60718":  {"HTTPS_PROXY": "http://proxy.corp.internal:3128"},
      "subnet-0a1b2c3d4e5f6071": {"NO_PROXY": "localhost,169.254.169.254"},
      "web-*":                   {"https_proxy": "http://proxy.corp.internal:3128"},
      "i-0a1b2c3d4e5f60718":     {"NO_PROXY": null}
    }

Keys: an instance id, a subnet id, a VPC id, or else a shell glob on the ``Name`` tag. Applied broadest first
(VPC, subnet, Name pattern in file order, instance id), on top of user data, tags and SSM. ``null`` removes a
variable. Keys starting with ``_`` are comments. Variables are those ``engine.collect.proxy_settings`` reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from engine.collect.proxy_settings import CASE_VARIABLES, EXACT_VARIABLES, JAVA_PROPERTIES, variable_name
from engine.errors import CollectionError


@dataclass(frozen=True)
class Overlay:
    path: str
    entries: dict[str, dict[str, str | None]]

    @property
    def source(self) -> str:
        return f"overlay:{self.path}"


def load_overlay(path: str | None) -> Overlay | None:
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CollectionError(f"--overlay {path}: cannot read it ({exc.strerror or exc}).") from None
    except UnicodeDecodeError:
        raise CollectionError(f"--overlay {path}: not UTF-8 text; the overlay is a JSON file.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CollectionError(
            f"--overlay {path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). The overlay is "
            'a JSON object such as {"web-*": {"HTTPS_PROXY": "http://proxy.corp.internal:3128"}}.'
        ) from None
    return Overlay(path, _validate(data, path))


def _validate(data: object, path: str) -> dict[str, dict[str, str | None]]:
    if not isinstance(data, dict):
        raise CollectionError(
            f"--overlay {path}: the top level must be a JSON object keyed by instance id, Name pattern, subnet id "
            f"or VPC id; found a {type(data).__name__}."
        )
    out: dict[str, dict[str, str | None]] = {}
    for key, values in data.items():
        if key.startswith("_"):
            continue
        if not isinstance(values, dict):
            raise CollectionError(f"--overlay {path}: the value of {key!r} must be an object of variable → value.")
        entry: dict[str, str | None] = {}
        for name, value in values.items():
            variable = variable_name(name)
            if variable is None:
                known = ", ".join((*CASE_VARIABLES, *EXACT_VARIABLES, *JAVA_PROPERTIES))
                raise CollectionError(
                    f"--overlay {path}: {key!r} sets {name!r}, which is not a proxy setting reachbot reads "
                    f"(any case of HTTP_PROXY etc., or one of: {known})."
                )
            if value is not None and not isinstance(value, str | int):
                raise CollectionError(
                    f"--overlay {path}: {key!r}.{name} must be a string (or null to remove the variable)."
                )
            entry[variable] = None if value is None else str(value)
        out[key] = entry
    return out
