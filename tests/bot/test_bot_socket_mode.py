"""Socket Mode end to end: reachbot's handler (as ``reachbot serve --socket`` builds it) against a local
websocket server speaking Slack's envelope protocol (https://api.slack.com/apis/connections/socket-implement),
with the answers arriving at the fake Slack Web API. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bot_harness import BOT_TOKEN, mention_event, message_shortcut, settings_for, slash_command, unique
from fake_slack import Call, FakeSlack
from fake_socket import Session, SocketModeServer
from test_bot_handoff import ROOT, incident_thread
from test_bot_home import home_opened
from test_bot_slash import CASE_3, proxy_side_endpoint, texts

from bot.app import create_app, drain, web_client
from bot.socket_mode import GuardedSocketModeHandler, socket_handler
from engine.cli.main import main

APP_TOKEN = "xapp-1-A0REACHBOT-1-test"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def socket_server() -> Iterator[SocketModeServer]:
    with SocketModeServer() as server:
        yield server


@contextmanager
def socket_bot(fake: FakeSlack, server: SocketModeServer, **overrides: object) -> Iterator[GuardedSocketModeHandler]:
    """reachbot connected in Socket Mode: no signing secret, an app-level token, the fake's Web API."""
    settings = settings_for(fake, signing_secret=None, app_token=APP_TOKEN, **overrides)
    app = create_app(settings)
    handler = socket_handler(app, APP_TOKEN, web_client(settings, token=APP_TOKEN), settings.max_body_bytes)
    fake.socket_url = server.url
    handler.connect()
    try:
        yield handler
    finally:
        handler.close()
        drain(app)
        fake.socket_url = None


def connections_opened(fake: FakeSlack) -> int:
    return len(fake.of("apps.connections.open"))


def ask_by_mention(fake: FakeSlack, session: Session, channel: str, text: str) -> dict:
    """An app_mention envelope: acknowledged with its envelope_id alone, answered in the asking thread."""
    ts = f"17000{len(fake.calls):05d}.000100"
    envelope = session.send_envelope("events_api", mention_event(f"<@UREACHBOT> {text}", channel, ts, unique("Ev")))
    assert session.ack(envelope) == {"envelope_id": envelope}
    posts = fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel
                          and c.params.get("thread_ts") == ts)
    return posts[0].params


def test_socket_mode_answers_a_mention_a_reach_and_the_handoff_shortcut(fake, socket_server, channel):
    """The three surfaces over the websocket: each envelope acknowledged by its envelope_id (``/reach help``
    with the ephemeral help as the ack's payload), each answer delivered through the Web API / response_url."""
    with socket_bot(fake, socket_server):
        session = socket_server.next_session()
        assert session.path.startswith("/link/?ticket=")
        vpce = proxy_side_endpoint()

        answer = ask_by_mention(fake, session, channel, CASE_3)
        assert answer["blocks"][0]["text"]["text"].startswith(":no_entry: Blocked")
        assert vpce in texts(answer["blocks"])

        helped = session.send_envelope("slash_commands", slash_command("help", channel, "U0ASKER",
                                                                       fake.response_url()),
                                       accepts_response_payload=True)
        ack = session.ack(helped)
        assert ack["envelope_id"] == helped and ack["payload"]["response_type"] == "ephemeral"
        assert "Examples from this snapshot" in texts(ack["payload"]["blocks"])

        url = fake.response_url()
        asked = session.send_envelope("slash_commands", slash_command(CASE_3, channel, "U0ASKER", url),
                                      accepts_response_payload=True)
        assert session.ack(asked) == {"envelope_id": asked}  # empty ack; the answer follows via response_url
        path = url.split(fake.base, 1)[1]
        reply = fake.wait_for("response_url", where=lambda c: c.path == path)[0].params
        assert reply["response_type"] == "ephemeral" and f"*Refused by* `{vpce}`" in texts(reply["blocks"])

        fake.threads[(channel, ROOT)] = incident_thread(channel)
        shortcut = session.send_envelope("interactive", message_shortcut(channel, ROOT, fake.response_url(),
                                                                         thread_ts=ROOT))
        assert session.ack(shortcut) == {"envelope_id": shortcut}
        handoff = fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel
                                and c.params.get("thread_ts") == ROOT)[0].params
        assert "Handoff summary" in texts(handoff["blocks"])


def test_socket_mode_reconnects_after_refresh_warning_and_a_server_side_close(fake, socket_server, channel):
    """Slack refreshes sockets: a ``disconnect`` (``refresh_requested``, or ``warning`` before it closes the
    socket) or a plain close must lead to a new ``apps.connections.open`` and a new socket that answers."""
    with socket_bot(fake, socket_server):
        first = socket_server.next_session()
        opened = connections_opened(fake)
        assert "Blocked" in ask_by_mention(fake, first, channel, CASE_3)["text"]

        first.disconnect("refresh_requested")
        second = socket_server.next_session()
        assert connections_opened(fake) == opened + 1 and second.path != first.path
        assert first.closed.wait(10)  # the app leaves the old socket once the new one is open
        assert "Blocked" in ask_by_mention(fake, second, channel, CASE_3)["text"]

        second.disconnect("warning")
        second.close()
        third = socket_server.next_session()
        assert connections_opened(fake) == opened + 2
        assert "Reachable" in ask_by_mention(fake, third, channel, "batch-osaka-b -> app-data")["text"]

        third.close()  # no notice at all: the socket just goes
        # Noticed by slack_sdk's session monitor, which looks every ping_interval (10 s): hence the longer wait.
        fourth = socket_server.next_session(timeout=40)
        assert connections_opened(fake) == opened + 3
        assert "Blocked" in ask_by_mention(fake, fourth, channel, CASE_3)["text"]


