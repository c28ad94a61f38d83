"""Slack's limits hold for any answer: 50 blocks a message, 3,000 characters a section, 150 a header, 2,000
a button value; longer detail goes into more messages, a thread reply or a file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from bot_harness import Bot, block_action, mention_event, running, unique
from test_bot_slash import CASE_3, texts

from bot.reach import Answered
from bot.render.answer import answer_reply, full_policy, full_route
from bot.render.blocks import FENCE, Message, split_code, split_text
from bot.snapshots import SnapshotHolder
from engine.answer import Fix, Hop, Refusal
from engine.snapshot import load_bundled

PROXY_SIDE = "vpce-0f72123b539de2b50"


def assert_within_limits(messages: list[Message]) -> None:
    for msg in messages:
        assert 0 < len(msg.blocks) <= 50
        assert len(msg.text) <= 3000
        for block in msg.blocks:
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            if block["type"] == "section":
                text = block["text"]["text"]
                assert len(text) <= 3000
                assert text.count(FENCE) % 2 == 0  # every code block closed within its own section
            if block["type"] == "actions":
                assert all(len(e["value"]) <= 2000 for e in block["elements"])
            if block["type"] == "context":
                assert len(block["elements"]) <= 10


def monstrous_answer() -> Answered:
    """120 hops with long notes, a 40 kB statement and 30 fixes with long commands."""
    real = Answered(*_case3())
    a = real.answer
    statement = {"Sid": "Huge", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(1000)]}
    hops = [Hop(kind="route-table", id=f"rtb-{i:017x}", region="ap-northeast-3", note="n" * 400) for i in range(120)]
    fixes = [Fix(kind="endpoint_policy", summary=f"fix {i} " + "s" * 300, verified=i % 2 == 0,
                 change={"x": i}, command="aws ec2 modify-vpc-endpoint " + "p" * 5000, rank=i) for i in range(30)]
    huge = a.model_copy(update={
        "question": a.question + " " + "q" * 300, "hops": hops, "fixes": fixes,
        "blocked_by": Refusal(code="BUCKET_POLICY_DENY", resource="app-data", statement=statement, detail="d" * 5000),
    })
    return Answered(huge, real.index)


def _case3():  # noqa: ANN202
    holder = SnapshotHolder("bundled")
    current = holder.current()
    return current.engine.ask(CASE_3), current.index


def test_a_monstrous_answer_is_split_into_messages_within_every_limit():
    answered = monstrous_answer()
    for rendered in (answer_reply(answered, ephemeral=True), full_route(answered), full_policy(answered)):
        assert_within_limits(rendered.messages)
    reply = answer_reply(answered, ephemeral=True)
    assert len(reply.messages) > 1
    assert reply.messages[0].blocks[-1]["type"] == "actions"  # the buttons stay on the first message
    everything = "\n".join(texts(m.blocks) for m in reply.messages)
    assert "bucket-0999" in everything and "rtb-" + f"{119:017x}" in everything  # nothing silently dropped
    assert "bucket-0999" in reply.plain


def test_the_question_is_left_off_a_button_that_could_not_carry_it():
    """A question longer than a button value allows gets no buttons rather than a broken one."""
    answered = Answered(*_case3())
    long = answered.answer.model_copy(update={"question": "why " + "x" * 2100})
    blocks = answer_reply(Answered(long, answered.index), ephemeral=True).messages[0].blocks
    assert not [b for b in blocks if b["type"] == "actions"]


def test_split_text_and_code_keep_every_character_and_fence():
    text = "\n".join(f"line {i} " + "w" * (i % 700) for i in range(400))
    chunks = split_text(text)
    assert all(len(c) <= 3000 for c in chunks) and "\n".join(chunks) == text
    code = split_code('{"a": "```"}\n' + text, "*title*")
    assert all(len(c) <= 3000 and c.count(FENCE) == 2 for c in code) and code[0].startswith("*title*\n```")


@pytest.fixture(scope="module")
def big_policy_bot(fake, tmp_path_factory) -> Iterator[Bot]:
    """A snapshot whose proxy-side endpoint policy lists 600 buckets (real estates grow like that)."""
    snap = json.loads(load_bundled().model_dump_json(by_alias=True, exclude_defaults=True))
    for ep in snap["VpcEndpoints"]:
        if ep["VpcEndpointId"] == PROXY_SIDE:
            policy = json.loads(ep["PolicyDocument"])
            policy["Statement"][0]["Resource"] += [f"arn:aws:s3:::team-{i:04d}-artifacts/*" for i in range(600)]
            ep["PolicyDocument"] = json.dumps(policy)
    path = tmp_path_factory.mktemp("big") / "snapshot.json"
    path.write_text(json.dumps(snap))
    with running(fake, snapshot=str(path)) as bot:
        yield bot


def test_long_full_policy_in_a_thread_goes_to_a_file_in_that_thread(big_policy_bot: Bot, channel):
    bot = big_policy_bot
    bot.interaction(block_action("reach_show_full_policy", json.dumps({"q": CASE_3}), channel,
                                 bot.fake.response_url(), ephemeral=False, message_ts="1700003000.000100"))
    head = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    assert head["thread_ts"] == "1700003000.000100"
    assert "The full text is in the file below" in texts(head["blocks"])
    assert_within_limits([Message(head["text"], head["blocks"])])
    done = bot.fake.wait_for("files.completeUploadExternal",
                             where=lambda c: c.params.get("channel_id") == channel)[0].params
    assert done["thread_ts"] == "1700003000.000100"
    uploads = [c.params["content"] for c in bot.fake.of("upload")]
    assert any("team-0599-artifacts" in u and '"Sid": "AllowOnlySharedServicesBuckets"' in u for u in uploads)


def test_long_full_policy_under_an_ephemeral_answer_comes_in_several_messages_within_limits(big_policy_bot: Bot,
                                                                                            channel):
    bot = big_policy_bot
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_show_full_policy", json.dumps({"q": CASE_3}), channel, url))
    path = url.split(bot.fake.base, 1)[1]
    calls = bot.fake.wait_for("response_url", where=lambda c: c.path == path)
    messages = [Message(c.params["text"], c.params["blocks"]) for c in calls]
    assert_within_limits(messages)
    assert "team-0599-artifacts" in "\n".join(texts(m.blocks) for m in messages)


def test_long_answer_to_a_mention_stays_readable_in_the_thread(big_policy_bot: Bot, channel):
    """The fixes quote the whole 600-bucket endpoint policy: the thread gets the head and a file."""
    bot = big_policy_bot
    bot.send_json(mention_event(f"<@UREACHBOT> {CASE_3}", channel, "1700003100.000100", unique("Ev")))
    head = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    assert head["thread_ts"] == "1700003100.000100" and head["metadata"]["event_type"] == "reachbot_answer"
    assert_within_limits([Message(head["text"], head["blocks"])])
    assert any(b["type"] == "actions" for b in head["blocks"])
    assert PROXY_SIDE in texts(head["blocks"])
