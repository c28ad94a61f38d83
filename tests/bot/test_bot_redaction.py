"""Secrets never leave: planted in questions, in a thread and in a snapshot's proxy URL, they appear in no
request the fake Slack received (text, blocks, metadata, ephemeral replies, files) and in no log record.
Redaction runs once per message, not once per page."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from bot_harness import Bot, block_action, mention_event, message_shortcut, running, unique
from fake_slack import Call

from bot.reach import NotUnderstood
from bot.render import blocks as blocks_module
from bot.render.blocks import split_text
from bot.render.redact import redact
from bot.render.replies import outcome_reply
from engine.snapshot import load_bundled

S3_HOST = "app-data.s3.ap-northeast-3.amazonaws.com"


@pytest.mark.parametrize(("written", "secret", "kept"), [
    ("http://svc:Pa55w0rd@proxy.corp.internal:3128", "Pa55w0rd", "proxy.corp.internal:3128"),
    ("http://svc%40corp:p%2Fw%23d@proxy:3128", "p%2Fw%23d", "@proxy:3128"),  # RFC 3986 percent-encoding
    ("http://svc:p/ss#w@rd@proxy:3128/x", "ss#w", "@proxy:3128/x"),  # unencoded / # @ in the password
    ("https://tok3n@proxy:3128", "tok3n", "@proxy:3128"),
    ("HTTPS_PROXY=svc:Pa/55#w@10.0.0.5:3128", "Pa/55", "@10.0.0.5:3128"),  # no scheme: curl and Python take it
    ("proxy svc:hunter2@proxy.corp:8080 in user data", "hunter2", "@proxy.corp:8080"),
    ("'http://u:pw3@[fd00::1]:3128'", "pw3", "[fd00::1]:3128"),
    ("see <http://u:pw4@host:3128|proxy>", "pw4", "@host:3128"),
])
def test_credentials_in_urls_are_masked_however_they_are_written(written, secret, kept):
    """RFC 3986 §3.2.1 userinfo, and what people type instead (https://everything.curl.dev/usingcurl/proxies/auth)."""
    out = redact(written)
    assert secret not in out and kept in out


@pytest.mark.parametrize("text", [
    "https://medium.com/@author/post",  # an @ in a path is not userinfo
    "arn:aws:sts::444455556666:assumed-role/admin/bob@corp.example",
    "git@github.com:org/repo.git",
    "mail bob@corp.example about it",
    "http://proxy.corp.internal:3128 via vpce-0f72123b539de2b50",
])
def test_urls_and_addresses_without_credentials_are_left_alone(text):
    assert redact(text) == text


def test_a_long_reply_is_redacted_once_not_once_per_page(monkeypatch):
    """A 1 MB question echoed in a reply (8 messages): every character goes through the redactor about once.
    Before, each page re-redacted the whole text for its fallback (a 4 MB reply took 31 s)."""
    seen: list[int] = []

    def counting(text: str) -> str:
        seen.append(len(text))
        return redact(text)

    monkeypatch.setattr(blocks_module, "redact", counting)
    question = "why can web-osaka-a reach x " * 40_000
    reply = outcome_reply(NotUnderstood(question, []))
    assert len(reply.messages) > 5
    assert sum(seen) < 1.2 * len(question)


def test_split_text_cuts_overlong_lines_without_losing_a_character():
    for text in ("x" * 10_000, "y" * 6_000, "a\n" + "z" * 9_001 + "\nb"):
        chunks = split_text(text)
        assert all(0 < len(c) <= 3000 for c in chunks) and "\n".join(chunks).replace("\n", "") == \
            text.replace("\n", "")


def payloads(calls: list[Call]) -> str:
    return "\n".join(json.dumps(c.params, default=str) for c in calls)


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)


QUESTIONS = [
    f"why can web-osaka-a not reach https://admin:Qs3cr3t@{S3_HOST}/x",  # answered: goes into metadata
    f"why can web-osaka-a not reach https://admin:Qs3/cr#3t@{S3_HOST}/x",  # unencoded / and #: refused, masked
    "why can web-osaka-a not reach s3://app-data/x?token=Qs3cr3t",
    "why can web-osaka-q not reach svc:Qs3cr3t@proxy.corp.internal:3128",  # not understood: echoed back
]
PLANTED = ("Qs3", "cr#3t", "Thr3ad", "Pr0xy")