def test_socket_mode_answers_a_repeated_envelope_once_and_still_acknowledges_it(fake, socket_server, channel):
    """Without the HTTP gate's replay check, the same envelope_id must still be answered once: acknowledged
    again (so Slack stops sending it), not dispatched again."""
    with socket_bot(fake, socket_server):
        session = socket_server.next_session()
        url = fake.response_url()
        payload = slash_command(CASE_3, channel, "U0ASKER", url)
        envelope = session.send_envelope("slash_commands", payload, accepts_response_payload=True)
        session.send_envelope("slash_commands", payload, accepts_response_payload=True, envelope_id=envelope)
        path = url.split(fake.base, 1)[1]
        fake.wait_for("response_url", where=lambda c: c.path == path)
        session.ack(envelope)
        session.wait_acks(envelope, 2)
        marker = ask_by_mention(fake, session, channel, CASE_3)  # everything sent before it has been handled
        assert marker and len([c for c in fake.of("response_url") if c.path == path]) == 1


def test_socket_mode_answers_an_events_api_retry_of_an_answered_event_once(fake, socket_server, channel):
    """Slack resends an event (``retry_attempt`` 1, ``retry_reason``) it believes unacknowledged; over the
    socket as over HTTP, the same event_id is answered once."""
    with socket_bot(fake, socket_server):
        session = socket_server.next_session()
        event = mention_event(f"<@UREACHBOT> {CASE_3}", channel, "1700004000.000100", unique("Ev"))
        first = session.send_envelope("events_api", event)
        retry = session.send_envelope("events_api", event, retry_attempt=1)
        assert session.ack(first) == {"envelope_id": first} and session.ack(retry) == {"envelope_id": retry}

        def in_thread(c: Call) -> bool:  # the fake Slack is shared: another test may use the same ts elsewhere
            return bool(c.params.get("thread_ts") == "1700004000.000100" and c.params.get("channel") == channel)

        fake.wait_for("chat.postMessage", where=in_thread)
        ask_by_mention(fake, session, channel, CASE_3)  # a marker: sent once both were acknowledged
        assert len([c for c in fake.of("chat.postMessage") if in_thread(c)]) == 1

def test_socket_mode_drops_oversized_and_malformed_envelopes_after_acknowledging_them(fake, socket_server, channel):
    """The gate's size cap and shape check hold on the socket too: too large or not a request reachbot
    handles is acknowledged and never reaches the listeners (no answer, no traceback)."""
    with socket_bot(fake, socket_server, max_body_bytes=2048):
        session = socket_server.next_session()
        url = fake.response_url()
        big = slash_command(CASE_3 + " " + "x" * 4096, channel, "U0ASKER", url)
        bad = {"type": "event_callback", "event": {"type": "app_mention", "channel": 5, "ts": []}}
        for kind, payload in (("slash_commands", big), ("events_api", bad)):
            envelope = session.send_envelope(kind, payload)
            assert session.ack(envelope) == {"envelope_id": envelope}
        marker = ask_by_mention(fake, session, channel, CASE_3)
        assert marker and not [c for c in fake.of("response_url") if url.endswith(c.path)]
        assert len([c for c in fake.of("chat.postMessage") if c.params.get("channel") == channel]) == 1



def test_socket_mode_publishes_the_home_tab_with_the_question_asked_over_the_socket(fake, socket_server, channel):
    """app_home_opened arrives as an events_api envelope like any event: acknowledged, then views.publish."""
    with socket_bot(fake, socket_server):
        session = socket_server.next_session()
        user = unique("U")
        url = fake.response_url()
        asked = session.send_envelope("slash_commands", slash_command(CASE_3, channel, user, url),
                                      accepts_response_payload=True)
        session.ack(asked)
        fake.wait_for("response_url", where=lambda c: url.endswith(c.path))
        opened = session.send_envelope("events_api", home_opened(user))
        assert session.ack(opened) == {"envelope_id": opened}
        view = fake.wait_for("views.publish", where=lambda c: c.params.get("user_id") == user)[0].params["view"]
        body = texts(view["blocks"])
        assert f":no_entry: Blocked `{CASE_3}`" in body and f"refused by `{proxy_side_endpoint()}`" in body

def test_reachbot_serve_socket_answers_over_the_websocket_and_stops_cleanly_on_sigterm(fake, socket_server, channel):
    """`reachbot serve --socket` as an operator runs it (a process configured by the environment, no signing
    secret, no listening port): it opens the socket, answers a mention, and exits 0 on SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REACHBOT_"))}
    env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": fake.api_url,
            "REACHBOT_SNAPSHOT": "bundled", "PYTHONPATH": str(REPO)}
    fake.socket_url = socket_server.url
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli.main", "serve", "--socket"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        session = socket_server.next_session(timeout=60)
        assert "Blocked" in ask_by_mention(fake, session, channel, CASE_3)["text"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
        fake.socket_url = None
    assert proc.returncode == 0, err[-2000:]


@pytest.mark.parametrize(("token", "error"), [("xoxb-not-an-app-token", "not_allowed_token_type"),
                                              (APP_TOKEN, "invalid_auth")])
def test_serve_socket_with_a_refused_app_token_exits_2_saying_what_to_fix(fake, monkeypatch, capsys, token, error):
    """apps.connections.open refuses a bot token, or an app token Slack does not know (here: no Socket Mode
    server behind the fake): exit status 2 with the error and what token is needed, no traceback."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", token)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    assert main(["serve", "--socket", "--snapshot", "bundled"]) == 2
    err = capsys.readouterr().err
    assert f"SLACK_APP_TOKEN was refused by Slack's apps.connections.open ({error})" in err
    assert "connections:write" in err and "Traceback" not in err
