"""Every ``reachbot …`` example in README.md's fenced shell blocks runs as written on the bundled estate.

A newcomer copies the README's commands first; one that fails (an instance id the estate does not hold, a
file the repository does not ship) costs the project that reader. Lines marked ``# needs AWS`` (credentials or
data read from an account) are the only ones skipped. Commands run in-process through ``engine.cli.main``,
from a scratch directory that holds the repository's ``examples/`` and ``docs/``, with
``REACHBOT_SNAPSHOT=bundled`` so a snapshot collected on the machine running the tests cannot change the answers.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from engine.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SKIP_MARK = "# needs AWS"
_FENCE = re.compile(r"^```(\w*)\s*$")
_SHELL = {"sh", "shell", "bash", "console"}


def readme_commands(text: str) -> list[tuple[int, str]]:
    """(line number, command) for each ``reachbot`` command in a shell block, continuation lines joined."""
    found: list[tuple[int, str]] = []
    in_shell, pending, start = False, "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if fence:
            in_shell = not in_shell and fence.group(1) in _SHELL
            continue
        if not in_shell:
            continue
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical, pending = pending + line, ""
        found += [(start, part.strip()) for part in logical.split("&&") if _is_reachbot(part)]
    return found


def _is_reachbot(part: str) -> bool:
    words = part.split()
    return bool(words) and (words[0] == "reachbot" or words[0].endswith("/reachbot"))


COMMANDS = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
RUNNABLE = [(n, c) for n, c in COMMANDS if SKIP_MARK not in c]


def test_the_readme_has_examples_to_run_and_marks_the_aws_ones() -> None:
    assert len(RUNNABLE) >= 10
    assert any(SKIP_MARK in c and " collect " in f" {c} " for _, c in COMMANDS)


@pytest.mark.parametrize("command", [c for _, c in RUNNABLE], ids=[f"README:{n}" for n, _ in RUNNABLE])
def test_readme_example_runs_as_written(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REACHBOT_SNAPSHOT", "bundled")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")  # a copy: an example may write into docs/ (--out)
    argv = shlex.split(command, comments=True)
    code = main(argv[1:])
    out, err = capsys.readouterr()
    # Answered questions exit 0 whatever the verdict; only --exit-code and check report verdicts (1, 3).
    allowed = {0, 1, 3} if "--exit-code" in argv or argv[1] == "check" else {0}
    assert code in allowed, f"{command}\nexit {code}\n{err}"
    assert "Traceback" not in err
    if "--out" in argv:
        written = tmp_path / argv[argv.index("--out") + 1]
        assert written.is_file() and written.stat().st_size > 0, command
    else:
        assert out, command


def test_the_ci_example_is_valid_yaml_whose_reachbot_steps_parse() -> None:
    """The GitHub Actions snippet cannot run here (its snapshot is the reader's), but it must be a workflow
    whose ``reachbot`` steps use flags that exist: a CI example that fails on a typo teaches nothing."""
    import yaml

    from engine.cli.main import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```yaml\n(# \.github/workflows/.*?)^```", text, re.M | re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]
    checks = [shlex.split(s) for s in steps if s.startswith("reachbot ")]
    assert checks and all(argv[1] == "check" for argv in checks)
    for argv in checks:
        args = build_parser(argv[1]).parse_args(argv[1:])
        assert args.snapshot and args.junit
