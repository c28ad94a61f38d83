"""``reachbot collect`` as operators run it: against a seeded emulator, then ``reachbot ask`` on the file it wrote;
offline import with an overlay; bad input → exit 2 with an actionable message, no traceback, no file touched.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Engine
from engine.cli.main import main
from engine.collect.seed_demo import PROXY_PASSWORD
from engine.collect.seed_demo import main as seed_demo_main
from engine.errors import SnapshotError
from engine.estates import CASES, OSAKA, TOKYO
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_collect_then_ask_answers_the_ten_cases_from_the_written_file(
        emulator: Emulator, article_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's "done when": seed the estate into the caller's account (seed_demo's default layout), run
    `reachbot collect --endpoint-url URL --region ap-northeast-3 --region ap-northeast-1 --out snap.json`, then
    `reachbot ask … --snapshot snap.json --json` gives each case's verdict, route and refusing resource code."""
    assert seed_demo_main(["--endpoint-url", emulator.url, "--bucket-suffix=-solo"]) == 0
    assert f"reachbot collect --endpoint-url {emulator.url} --region {OSAKA}" in capsys.readouterr().err
    snap = tmp_path / "snap.json"
    code, out, err = _run(capsys, "collect", "--endpoint-url", emulator.url, "--region", OSAKA, "--region", TOKYO,
                          "--out", str(snap))
    assert code == 0 and out == ""
    assert err.count("\n") == 1 and "API calls" in err and "0 gaps" in err and str(snap) in err
    assert PROXY_PASSWORD not in err and PROXY_PASSWORD not in snap.read_text()
    for n, src, bucket in CASES:
        code, out, _ = _run(capsys, "ask", f"why can {src} not reach bucket {bucket}-solo",
                            "--snapshot", str(snap), "--json", "--no-fixes")
        got = json.loads(out)
        want = article_engine.ask(f"why can {src} not reach bucket {bucket}", fixes=False)
        assert code == 0 and got["verdict"] == want.verdict, n
        assert [h["kind"] for h in got["hops"]] == [h.kind for h in want.hops], n
        assert (got["blocked_by"] or {}).get("code") == (want.blocked_by.code if want.blocked_by else None), n


