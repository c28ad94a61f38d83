"""The answer's route as a PNG in its thread (Slack's files upload v2: files.getUploadURLExternal, a POST of the
bytes to the returned URL, files.completeUploadExternal with the thread). A picture that cannot be uploaded
costs only itself: the text answer is already in the thread."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from bot_harness import Bot, mention_event, running, unique
from fake_slack import FakeSlack

from bot.listeners._shared import Services, picture_of
from bot.picture import route_picture
from bot.reach import Answered, NotUnderstood
from bot.settings import Settings
from engine import Engine, ReachbotError, load_bundled

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CASE3 = "<@UREACHBOT> why can web-osaka-a not reach bucket app-data"


def _ask(bot: Bot, channel: str, ts: str) -> dict:
    assert bot.send_json(mention_event(CASE3, channel, ts=ts, event_id=unique("Ev"))).status == 200
    return bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params


def test_mention_answer_uploads_the_route_png_into_the_same_thread(bot: Bot, channel: str) -> None:
    reply = _ask(bot, channel, "1700007000.000100")
    assert reply["thread_ts"] == "1700007000.000100"
    done = bot.fake.wait_for("files.completeUploadExternal",
                             where=lambda c: c.params.get("channel_id") == channel)[0]
    assert done.params["thread_ts"] == "1700007000.000100"
    [file] = done.params["files"]
    assert file["title"].startswith("Route: web-osaka-a to app-data (blocked)")
    [upload] = [c for c in bot.fake.of("upload") if c.params["file_id"] == file["id"]]
    assert upload.params["raw"].startswith(PNG_MAGIC) and len(upload.params["raw"]) > 2000
    text_sent = next(c.at for c in bot.fake.of("chat.postMessage") if c.params.get("channel") == channel)
    assert text_sent <= upload.at  # the answer first, its picture after


@pytest.fixture
def failing_uploads() -> Iterator[Bot]:
    """A Slack whose upload URL answers 500, with its own reachbot (the session's fake stays healthy)."""
    with FakeSlack() as broken:
        broken.fail_uploads = True
        with running(broken) as bot:
            yield bot


def test_failed_picture_upload_keeps_the_text_answer_and_adds_no_error_reply(
        failing_uploads: Bot, channel: str, caplog: pytest.LogCaptureFixture) -> None:
    bot = failing_uploads
    caplog.set_level(logging.WARNING, logger="bot.deliver")
    reply = _ask(bot, channel, "1700007100.000100")
    assert "ENDPOINT_POLICY_DENY" in str(reply["blocks"])
    bot.fake.wait_for("upload")
    deadline = time.monotonic() + 10
    while not any("route picture was not posted" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "the failed upload was never logged"
        time.sleep(0.05)
    assert bot.fake.of("files.completeUploadExternal") == []
    assert len([c for c in bot.fake.of("chat.postMessage") if c.params.get("channel") == channel]) == 1


def test_only_answers_get_a_picture_and_the_switch_turns_them_off() -> None:
    eng = Engine(load_bundled(), "bundled")
    answered = Answered(eng.ask("web-tokyo-a -> app-data-tokyo", fixes=False), None)  # type: ignore[arg-type]
    on = Services(None, None)  # type: ignore[arg-type]
    off = Services(None, None, pictures=False)  # type: ignore[arg-type]
    draw = picture_of(answered, on)
    assert draw is not None and draw().png.startswith(PNG_MAGIC)
    assert picture_of(answered, off) is None
    assert picture_of(NotUnderstood("no", []), on) is None


def test_picture_title_is_redacted_like_every_message() -> None:
    """An image cannot be redacted after drawing: the answer it is drawn from is redacted first."""
    eng = Engine(load_bundled(), "bundled")
    answer = eng.ask("web-tokyo-a -> app-data-tokyo", fixes=False)
    planted = answer.model_copy(update={"source": answer.source.model_copy(
        update={"name": "svc:Pr0xyPass@proxy.corp.internal:3128"})})
    picture = route_picture(planted)
    assert "Pr0xyPass" not in picture.title and picture.png.startswith(PNG_MAGIC)


def test_route_pictures_setting_reads_on_and_off_and_refuses_other_words() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert Settings.from_env(env).route_pictures is True
    assert Settings.from_env({**env, "REACHBOT_ROUTE_PICTURES": "off"}).route_pictures is False
    with pytest.raises(ReachbotError, match="REACHBOT_ROUTE_PICTURES"):
        Settings.from_env({**env, "REACHBOT_ROUTE_PICTURES": "sometimes"})
