"""The command line as users and scripts meet it: answers, JSON shape, and bad input → exit 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_prints_route_refusal_and_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "why can web-osaka-a not reach bucket app-data", "--snapshot", "bundled")
    assert code == 0
    assert "BLOCKED: ENDPOINT_POLICY_DENY" in out and "Route:" in out and "Snapshot: bundled:article-estate" in out


def test_ask_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "web-tokyo-a -> s3://app-data-tokyo/reports/x.csv", "--json")
    data = json.loads(out)
    assert code == 0
    for key in ("question", "verdict", "source", "destination", "hops", "blocked_by", "explanations", "fixes",
                "caveats", "snapshot"):
        assert key in data
    assert data["verdict"] == "reachable"
    assert data["request_context"]["resource"] == "arn:aws:s3:::app-data-tokyo/reports/x.csv"
    assert {"kind", "id", "region", "note"} <= set(data["hops"][0])


def test_demo_json_lists_ten_cases_whose_questions_ask_answers_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--json")
    cases = json.loads(out)
    assert code == 0 and [c["case"] for c in cases] == list(range(1, 11))
    c3 = cases[2]
    code, out, _ = run(capsys, "ask", c3["question"], "--json", "--snapshot", "bundled")
    assert json.loads(out)["hops"] == c3["answer"]["hops"]


def test_batch_json_one_line_per_question_and_bad_lines_do_not_stop_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.txt"
    f.write_text("web-osaka-a -> app-data\nwho -> what\nbatch-tokyo-b -> app-data-tokyo\n")
    code, out, _ = run(capsys, "ask", "--batch", str(f), "--json")
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(lines) == 3
    assert lines[0]["verdict"] == "blocked" and "error" in lines[1] and lines[2]["verdict"] == "reachable"


def test_batch_line_that_is_not_utf8_is_that_lines_error_and_the_run_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """interfaces.md: a bad line gives {"question": …, "error": …} and the run goes on; no traceback."""
    f = tmp_path / "q.txt"
    f.write_bytes(b"web-osaka-a -> app-data\nweb-osaka-a -> \xff\xfeapp\nhttps://u:pw-s3cret@x -> y\n"
                  b"batch-tokyo-b -> app-data-tokyo\n")
    code, out, err = run(capsys, "ask", "--batch", str(f), "--json")
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(lines) == 4 and "Traceback" not in err
    assert "not UTF-8" in lines[1]["error"] and "offset 15" in lines[1]["error"] and "\\xff" in lines[1]["question"]
    assert "pw-s3cret" not in out and lines[3]["verdict"] == "reachable"
    code, out, err = run(capsys, "ask", "--batch", str(f))
    assert code == 0 and "line 2: the line is not UTF-8" in out and "pw-s3cret" not in out + err


@pytest.mark.parametrize("argv, fragment", [
    (["ask", "why can web-osaka-x not reach bucket app-data"], "web-osaka-a"),
    (["ask", "why can web-osaka-a not reach bucket app-dat"], "app-data"),
    (["ask", "web-osaka-a"], "cannot tell source from destination"),
    (["ask", "web-osaka-a -> app-data", "--runtime", "cobol"], "runtime"),
    (["ask", "web-osaka-a -> app-data", "--action", "get everything"], "IAM action"),
    (["ask", "x -> y", "--snapshot", "/nonexistent/snap.json"], "does not exist"),
    (["ask", "web-tokyo-a -> kms.ap-northeast-1.amazonaws.com", "--action", "kms:Decrypt", "--resource",
      "arn:aws:kms:ap-northeast-1:111122223333:key/nope"], "not a kms resource"),
    (["ask", "web-tokyo-a -> kms.ap-northeast-1.amazonaws.com", "--action", "kms:Decrypt", "--resource",
      "arn:aws:kms:eu-west-1:111122223333:alias/app"], "requests for it go to kms.eu-west-1.amazonaws.com"),
    (["ask", "web-tokyo-a -> bucket app-data", "--resource", "arn:aws:kms:eu-west-1:111122223333:alias/app"],
     "not an AWS service host"),
    (["bogus"], "invalid choice"),
])
def test_bad_input_gives_a_specific_message_and_exit_2(
        capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and fragment in err and "Traceback" not in err


def _snapshot_file(tmp_path: Path, text: str) -> str:
    p = tmp_path / "snap.json"
    p.write_text(text)
    return str(p)


def test_malformed_json_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask", "a -> b", "--snapshot", _snapshot_file(tmp_path, "{not json"))
    assert code == 2 and "not valid JSON" in err and "line 1" in err


def test_wrong_schema_version(tmp_path: Path, article, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(article.model_dump_json(by_alias=True))
    data["SchemaVersion"] = 99
    code, _, err = run(capsys, "ask", "a -> b", "--snapshot", _snapshot_file(tmp_path, json.dumps(data)))
    assert code == 2 and "schema version 99" in err


def test_invalid_field_is_named_by_its_path(tmp_path: Path, article, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(article.model_dump_json(by_alias=True))
    data["RouteTables"][0]["Routes"][0]["State"] = "sideways"
    code, _, err = run(capsys, "ask", "a -> b", "--snapshot", _snapshot_file(tmp_path, json.dumps(data)))
    assert code == 2 and "RouteTables[0].Routes[0].State" in err


def test_dangling_route_target_is_refused(tmp_path: Path, article, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(article.model_dump_json(by_alias=True))
    data["RouteTables"][0]["Routes"].append({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0dead0dead0dead0"})
    path = _snapshot_file(tmp_path, json.dumps(data))
    code, _, err = run(capsys, "ask", "web-osaka-a -> app-data", "--snapshot", path)
    assert code == 2 and "igw-0dead0dead0dead0 is not in the snapshot" in err


def test_name_shared_by_two_instances_is_ambiguous(tmp_path: Path, article, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(article.model_dump_json(by_alias=True))
    for inst in data["Instances"]:
        for tag in inst.get("Tags", []):
            if tag["Key"] == "Name" and tag["Value"] == "batch-tokyo-b":
                tag["Value"] = "web-tokyo-a"
    path = _snapshot_file(tmp_path, json.dumps(data))
    code, _, err = run(capsys, "ask", "web-tokyo-a -> app-data", "--snapshot", path)
    assert code == 2 and "names 2 instances" in err


def test_engine_imports_neither_boto3_nor_slack() -> None:
    """engine/ is pure: only engine/collect imports boto3, only bot/ imports Slack (style.md)."""
    root = Path(__file__).resolve().parent.parent / "engine"
    for path in root.rglob("*.py"):
        text = path.read_text()
        lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("import ", "from "))]
        if "collect" not in path.relative_to(root).parts:
            assert not any(ln.split()[1].split(".")[0] in ("boto3", "botocore") for ln in lines), path
        assert not any(ln.split()[1].split(".")[0] in ("slack_bolt", "slack_sdk") for ln in lines), path
    code = ("import sys, engine; from engine.cli.main import main; main(['ask','web-osaka-a -> app-data']);"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('boto3','botocore','slack_bolt','slack_sdk')];"
            "sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                          cwd=str(root.parent))
    assert done.returncode == 0, done.stderr.decode()
