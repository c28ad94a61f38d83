"""/reach over real HTTP: ack at once, answer to the asker via response_url, buttons under the answer."""

from __future__ import annotations

import json
import time

from bot_harness import Bot, block_action

from engine import load_bundled

CASE_3 = "why can web-osaka-a not reach bucket app-data"


def proxy_side_endpoint() -> str:
    """The S3 gateway endpoint in the proxy's own VPC (article case 3 is bent into it)."""
    snap = load_bundled()
    proxy = next(i for i in snap.instances if i.name == "squid-proxy-osaka")
    return next(e.vpc_endpoint_id for e in snap.vpc_endpoints
                if e.vpc_id == proxy.vpc_id and e.service_name.endswith(".s3"))


def texts(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e.get("text", "") if isinstance(e.get("text"), str) else e["text"]["text"]
                for e in b.get("elements", [])]
    return "\n".join(out)


def answer_via_response_url(bot: Bot, url: str) -> dict:
    path = url.split(bot.fake.base, 1)[1]
    return bot.fake.wait_for("response_url", where=lambda c: c.path == path)[0].params


def test_slash_case3_answers_to_the_asker_with_route_and_the_proxy_side_endpoint_that_refuses(bot: Bot, channel):
    """Article case 3: HTTPS_PROXY sends S3 traffic to the Osaka proxy, whose subnet's S3 gateway endpoint
    (the proxy-side one) refuses by its endpoint policy. The ack is empty and immediate; the answer comes
    ephemerally through response_url with the route, the refusing vpce and a Post to channel button."""
    started = time.monotonic()
    reply, url = bot.slash(CASE_3, channel)
    assert reply.status == 200 and time.monotonic() - started < 3
    answer = answer_via_response_url(bot, url)
    assert answer["response_type"] == "ephemeral"
    body = texts(answer["blocks"])
    vpce = proxy_side_endpoint()
    assert answer["blocks"][0]["type"] == "header" and "Blocked" in answer["blocks"][0]["text"]["text"]
    assert f"*Refused by* `{vpce}`" in body and "ENDPOINT_POLICY_DENY" in body
    assert "network-shared" in body  # who owns the refusing endpoint
    route = body.split("*Route*", 1)[1]
    assert "proxy `i-" in route and f"gateway-endpoint `{vpce}`" in route and "ap-northeast-3" in route
    assert "Request context" in body and "aws:SourceVpce" in body
    assert vpce in answer["text"]  # plain-text fallback
    buttons = {e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons == {"reach_show_full_route", "reach_show_full_policy", "reach_post_to_channel"}


def test_acks_stay_immediate_while_answers_are_stuck_on_a_slow_slack(bot: Bot, channel):
    """Slack wants the ack within 3 s whatever else is going on: answers waiting on a slow Web API (more of
    them than answering threads) must not delay the acks of the next commands."""
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> tuple[float, str]:
        started = time.monotonic()
        reply, url = bot.slash(CASE_3, channel, response_url=bot.fake.response_url(delay=1.5))
        assert reply.status == 200
        return time.monotonic() - started, url

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    assert max(took for took, _ in results) < 1.0
    paths = {url.split(bot.fake.base, 1)[1] for _, url in results}
    bot.fake.wait_for("response_url", count=20, timeout=20, where=lambda c: c.path in paths)


def test_slash_help_is_answered_in_the_ack_with_examples_from_the_loaded_snapshot(bot: Bot, channel):
    """/reach help needs no trace: the ack itself carries it, with real instance and bucket names."""
    reply, _ = bot.slash("help", channel)
    assert reply.status == 200
    payload = reply.json()
    body = texts(payload["blocks"])
    assert payload["response_type"] == "ephemeral"
    assert "/reach why can web-osaka-a not reach bucket app-data" in body
    assert "app-data-tokyo" in body and "bundled:article-estate" in body


def test_slash_unknown_instance_offers_the_closest_names(bot: Bot, channel):
    """An unknown name is bad input, not an error: the reply lists the closest known names."""
    _, url = bot.slash("why can web-osaka-z not reach bucket app-data", channel)
    body = texts(answer_via_response_url(bot, url)["blocks"])
    assert "web-osaka-z" in body and "`web-osaka-a`" in body


def test_post_to_channel_button_posts_the_answer_for_everyone_and_removes_the_ephemeral(bot: Bot, channel):
    """The button re-asks against the current snapshot and posts with message metadata (for handoffs)."""
    value = json.dumps({"q": CASE_3, "r": "python", "a": "s3:GetObject"})
    url = bot.fake.response_url()
    reply = bot.interaction(block_action("reach_post_to_channel", value, channel, url, user="U0POSTER"))
    assert reply.status == 200
    posted = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    assert "thread_ts" not in posted
    assert posted["metadata"]["event_payload"]["question"] == CASE_3
    body = texts(posted["blocks"])
    assert proxy_side_endpoint() in body and "<@U0POSTER>" in body
    assert "reach_post_to_channel" not in json.dumps(posted["blocks"])  # no second "post" in the channel
    assert answer_via_response_url(bot, url)["delete_original"] is True


def test_post_to_channel_where_reachbot_is_not_a_member_asks_to_invite_it(bot: Bot, channel):
    bot.fake.not_in.add(channel)
    value = json.dumps({"q": CASE_3})
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_post_to_channel", value, channel, url))
    assert "/invite @reachbot" in answer_via_response_url(bot, url)["text"]


def test_full_route_button_under_an_ephemeral_answer_shows_every_hop_note_to_the_presser(bot: Bot, channel):
    value = json.dumps({"q": CASE_3})
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_show_full_route", value, channel, url))
    answer = answer_via_response_url(bot, url)
    body = texts(answer["blocks"])
    assert answer["response_type"] == "ephemeral"
    assert "the proxy resolves the name and its subnet's route table decides" in body  # the engine's hop note
    assert body.count("\n*") >= 9  # ten hops


def test_full_policy_button_under_a_channel_answer_replies_in_its_thread(bot: Bot, channel):
    """A button on a message in a channel thread answers in that thread, for everyone in the incident."""
    value = json.dumps({"q": CASE_3})
    url = bot.fake.response_url()
    bot.interaction(block_action("reach_show_full_policy", value, channel, url, ephemeral=False,
                                 message_ts="1700000500.000100", thread_ts="1700000400.000100"))
    posted = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)[0].params
    assert posted["thread_ts"] == "1700000400.000100"
    body = texts(posted["blocks"])
    assert f"endpoint policy of {proxy_side_endpoint()}" in body
    assert '"Sid": "AllowOnlySharedServicesBuckets"' in body and "DenyUnlessFromAppOsakaEndpoint" in body
    assert "*Request context*" in body
