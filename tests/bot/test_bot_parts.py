"""The bot's small parts, each on its own: Slack markup, redaction, de-duplication, the access map, settings,
snapshot reloading, and reading a thread."""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources

import pytest

from bot.access import AccessMap
from bot.dedupe import SeenEvents
from bot.handoff import digest
from bot.reach import Reach
from bot.render.redact import redact, redact_tree
from bot.settings import Settings
from bot.slack_text import typed_text
from bot.snapshots import SnapshotHolder
from engine.errors import ReachbotError


def test_slack_markup_is_read_back_as_typed():
    """Slack escapes &, <, > and turns host names into links before the bot sees the text."""
    assert typed_text("<@U1> i-0abc -&gt; <s3://app-data/k>") == "i-0abc -> s3://app-data/k"
    assert typed_text("<@U1|bob> can x reach <http://ssm.ap-northeast-1.amazonaws.com|ssm.ap-northeast-1.amazonaws.com>"
                      ) == "can x reach ssm.ap-northeast-1.amazonaws.com"
    assert typed_text("see <#C123|incident> &amp; <mailto:a@b.c|a@b.c>") == "see #incident & a@b.c"


@pytest.mark.parametrize(("raw", "leaked"), [
    ("HTTPS_PROXY=http://svc:Pa55w0rd@proxy.corp.internal:3128", "Pa55w0rd"),
    ("proxy http://tok3n@proxy:3128 in user data", "tok3n"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("key AKIAIOSFODNN7EXAMPLE was exported", "AKIAIOSFODNN7EXAMPLE"),
    ("PASSWORD='hunter2' in the unit file", "hunter2"),
    ("token xoxb-1234-5678-abcdef", "xoxb-1234"),
])
def test_secrets_from_user_data_and_proxy_urls_are_never_posted(raw, leaked):
    assert leaked not in redact(raw)
    tree = redact_tree({"type": "section", "text": {"type": "mrkdwn", "text": raw}, "action_id": "keep_me"})
    assert leaked not in json.dumps(tree) and tree["action_id"] == "keep_me"


def test_plain_proxy_urls_ids_and_arns_are_left_alone():
    text = ("HTTP proxy http://proxy.corp.internal:3128 (HTTPS_PROXY) via vpce-0f72123b539de2b50 "
            "arn:aws:s3:::app-data/* arn:aws:secretsmanager:ap-northeast-1:444455556666:secret:prod/db-AbCdEf "
            '"aws:SecureTransport": true')
    assert redact(text) == text


def test_seen_events_answers_each_id_once_and_stays_bounded():
    seen = SeenEvents(maxsize=3)
    assert [seen.first_time(i) for i in ("a", "b", "a", "c", "d")] == [True, True, False, True, True]
    assert seen.first_time("b") is True  # evicted: the oldest id beyond the bound is forgotten
    assert seen.first_time(None) and seen.first_time(None)


def test_access_map_sections_and_wildcards():
    m = AccessMap.from_dict({"channels": {"C1": ["111122223333"], "*": ["*"]}, "users": {"U9": ["444455556666"]}})
    assert m.allows(None, "C1", ["111122223333"]) is False  # users present, unlisted user, no "*": closed
    m = AccessMap.from_dict({"channels": {"C1": ["111122223333"], "*": ["*"]}})
    assert m.allows("U1", "C1", ["111122223333", None]) and not m.allows("U1", "C1", ["444455556666"])
    assert m.allows("U1", "C2", ["444455556666"])
    with pytest.raises(ReachbotError, match="REACHBOT_ACCESS_MAP"):
        AccessMap.from_dict({"channels": {"C1": ["not-an-account"]}})


def test_missing_settings_name_the_variable():
    with pytest.raises(ReachbotError, match="SLACK_BOT_TOKEN"):
        Settings.from_env({"SLACK_SIGNING_SECRET": "s"})
    with pytest.raises(ReachbotError, match="SLACK_SIGNING_SECRET"):
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(ReachbotError, match="SLACK_APP_TOKEN"):
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}, socket=True)
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api",
           "REACHBOT_SNAPSHOT": "/x.json"}
    s = Settings.from_env(env, snapshot="/y.json")
    assert s.api_url == "http://127.0.0.1:9/api/" and s.snapshot == "/y.json"


