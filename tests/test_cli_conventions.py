"""What a newcomer expects of a command line: --version, help on a bare call, documented options with their
defaults, exit statuses scripts can branch on (``ask --exit-code``), one output shape for lists of answers."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli.main import COMMANDS, build_parser, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _parsers(p: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield p.prog, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"reachbot {importlib.metadata.version('reachbot')}"


def test_bare_reachbot_prints_help_on_stdout_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert out.startswith("usage: reachbot") and all(name in out for name in COMMANDS)


def test_every_option_of_every_subcommand_has_help_text() -> None:
    parsers = dict(_parsers(build_parser()))
    assert {f"reachbot {name}" for name in COMMANDS} <= set(parsers)
    missing = [f"{prog} {'/'.join(a.option_strings) or a.dest}" for prog, p in parsers.items() for a in p._actions
               if not isinstance(a, argparse._SubParsersAction) and not (a.help or "").strip()]
    assert missing == []


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "collect", "--help")
    out = " ".join(out.split())  # argparse wraps lines where it likes
    assert code == 0 and "(default: 8)" in out and "(default: /reachbot/proxy)" in out
    assert "(default: None)" not in out and "(default: False)" not in out


@pytest.mark.parametrize("question, status", [
    ("web-osaka-a -> app-data-tokyo", 0),  # article case 5: reachable
    ("web-osaka-a -> app-data", 1),  # case 3: blocked by the proxy-side endpoint policy
    ("web-tokyo-a -> ip-10-9-9-9.ec2.internal", 3),  # an EC2 name of an instance not in the snapshot: unknown
])
def test_ask_exit_code_follows_the_verdict(capsys: pytest.CaptureFixture[str], question: str, status: int) -> None:
    assert run(capsys, "ask", question, "--no-fixes", "--exit-code")[0] == status
    assert run(capsys, "ask", question, "--no-fixes")[0] == 0  # without the flag: answered is success


def test_batch_exit_code_is_the_worst_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["web-osaka-a -> app-data-tokyo", "web-osaka-a -> app-data", "web-tokyo-a -> ip-10-9-9-9.ec2.internal"]
    cases = [(lines[:1], 0), (lines[:2], 1), (lines, 3), ([*lines, "who -> what"], 2)]
    for i, (batch, status) in enumerate(cases):
        f = tmp_path / f"q{i}.txt"
        f.write_text("\n".join(batch) + "\n")
        assert run(capsys, "ask", "--batch", str(f), "--no-fixes", "--exit-code", "--json")[0] == status


def test_exit_code_keeps_2_for_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask", "web-osaka-x -> app-data", "--exit-code")
    assert code == 2 and "web-osaka-a" in err


def test_demo_batch_and_check_print_one_item_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same question reads the same in all three: '? question' and the compact answer."""
    question = "why can web-osaka-a not reach bucket app-data"
    batch = tmp_path / "q.txt"
    batch.write_text(question + "\n")
    _, demo_out, _ = run(capsys, "demo", "--snapshot", "bundled")
    _, batch_out, _ = run(capsys, "ask", "--batch", str(batch))
    assert batch_out.strip() in demo_out
    intents = tmp_path / "i.yaml"
    intents.write_text("- {name: c3, source: web-osaka-a, destination: app-data, expect: reachable}\n")
    _, check_out, _ = run(capsys, "check", str(intents), "--json", "--snapshot", "bundled")
    _, demo_json, _ = run(capsys, "demo", "--json")
    item, case3 = json.loads(check_out)["intents"][0], json.loads(demo_json)[2]
    assert {"question", "answer"} <= set(item) and {"case", "question", "answer"} == set(case3)
    assert item["answer"]["hops"] == case3["answer"]["hops"]


def test_demo_on_a_snapshot_without_the_cases_instances_reports_each_case(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.estates.builder import EstateBuilder
    from engine.snapshot import write_snapshot_atomically

    b = EstateBuilder(source="test:empty")
    b.account("111122223333", "only")
    snap = tmp_path / "s.json"
    write_snapshot_atomically(b.build(), snap)
    code, out, err = run(capsys, "demo", "--snapshot", str(snap), "--json")
    cases = json.loads(out)
    assert code == 0 and len(cases) == 10 and all("no instance" in c["error"] for c in cases)


def test_verbose_logs_reachbots_own_steps_only(
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """Other libraries keep their levels: botocore's DEBUG holds raw API responses (SSM proxy URLs)."""
    before = {name: logging.getLogger(name).getEffectiveLevel() for name in ("", "botocore", "urllib3")}
    try:
        code, _, _ = run(capsys, "ask", "web-osaka-a -> app-data", "--no-fixes", "-v")
        assert code == 0 and "ask: exit status 0 after" in caplog.text
        assert logging.getLogger("engine").level == logging.INFO
        assert {name: logging.getLogger(name).getEffectiveLevel() for name in before} == before
    finally:
        logging.getLogger("engine").setLevel(logging.NOTSET)
        logging.getLogger("bot").setLevel(logging.NOTSET)
