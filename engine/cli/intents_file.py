"""Reading an intents file (YAML, or JSON by its ``.json`` suffix) into :class:`engine.intents.Entry` items.

The file is either a list of intents or a mapping with an ``intents`` list. PyYAML's node tree gives every
entry and field its line, so a bad intent is reported where it stands. JSON is parsed by ``json`` (strict, and
its errors carry line and column); the same text composed as YAML (JSON's syntax is YAML's flow style) then
gives the lines, when it composes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from engine.intents import Entry, IntentError

_SHAPE = ("a list of intents (or a mapping with an 'intents' list), each {name, source, destination, "
          "expect: reachable|blocked}")


def read_intents_file(path: str) -> list[Entry]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IntentError(f"intents file {path} does not exist.") from None
    except UnicodeDecodeError as exc:
        raise IntentError(f"intents file {path} is not UTF-8 text (byte offset {exc.start}).") from None
    except OSError as exc:
        raise IntentError(f"cannot read intents file {path}: {exc.strerror or exc}.") from None
    data, node = _parse(text, path)
    items, item_nodes = _items(data, node, path)
    return [_entry(item, n, path) for item, n in zip(items, item_nodes or [None] * len(items), strict=True)]


def _parse(text: str, path: str) -> tuple[Any, yaml.Node | None]:
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IntentError(f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}.") from None
        try:
            return data, yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return data, None  # valid JSON that YAML does not compose: the messages name entries without lines
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise IntentError(f"{path}{where}: not valid YAML: {exc.problem or exc.context}.") from None
    except yaml.YAMLError as exc:
        raise IntentError(f"{path}: not valid YAML: {exc}.") from None
    finally:
        loader.dispose()


def _items(data: Any, node: yaml.Node | None, path: str) -> tuple[list[Any], list[yaml.Node] | None]:
    """The list of intents and, when known, the node of each."""
    if isinstance(data, dict) and "intents" in data:
        data = data["intents"]
        node = next((v for k, v in node.value if k.value == "intents"), None) \
            if isinstance(node, yaml.MappingNode) else None
    if not isinstance(data, list):
        raise IntentError(f"{path}: the file must hold {_SHAPE}; it holds {type(data).__name__}.")
    nodes = list(node.value) if isinstance(node, yaml.SequenceNode) and len(node.value) == len(data) else None
    return data, nodes


def _entry(item: Any, node: yaml.Node | None, path: str) -> Entry:
    if node is None:
        return Entry(item)
    fields: dict[str, int] = {}
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else []:
        line = key.start_mark.line + 1
        if str(key.value) in fields:  # YAML and json.loads keep the last silently; an intent must not
            raise IntentError(f"{path}, line {line}: the field {key.value!r} is given twice in one intent (also at "
                              f"line {fields[str(key.value)]}).")
        fields[str(key.value)] = line
    return Entry(item, node.start_mark.line + 1, fields)