def test_snapshot_file_is_reloaded_when_it_changes_and_kept_when_the_new_one_is_broken(tmp_path):
    """collect writes by atomic rename; the bot notices within its check interval, and a broken file never
    replaces a working snapshot."""
    path = tmp_path / "snapshot.json"
    with resources.as_file(resources.files("engine").joinpath("data/article-estate.json")) as bundled:
        shutil.copy(bundled, path)
    now = [0.0]
    holder = SnapshotHolder(str(path), check_seconds=30, clock=lambda: now[0])
    first = holder.current()
    data = json.loads(path.read_text())
    data["TakenAt"] = "2026-11-20T09:00:00Z"
    path.with_suffix(".tmp").write_text(json.dumps(data))
    os.replace(path.with_suffix(".tmp"), path)
    now[0] = 10
    assert holder.current() is first  # not yet time to look
    now[0] = 31
    second = holder.current()
    assert second is not first and second.engine.snapshot.taken_at.day == 20
    path.write_text("{ not json")
    now[0] = 62
    assert holder.current() is second


def test_thread_digest_finds_questions_attempts_and_our_earlier_answers():
    messages = [
        {"user": "U1", "ts": "1", "text": "uploads to app-data fail from web-osaka-a"},
        {"user": "U2", "ts": "2", "text": "Maybe: `web-osaka-a -&gt; app-data`"},
        {"user": "U3", "ts": "3", "text": "I removed the proxy from the route table? no wait, rolled back"},
        {"bot_id": "BME", "ts": "4", "text": "Blocked",
         "metadata": {"event_type": "reachbot_answer", "event_payload": {"question": "q from bot", "runtime": "curl"}}},
        {"bot_id": "BOTHER", "ts": "5", "text": "why can web-osaka-a not reach bucket app-data"},
    ]
    d = digest(messages, Reach(SnapshotHolder("bundled")).is_question, "UME", "BME")
    assert d.symptom == "uploads to app-data fail from web-osaka-a" and d.symptom_user == "U1"
    assert [(q.text, q.runtime, q.by_reachbot) for q in d.questions] == [
        ("web-osaka-a -> app-data", None, False), ("q from bot", "curl", True)]
    assert [t.user for t in d.tried] == ["U3"] and d.message_count == 5


def test_replays_remember_a_signature_for_its_window_only():
    """A signature is valid five minutes either side of its timestamp; after that the gate calls it stale."""
    from bot.dedupe import Replays

    replays = Replays(window=600, maxsize=2)
    assert replays.first_time("v0=a", 1000, now=1000)
    assert not replays.first_time("v0=a", 1000, now=1500)
    assert replays.first_time("v0=a", 1000, now=1601)  # forgotten once its window closed
    assert replays.first_time("v0=b", 1700, now=1700) and replays.first_time("v0=c", 1700, now=1700)
    assert len(replays._until) == 2  # bounded


def test_log_filter_redacts_formats_once_and_cuts_long_lines():
    """Every line the bot logs is redacted (arguments and tracebacks included) and cut at MAX_MESSAGE."""
    import logging

    from bot import logs

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("bot.test_log_filter")
    logger.propagate = False
    logger.addHandler(Keep())
    logs.install()
    assert logs.FILTER in logger.filters
    logs.install()
    assert logger.filters.count(logs.FILTER) == 1
    try:
        raise ValueError("proxy http://svc:Tr4ceback@proxy:3128 refused")
    except ValueError:
        logger.exception("asked %r", "via HTTPS_PROXY=svc:Arg5/pw@proxy:3128 " + "x" * 5000)
    record = records[-1]
    text = record.getMessage() + (record.exc_text or "")
    assert "Arg5" not in text and "Tr4ceback" not in text and "more characters not logged" in text
    assert len(record.getMessage()) < logs.MAX_MESSAGE + 100
    assert logs.prefix(b"\xff" * 1000).startswith("b'\\xff") and len(logs.prefix(b"a" * 1000)) < 250


def test_body_cap_setting_is_read_and_checked():
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert Settings.from_env(base).max_body_bytes == 256 * 1024
    assert Settings.from_env({**base, "REACHBOT_MAX_BODY_BYTES": "65536"}).max_body_bytes == 65536
    for bad in ("12", "lots", "-5"):
        with pytest.raises(ReachbotError, match="REACHBOT_MAX_BODY_BYTES"):
            Settings.from_env({**base, "REACHBOT_MAX_BODY_BYTES": bad})
