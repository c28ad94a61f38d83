"""What a fresh `reachbot ask` does before it answers (issue #14): no model validator is built and neither
networkx nor pydantic's plugin discovery is imported while the engine and the CLI are imported. Speed itself is
measured by bench.bench (a fresh ask on the bundled estate, target 0.3 s), never by a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import sys
import engine, engine.cli.main, engine.cli.commands.ask
from pydantic import BaseModel

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

built = sorted(c.__qualname__ for c in subclasses(BaseModel)
               if c.__module__.startswith(("engine", "bot")) and c.__pydantic_complete__)
print(built, sorted(m for m in ("networkx", "importlib.metadata") if m in sys.modules))
"""


def test_importing_the_engine_and_the_cli_builds_no_validator_and_imports_no_networkx() -> None:
    """A model instance made at import (a default, a module constant) builds its validator and makes pydantic
    look for plugins in every installed package; make those with ``model_construct()`` instead."""
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"