def assert_nothing_leaked(bot: Bot, channel: str, caplog: pytest.LogCaptureFixture) -> None:
    sent = payloads([c for c in bot.fake.calls if channel in json.dumps(c.params, default=str)
                     or c.method in ("upload", "response_url")])
    everything = sent + logged(caplog)
    for secret in PLANTED:
        assert secret not in everything


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_password_typed_in_a_question_leaves_in_no_reply_metadata_or_log_line(bot: Bot, channel, caplog,
                                                                                   question):
    caplog.set_level(logging.DEBUG)
    _, url = bot.slash(question, channel)
    bot.send_json(mention_event(f"<@UREACHBOT> {question}", channel, ts="1700009000.000100", event_id=unique("Ev")))
    ref = json.dumps({"q": question})
    urls = [url, bot.fake.response_url(), bot.fake.response_url()]
    bot.interaction(block_action("reach_post_to_channel", ref, channel, urls[1]))
    bot.interaction(block_action("reach_show_full_route", ref, channel, urls[2]))
    for each in urls:  # each of the three is answered through its response_url, whatever the outcome
        bot.fake.wait_for("response_url", where=lambda c, each=each: bot.fake.base + c.path == each)
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == "1700009000.000100"
                      and c.params.get("channel") == channel)
    if question == QUESTIONS[0]:  # answered: the mention's reply and the posted answer carry the question
        posted = [c for c in bot.fake.of("chat.postMessage") if c.params.get("channel") == channel]
        assert any(c.params.get("metadata", {}).get("event_payload", {}).get("question") for c in posted)
    assert_nothing_leaked(bot, channel, caplog)


def test_a_password_quoted_in_a_thread_stays_out_of_the_handoff(bot: Bot, channel, caplog):
    caplog.set_level(logging.DEBUG)
    ts = "1700009100.000100"
    bot.fake.threads[(channel, ts)] = [
        {"type": "message", "user": "U1", "ts": ts, "text": "web-osaka-a cannot reach app-data"},
        {"type": "message", "user": "U2", "ts": "1700009101.000100",
         "text": "tried export HTTPS_PROXY=http://svc:Thr3ad/x#y@proxy.corp.internal:3128 and restarted"},
        {"type": "message", "user": "U2", "ts": "1700009102.000100",
         "text": "why can web-osaka-a not reach bucket app-data"},
    ]
    url = bot.fake.response_url()
    bot.interaction(message_shortcut(channel, ts, url))
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)
    assert_nothing_leaked(bot, channel, caplog)


RAW_PASSWORD = "svc:Pr0xy/p#w"  # unencoded / and # in the password: masked all the same


@pytest.fixture(scope="module", params=["svc:Pr0xy%2Fpw", RAW_PASSWORD], ids=["rfc3986", "unencoded"])
def proxied(request, fake, tmp_path_factory) -> Iterator[Bot]:
    """web-osaka-a's proxy URLs carry credentials in the snapshot: RFC 3986-encoded, or typed raw."""
    snap = json.loads(load_bundled().model_dump_json(by_alias=True, exclude_defaults=True))
    for inst in snap["Instances"]:
        if any(t.get("Value") == "web-osaka-a" for t in inst.get("Tags", [])):
            for name in ("HTTPS_PROXY", "HTTP_PROXY"):
                value = inst["ProxyEnvironment"][name]
                value["Value"] = value["Value"].replace("http://", f"http://{request.param}@")
    path = tmp_path_factory.mktemp("proxied") / "snapshot.json"
    path.write_text(json.dumps(snap))
    with running(fake, snapshot=str(path)) as bot:
        yield bot


@pytest.mark.parametrize("question", [
    "why can web-osaka-a not reach bucket app-data",
    "why can web-osaka-a not reach http://app-data.s3.ap-northeast-3.amazonaws.com/x",
    "why can web-osaka-a not reach ssm.ap-northeast-3.amazonaws.com",
])
def test_a_proxy_password_in_the_snapshot_leaves_in_no_reply_or_log_line(proxied: Bot, channel, caplog, question):
    caplog.set_level(logging.DEBUG)
    _, url = proxied.slash(question, channel)
    ref = json.dumps({"q": question})
    for action in ("reach_show_full_route", "reach_show_full_policy"):
        proxied.interaction(block_action(action, ref, channel, proxied.fake.response_url(), ephemeral=False,
                                         message_ts="1700009200.000100"))
    path = url.split(proxied.fake.base, 1)[1]
    proxied.fake.wait_for("response_url", where=lambda c: c.path == path)
    proxied.fake.wait_for("chat.postMessage", 2, where=lambda c: c.params.get("channel") == channel)
    assert_nothing_leaked(proxied, channel, caplog)
