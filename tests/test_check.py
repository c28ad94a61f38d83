"""``reachbot check``: connectivity intents over a snapshot, for CI (exit 0 all hold, 1 violated/unknown, 2 bad file).

The intents are answered on the bundled article estate, whose verdicts the article fixes (case 3: web-osaka-a
to app-data is refused by the proxy-side endpoint policy; case 6: batch-osaka-b has no route to Tokyo's S3).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "intents.yaml"

VIOLATED = """\
intents:
  - name: web-osaka-reads-app-data
    source: web-osaka-a
    destination: app-data
    expect: reachable
  - name: batch-osaka-reads-app-data
    source: batch-osaka-b
    destination: app-data
    expect: reachable
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "intents.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_sample_intents_for_the_bundled_estate_all_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(SAMPLE), "--snapshot", "bundled")
    assert code == 0, out + err
    assert "FAIL" not in out and "0 violations" in out


def test_json_has_the_contract_keys_and_a_selector_gives_one_result_per_instance(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(SAMPLE), "--snapshot", "bundled", "--json")
    data = json.loads(out)
    assert code == 0 and data["violations"] == 0
    for item in data["intents"]:
        assert {"name", "source", "destination", "expect", "got", "ok"} <= set(item)
        assert item["answer"]["verdict"] == item["got"]
    by_name: dict[str, list[str]] = {}
    for item in data["intents"]:
        by_name.setdefault(item["name"], []).append(item["instance"])
    # app-tokyo-private-a holds web-tokyo-a and batch-tokyo-b; only the proxy carries Role=forward-proxy.
    assert sorted(by_name["tokyo-private-subnet-cannot-read-osaka-data"]) == ["i-09580519cacfbbae4",
                                                                             "i-0c0d70c0ba4174b4c"]
    assert by_name["proxy-reaches-tokyo-data"] == ["i-0621734026fe7d8b2"]


def test_violation_exits_1_and_text_names_the_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", write(tmp_path, VIOLATED), "--snapshot", "bundled")
    assert code == 1
    assert "FAIL  web-osaka-reads-app-data [web-osaka-a]: expected reachable, got blocked ENDPOINT_POLICY_DENY" in out
    assert "PASS  batch-osaka-reads-app-data" in out and "1 violation," in out


