"""/reach diff and the "What changed?" button over real HTTP (issue #13), against a snapshot with a history.

The bot answers from a snapshot file whose history/ holds the run of two days ago, when article case 3 still
worked (web-osaka-a's NO_PROXY excluded S3), and today's run, when it is blocked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from bot_harness import Bot, block_action, running, serve, settings_for
from fake_slack import FakeSlack

from bot.access import AccessMap
from engine import load_bundled
from engine.estates.article import WITH_S3_EXCLUSION
from engine.history import keep_local
from engine.model import Snapshot
from engine.snapshot import write_snapshot_atomically
from tests.scenarios import article_when_case3_worked

CASE_3 = "why can web-osaka-a not reach bucket app-data"


def _worked(snap: Snapshot) -> Snapshot:
    """Two days before: the article estate when case 3 still worked."""
    worked = article_when_case3_worked(snap)
    return worked.model_copy(update={"taken_at": snap.taken_at - timedelta(days=2)})


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory, fake: FakeSlack) -> Iterator[Bot]:
    """reachbot serving a snapshot file collected twice (history/ beside it)."""
    now = load_bundled()
    folder = tmp_path_factory.mktemp("estate")
    current = folder / "snapshot.json"
    for snap in (_worked(now), now):
        keep_local(snap, folder / "history", keep=None, keep_days=None)
    write_snapshot_atomically(now, current)
    with running(fake, snapshot=str(current)) as bot:
        yield bot


def _texts(blocks: list[dict]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if "text" in b and isinstance(b["text"], dict))


def _response(bot: Bot, url: str) -> dict:
    path = url.split(bot.fake.base, 1)[1]
    return bot.fake.wait_for("response_url", where=lambda c: c.path == path)[0].params


def _web_osaka_a() -> str:
    return next(i.instance_id for i in load_bundled().instances if i.name == "web-osaka-a")


def test_slash_diff_lists_the_change_and_the_common_flows_it_flipped(kept: Bot, channel: str) -> None:
    """`/reach diff`: since the kept run before the current one; the flows that flipped with the change that
    explains each, to the asker."""
    reply, url = kept.slash("diff", channel)
    assert reply.status == 200
    answer = _response(kept, url)
    body = _texts(answer["blocks"])
    assert answer["response_type"] == "ephemeral" and answer["blocks"][0]["text"]["text"] == "What changed?"
    assert "can web-osaka-a reach bucket app-data\n    REACHABLE → BLOCKED (ENDPOINT_POLICY_DENY)" in body
    assert f"proxy-setting:{_web_osaka_a()}:NO_PROXY" in body and WITH_S3_EXCLUSION in body


def test_slash_diff_since_a_time_older_than_the_history_names_the_oldest(kept: Bot, channel: str) -> None:
    _, url = kept.slash("diff 2020-01-01", channel)
    text = _texts(_response(kept, url)["blocks"])
    assert "No earlier snapshot to compare with" in text and "the oldest kept one was taken" in text


def test_answers_carry_a_what_changed_button(kept: Bot, channel: str) -> None:
    _, url = kept.slash(CASE_3, channel)
    answer = _response(kept, url)
    buttons = {e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert "reach_what_changed" in buttons


def test_what_changed_button_under_a_channel_answer_posts_the_flip_and_its_cause_in_the_thread(
        kept: Bot, channel: str) -> None:
    """The button re-asks the question over the kept run before the current one and names the change on the
    route that flipped it, with its before and after, in the answer's thread."""
    value = json.dumps({"q": CASE_3})
    kept.interaction(block_action("reach_what_changed", value, channel, kept.fake.response_url(), ephemeral=False,
                                  message_ts="1700000700.000100", thread_ts="1700000600.000100"))
    posted = kept.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    assert posted["thread_ts"] == "1700000600.000100"
    body = _texts(posted["blocks"])
    assert "REACHABLE → BLOCKED (ENDPOINT_POLICY_DENY)   (flipped)" in body
    explained = body.split("explained by", 1)[1]
    assert f"proxy-setting:{_web_osaka_a()}:NO_PROXY" in explained and "flips it on its own" in explained


def test_what_changed_on_the_bundled_estate_says_there_is_no_history(bot: Bot, channel: str) -> None:
    """The bundled estate keeps no history: its answers have no button, and a forged press says so."""
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_what_changed", json.dumps({"q": CASE_3}), channel, url))
    assert "bundled article estate has no history" in _texts(_response(bot, url)["blocks"])


def test_a_forged_button_value_is_bad_input(kept: Bot, channel: str) -> None:
    url = kept.fake.response_url()
    kept.interaction(block_action("reach_what_changed", "{not json", channel, url))
    assert "carries no question" in _texts(_response(kept, url)["blocks"])



def test_under_an_access_map_slash_diff_shows_only_the_accounts_the_channel_may_ask_about(
        tmp_path_factory: pytest.TempPathFactory, fake: FakeSlack, channel: str) -> None:
    """A channel mapped to the network account only sees neither the app account's NO_PROXY change nor the
    app account's flows it flipped (bot.access: the map covers everything an answer would reveal)."""
    now = load_bundled()
    folder = tmp_path_factory.mktemp("mapped-estate")
    for snap in (_worked(now), now):
        keep_local(snap, folder / "history", keep=None, keep_days=None)
    write_snapshot_atomically(now, folder / "snapshot.json")
    server, url = serve(settings_for(fake, snapshot=str(folder / "snapshot.json"),
                                     access_map=AccessMap.from_dict({"channels": {"*": ["111122223333"]}})))
    try:
        mapped = Bot(url, fake)
        _, response = mapped.slash("diff", channel)
        body = _texts(_response(mapped, response)["blocks"])
    finally:
        server.close()
    # Of the 15 common flows, only the proxy's to the network account's own bucket may be asked about here.
    assert "No common flow changed its verdict (1 traced" in body
    assert _web_osaka_a() not in body and "No change: both snapshots hold the same configuration." in body
