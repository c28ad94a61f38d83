"""`reachbot serve --http` as an operator runs it: a separate process, configured by the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bot_harness import BOT_TOKEN, SECRET, Bot
from test_bot_slash import CASE_3, answer_via_response_url, proxy_side_endpoint, texts

from engine.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"reachbot serve exited with {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("reachbot serve did not come up")


def test_reachbot_serve_http_answers_a_signed_reach_for_case_3(fake, channel):
    """The issue's "done when": with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL pointing at a
    fake, `reachbot serve --http` answers a signed /reach for article case 3 with the route and the
    proxy-side endpoint that refuses."""
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": fake.api_url, "REACHBOT_SNAPSHOT": "bundled", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine.cli.main", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
        bot = Bot(f"http://127.0.0.1:{port}/slack/events", fake)
        reply, url = bot.slash(CASE_3, channel)
        assert reply.status == 200
        body = texts(answer_via_response_url(bot, url)["blocks"])
        assert f"gateway-endpoint `{proxy_side_endpoint()}`" in body and "proxy `i-" in body
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # reaps it and closes its stderr pipe
    assert proc.returncode == 0  # SIGTERM: stops accepting, sends the answers already acked, exits cleanly


def test_serve_without_signing_secret_exits_2_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    assert main(["serve", "--http"]) == 2
    assert "SLACK_SIGNING_SECRET is not set" in capsys.readouterr().err


@pytest.mark.parametrize(("token", "api", "message"), [
    ("xoxp-not-a-bot-token", None, "SLACK_BOT_TOKEN was refused by Slack (not_authed)"),
    (BOT_TOKEN, "http://127.0.0.1:9/api/", "cannot reach the Slack Web API at http://127.0.0.1:9/api/"),
])
def test_serve_with_a_bad_token_or_api_url_exits_2_with_what_to_fix(fake, monkeypatch, capsys, token, api, message):
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", api or fake.api_url)
    assert main(["serve", "--http", "--snapshot", "bundled"]) == 2
    assert message in capsys.readouterr().err