def test_junit_has_one_testcase_per_result_and_the_failure_names_code_and_resource(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.xml"
    code, _, _ = run(capsys, "check", write(tmp_path, VIOLATED), "--snapshot", "bundled", "--junit", str(report))
    root = ET.parse(report).getroot()
    assert code == 1 and root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["web-osaka-reads-app-data [web-osaka-a]",
                                              "batch-osaka-reads-app-data [batch-osaka-b]"]
    failure = cases[0].find("failure")
    assert failure is not None and cases[1].find("failure") is None
    assert failure.get("type") == "ENDPOINT_POLICY_DENY"
    assert "blocked: ENDPOINT_POLICY_DENY at vpce-" in (failure.get("message") or "")
    assert "What refuses it" in (failure.text or "")


def test_expected_code_must_be_the_refusal_that_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """batch-osaka-b → app-data-tokyo is blocked by NO_ROUTE (article case 6), not by an endpoint policy."""
    text = ("- {name: wrong-code, source: batch-osaka-b, destination: app-data-tokyo, expect: blocked,"
            " code: ENDPOINT_POLICY_DENY}\n")
    code, out, _ = run(capsys, "check", write(tmp_path, text), "--snapshot", "bundled")
    assert code == 1 and "expected blocked ENDPOINT_POLICY_DENY, got blocked NO_ROUTE" in out


UNKNOWN = "- {name: ec2-name, source: web-tokyo-a, destination: ip-10-9-9-9.ec2.internal, expect: reachable}\n"


def test_unknown_fails_unless_unknown_ok_and_is_skipped_in_junit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An EC2 private name of an instance the snapshot lacks is unknown (the Amazon resolver may answer it)."""
    path, report = write(tmp_path, UNKNOWN), tmp_path / "r.xml"
    code, out, _ = run(capsys, "check", path, "--snapshot", "bundled")
    assert code == 1 and "got unknown" in out
    code, out, _ = run(capsys, "check", path, "--snapshot", "bundled", "--unknown-ok", "--junit", str(report))
    case = ET.parse(report).getroot().find("testsuite/testcase")
    assert code == 0 and case is not None and case.find("skipped") is not None and case.find("failure") is None


def test_json_intents_file_is_read_and_its_errors_name_the_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps([{"name": "a", "source": "batch-osaka-b", "destination": "app-data", "expect": "reachable"}])
    code, out, _ = run(capsys, "check", write(tmp_path, good, "i.json"), "--snapshot", "bundled", "--json")
    assert code == 0 and json.loads(out)["intents"][0]["ok"] is True
    bad = '[\n  {"name": "a", "source": "batch-osaka-b",\n   "destination": "app-data", "expect": "maybe"}\n]\n'
    code, _, err = run(capsys, "check", write(tmp_path, bad, "j.json"), "--snapshot", "bundled")
    assert code == 2 and "j.json, line 3: expect is 'maybe'" in err
    code, _, err = run(capsys, "check", write(tmp_path, '[{"name": }]', "k.json"), "--snapshot", "bundled")
    assert code == 2 and "line 1, column 11: not valid JSON" in err


ONE = "intents:\n  - name: x\n    source: web-osaka-a\n    destination: app-data\n"


@pytest.mark.parametrize("text, fragment", [
    ("intents:\n  - name: x\n    source: [web\n", "line 4, column 1: not valid YAML"),
    ("", "holds NoneType"),
    ("intents: []\n", "holds no intents"),
    ("just text\n", "holds str"),
    ("- 42\n", "line 1: an intent is a mapping"),
    (ONE, "line 2: the intent has no 'expect'"),
    (ONE + "    expect: reachable\n    destnation: y\n", "line 6: unknown field 'destnation'; "),
    (ONE + "    expect: reachable\n    destnation: y\n", "Did you mean 'destination'?"),
    (ONE + "    expect: blocked-ish\n", "line 5: expect is 'blocked-ish'; use reachable or blocked"),
    (ONE + "    expect: reachable\n    code: NO_ROUTE\n", "line 6: 'code' names the refusal that blocks"),
    (ONE + "    expect: blocked\n    code: NO_ROUT\n", "'NO_ROUT' is not a refusal code. Closest: NO_ROUTE"),
    (ONE + "    expect: blocked\n    runtime: cobol\n", "line 6: unknown client runtime 'cobol'"),
    (ONE + "    expect: blocked\n    name: y\n", "line 6: the field 'name' is given twice"),
    (ONE + "    expect: 1\n", "expect' must be a non-empty string"),
    (ONE + "    expect: blocked\n" + ONE[9:] + "    expect: blocked\n", "the name 'x' is already used at line 2"),
    (ONE.replace("web-osaka-a", "web-osaka-x") + "    expect: blocked\n", "no instance 'web-osaka-x'"),
    (ONE.replace("web-osaka-a", "tag:Role=web") + "    expect: blocked\n",
     "no instance has the tag Role=web in the snapshot, so the intent would check nothing"),
    (ONE.replace("web-osaka-a", "tag:Role") + "    expect: blocked\n", "write tag:Key=Value"),
    (ONE.replace("app-data", "app-dat") + "    expect: blocked\n", "intent 'x': "),
])
def test_bad_intents_file_is_exit_2_with_line_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str) -> None:
    code, out, err = run(capsys, "check", write(tmp_path, text), "--snapshot", "bundled")
    assert code == 2 and fragment in err and "Traceback" not in err and out == ""


def test_missing_intents_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "does not exist" in err


def test_json_and_junit_are_exclusive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(SAMPLE), "--json", "--junit", str(tmp_path / "r.xml"))
    assert code == 2 and "not allowed with argument" in err


def test_junit_report_that_cannot_be_written_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(SAMPLE), "--snapshot", "bundled", "--junit", str(tmp_path / "no" / "r.xml"))
    assert code == 2 and "cannot write the JUnit report" in err and "Traceback" not in err