def test_offline_import_with_an_overlay_changes_only_what_it_names(
        collected: Collected, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--from-dir replays saved API output without credentials; an overlay entry for Name pattern web-osaka-*
    adds the S3 exclusion to NO_PROXY (source overlay:FILE#web-osaka-*), so case 3 goes to the client-side
    endpoint and is reachable, while web-tokyo-a (not matched) keeps its tag values."""
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps({"_comment": "what-if", "web-osaka-*": {
        "NO_PROXY": "localhost,127.0.0.1,169.254.169.254,.corp.internal,.amazonaws.com"}}))
    snap = tmp_path / "offline.json"
    code, _, err = _run(capsys, "collect", "--from-dir", str(collected.raw_dir), "--overlay", str(overlay),
                        "--out", str(snap))
    assert code == 0 and "0 API calls" in err
    data = json.loads(snap.read_text())
    web = next(i for i in data["Instances"] if {"Key": "Name", "Value": "web-osaka-a"} in i["Tags"])
    assert web["ProxyEnvironment"]["NO_PROXY"]["Source"] == f"overlay:{overlay}#web-osaka-*"
    assert web["ProxyEnvironment"]["HTTPS_PROXY"]["Source"] == "user-data"
    code, out, _ = _run(capsys, "ask", "why can web-osaka-a not reach bucket app-data", "--snapshot", str(snap),
                        "--json", "--no-fixes")
    assert json.loads(out)["verdict"] == "reachable"
    tokyo = next(i for i in data["Instances"] if {"Key": "Name", "Value": "web-tokyo-a"} in i["Tags"])
    assert {v["Source"] for v in tokyo["ProxyEnvironment"].values()} == {"tag"}


@pytest.mark.parametrize(("argv", "message"), [
    (["--from-dir", "/nonexistent/reachbot-raw"], "not a readable directory"),
    (["--region", "ap-northeast3", "--from-dir", "."], "not an AWS region name"),
    (["--role-arn", "arn:aws:iam::123:role/x", "--region", OSAKA], "is not an IAM role ARN"),
    (["--max-workers", "0", "--region", OSAKA], "--max-workers must be at least 1"),
    (["--ssm-prefix", "reachbot/proxy", "--region", OSAKA], "must start with '/'"),
    (["--out", "s3://only-a-bucket", "--region", OSAKA], "needs a bucket and an object key"),
])
def test_bad_input_is_exit_2_with_a_message_and_no_file(
        argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad flags or an unusable directory: one-paragraph message on stderr, exit 2, nothing written."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    out = tmp_path / "snap.json"
    extra = ["--endpoint-url", "http://127.0.0.1:9"] + ([] if "--out" in argv else ["--out", str(out)])
    code, _, err = _run(capsys, "collect", *argv, *extra)
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ('["i-0abc"]', "top level must be a JSON object"),
    ('{"web-*": {"HTTPS_PROXYY": "http://p:3128"}}', "is not a proxy setting"),
    ('{"web-*": {"NO_PROXY": ["a", "b"]}}', "must be a string"),
])
def test_bad_overlay_fails_before_any_call_and_keeps_the_existing_snapshot(
        content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The overlay is checked before collecting; the snapshot already at --out is left as it was."""
    overlay, out = tmp_path / "overlay.json", tmp_path / "snap.json"
    overlay.write_text(content)
    out.write_text("previous snapshot")
    code, _, err = _run(capsys, "collect", "--region", OSAKA, "--overlay", str(overlay), "--out", str(out),
                        "--endpoint-url", "http://127.0.0.1:9")
    assert code == 2 and message in err and str(overlay) in err
    assert out.read_text() == "previous snapshot"


def test_no_region_given_and_none_configured(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    code, _, err = _run(capsys, "collect", "--out", str(tmp_path / "s.json"), "--endpoint-url", "http://127.0.0.1:9")
    assert code == 2 and "no region given and none configured" in err and "--region" in err


def test_unreachable_endpoint_is_exit_2_without_traceback(tmp_path: Path) -> None:
    """Nothing answers at --endpoint-url: the caller's identity cannot be read, so nothing can be collected."""
    proc = subprocess.run(
        [sys.executable, "-m", "engine.cli.main", "collect", "--region", OSAKA, "--endpoint-url", "http://127.0.0.1:9",
         "--out", str(tmp_path / "s.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y",
             "AWS_CONFIG_FILE": "/nonexistent", "AWS_MAX_ATTEMPTS": "1", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot reach http://127.0.0.1:9" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "s.json").exists()


def test_s3_store_missing_snapshot_is_a_snapshot_error(emulator: Emulator, collected: Collected,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.collect.store import read_s3

    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    assert json.loads(read_s3(collected.store))["Source"] == "collect"
    from engine.collect.store import s3_version, write_s3

    before = s3_version(collected.store)
    assert before == s3_version(collected.store)
    write_s3(collected.store, read_s3(collected.store) + b" ")
    assert s3_version(collected.store) != before
    with pytest.raises(SnapshotError, match="reachbot collect --out s3://reachbot-snapshots-test/nothing.json"):
        read_s3("s3://reachbot-snapshots-test/nothing.json")
    # REACHBOT_MAX_SNAPSHOT_BYTES is checked on GetObject's ContentLength, before the body is read (issue #12)
    from engine.snapshot import load_from

    monkeypatch.setenv("REACHBOT_MAX_SNAPSHOT_BYTES", "1000")
    with pytest.raises(SnapshotError, match="more than the 1,000 this reachbot reads"):
        load_from(collected.store)
