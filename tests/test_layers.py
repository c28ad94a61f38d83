"""The layers (README, "Layers"): which package may import what, and the engine's public surface.

- engine core (``engine/`` but ``engine/collect/`` and ``engine/cli/``) imports no boto3/botocore, no Slack,
  no ``bot`` and no ``engine.cli``: a snapshot and a question in, a verdict out.
- ``engine/collect/`` (boto3) imports no Slack, no ``bot`` and no ``engine.cli``.
- ``bot/`` (Slack) imports the engine only through ``engine.__all__``, pinned below the way httpx pins its
  exported members (tests/test_exported_members.py there): adding or removing a public name is a deliberate act.
- ``engine/cli/`` is the application layer, the one place that wires engine, collect and bot together.
The imports are read with ``ast``, so a lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import engine
from engine.cli.main import COMMANDS, load

ROOT = Path(__file__).resolve().parent.parent

ENGINE_PUBLIC = [
    "BUNDLED",
    "LANGUAGES",
    "POLICY_REFUSALS",
    "REFUSALS",
    "RESOURCE_KINDS",
    "RUNTIMES",
    "SCHEMA_VERSION",
    "Answer",
    "Code",
    "CollectionError",
    "Engine",
    "Fix",
    "Kind",
    "Layer",
    "LoadedSnapshot",
    "PolicyDocumentError",
    "Question",
    "QuestionError",
    "ReachbotError",
    "Snapshot",
    "SnapshotError",
    "Wording",
    "choose_snapshot",
    "default_store_path",
    "language_of",
    "load_bundled",
    "mask_secrets",
    "model",
    "parse_snapshot",
    "proxy_for",
    "snapshot_age",
    "SnapshotDiff",
    "diff_since",
    "render_diff",
    "EN",
    "wording_for",
]

# bot/snapshots.py asks engine.collect.store, lazily, for an S3 object's version: the snapshot store is the
# collect layer's public seam (engine.snapshot reads s3:// through it too), and boto3 loads only when called.
# Pictures of a route (engine/picture, Pillow) are a layer beside the core, like collect: the bot draws the
# answer it posts. The core never imports them.
BOT_MAY_ALSO_IMPORT = {"engine.collect.store", "engine.picture"}
DRAWING = ("PIL",)

AWS_SDK = ("boto3", "botocore")
SLACK = ("slack", "slack_bolt", "slack_sdk", "slackclient")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """Every import in the file as (module, name imported from it or None), relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([module] if module else [])])
            yield from ((module, alias.name) for alias in node.names)


def _under(module: str, *roots: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in roots)


def _files(folder: str, *, skip: tuple[str, ...] = ()) -> list[Path]:
    files = [p for p in sorted((ROOT / folder).rglob("*.py")) if not any(p.is_relative_to(ROOT / s) for s in skip)]
    assert files, folder
    return files


def _offenders(files: list[Path], *forbidden: str) -> list[str]:
    return [f"{p.relative_to(ROOT)}: {module}" for p in files for module, _ in _imports(p)
            if _under(module, *forbidden)]


def test_engine_exports_exactly_the_pinned_public_names() -> None:
    """``engine.__all__`` is the surface bot and scripts may use; changing it means changing this list."""
    assert engine.__all__ == ENGINE_PUBLIC


@pytest.mark.parametrize("name", ENGINE_PUBLIC)
def test_each_public_name_is_importable_from_engine(name: str) -> None:
    """Each exported name resolves on the package itself (``from engine import NAME``)."""
    exec(f"from engine import {name}", {})
    assert getattr(engine, name) is not None


def test_engine_core_imports_no_aws_sdk_slack_bot_or_cli() -> None:
    """style.md: the engine is pure. Only engine/collect talks to AWS, only bot to Slack, only engine/cli wires."""
    files = _files("engine", skip=("engine/collect", "engine/cli"))
    assert _offenders(files, *AWS_SDK, *SLACK, "bot", "engine.cli") == []


def test_engine_core_never_imports_the_pictures_or_a_drawing_library() -> None:
    """Drawing (engine/picture, Pillow) is for the command line and the bot; a snapshot and a question in, a
    verdict out needs none of it."""
    files = _files("engine", skip=("engine/collect", "engine/cli", "engine/picture"))
    assert _offenders(files, "engine.picture", *DRAWING) == []


def test_picture_layer_imports_no_aws_sdk_slack_bot_or_cli() -> None:
    """engine/picture draws an Answer; it knows nothing of AWS, Slack, the bot or the command line."""
    assert _offenders(_files("engine/picture"), *AWS_SDK, *SLACK, "bot", "engine.cli") == []


def test_collect_layer_imports_no_slack_bot_or_cli() -> None:
    """engine/collect reads AWS and writes snapshots; it knows nothing of Slack, the bot or the command line."""
    assert _offenders(_files("engine/collect"), *SLACK, "bot", "engine.cli") == []


def test_bot_imports_the_engine_only_through_its_public_surface() -> None:
    """bot/ uses ``from engine import NAME`` with NAME in ``engine.__all__``; no reaching into submodules."""
    offenders = []
    for path in _files("bot"):
        for module, name in _imports(path):
            if not _under(module, "engine"):
                continue
            if module == "engine" and (name is None or name in engine.__all__):
                continue
            if module in BOT_MAY_ALSO_IMPORT or f"{module}.{name}" in BOT_MAY_ALSO_IMPORT:
                continue
            offenders.append(f"{path.relative_to(ROOT)}: {module}{'' if name is None else ' ' + name}")
    assert offenders == []


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The engine modules a file imports when it runs: at import time or deferred inside a function (a cycle
    hidden in a function is still a cycle), but not those imported only for type checking."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for stmt in child.orelse:
                    visit(stmt)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name in modules)
            elif isinstance(child, ast.ImportFrom) and child.module:
                for alias in child.names:
                    sub = f"{child.module}.{alias.name}"
                    found.add(sub if sub in modules else child.module)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found & modules


def test_engine_modules_import_one_another_without_a_cycle() -> None:
    """No engine module needs itself back, not even through an import deferred into a function (the old
    engine.cli.main ↔ ask and trace ↔ egress ↔ tgw circles are gone)."""
    paths = {_module_name(p): p for p in _files("engine")}
    graph = {name: _runtime_imports(path, set(paths)) - {name} for name, path in paths.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_every_subcommand_module_has_help_arguments_and_run() -> None:
    """The CLI's table: each entry names a module with HELP, add_arguments(parser) and run(args)."""
    for name in COMMANDS:
        cmd = load(name)
        assert isinstance(cmd.HELP, str) and cmd.HELP, name
        assert callable(cmd.add_arguments) and callable(cmd.run), name


def _modules_after(code: str) -> list[str]:
    prefixes = ("bot", "engine.cli.commands", "engine.collect", "engine.picture", *AWS_SDK, *SLACK, *DRAWING)
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout.splitlines()[-1].split()  # the last line: what ran before may have printed


def test_importing_the_cli_loads_no_subcommand_bot_collect_or_sdk() -> None:
    """``engine.cli.main`` imports its subcommands only when one runs: no bot, Slack, boto3 at import time."""
    assert _modules_after("import engine.cli.main") == []


def test_reachbot_ask_loads_only_the_ask_subcommand() -> None:
    """``reachbot ask`` imports the ask module and nothing of collect, serve, bot, Slack, boto3 or the pictures."""
    loaded = _modules_after("from engine.cli.main import main\nmain(['ask', 'web-osaka-a -> app-data'])")
    assert loaded == ["engine.cli.commands", "engine.cli.commands.ask"]
