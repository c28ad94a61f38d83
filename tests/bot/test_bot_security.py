"""Signed requests only; the access map is enforced before tracing and refuses without revealing anything;
unexpected errors reach the user as an error id, their details only the log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from bot_harness import Bot, block_action, running, unique
from test_bot_slash import CASE_3, answer_via_response_url, texts

from bot.access import AccessMap
from bot.reach import Answered, NotPermitted, Reach, Who
from bot.snapshots import SnapshotHolder
from engine.estates import APP_ACCOUNT, NETWORK_ACCOUNT


def test_forged_signature_is_rejected_with_401_and_nothing_is_traced(bot: Bot, channel):
    reply, url = bot.slash(CASE_3, channel, secret="not-the-signing-secret")
    assert reply.status == 401
    time.sleep(0.3)
    assert not [c for c in bot.fake.of("response_url") if bot.fake.base + c.path == url]


def test_stale_request_outside_the_five_minute_window_is_rejected_with_401(bot: Bot, channel):
    """Slack's replay protection: a correctly signed request older than 5 minutes is refused."""
    reply, _ = bot.slash(CASE_3, channel, timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401


def test_request_without_signature_headers_is_rejected_with_401(bot: Bot):
    from bot_harness import post

    assert post(bot.url, "command=%2Freach&text=x", "application/x-www-form-urlencoded").status == 401


@pytest.fixture(scope="module")
def mapped(fake, tmp_path_factory) -> Iterator[Bot]:
    """A second reachbot whose access map lets #net-only ask about the network account only."""
    path = tmp_path_factory.mktemp("access") / "access.json"
    path.write_text(json.dumps({"channels": {"CNETONLY": [NETWORK_ACCOUNT], "*": ["*"]}}))
    with running(fake, access_map=AccessMap.load(str(path))) as bot:
        yield bot


def test_access_map_refusal_reveals_nothing_about_the_account(mapped: Bot):
    """web-osaka-a is in the app account, outside #net-only's map: the refusal is word for word the reply
    to a name that does not exist, and names no account, instance or bucket."""
    _, forbidden = mapped.slash(CASE_3, "CNETONLY")
    _, missing = mapped.slash("why can web-osaka-q not reach bucket app-data", "CNETONLY")
    refused, unknown = answer_via_response_url(mapped, forbidden), answer_via_response_url(mapped, missing)
    assert refused["blocks"] == unknown["blocks"]
    body = texts(refused["blocks"])
    assert "cannot answer that here" in body
    for secret in (APP_ACCOUNT, "app-prod", "web-osaka-a", "vpce-", "i-0", "ap-northeast"):
        assert secret not in body and secret not in refused["text"]


def test_access_map_allows_what_it_covers(mapped: Bot):
    """The proxy itself (case 1) is in the network account, which #net-only may ask about."""
    _, url = mapped.slash("why can squid-proxy-osaka not reach bucket network-shared-proxy-config", "CNETONLY")
    assert "Reachable" in answer_via_response_url(mapped, url)["blocks"][0]["text"]["text"]


def test_access_map_is_checked_before_anything_is_traced(monkeypatch):
    """Refused questions never reach the tracer: no route, policy or account detail is even computed."""
    reach = Reach(SnapshotHolder("bundled"), AccessMap.from_dict({"channels": {"*": [NETWORK_ACCOUNT]}}))
    traced: list[str] = []
    engine = reach.snapshots.current().engine
    monkeypatch.setattr(engine, "trace", lambda q: traced.append(q.text))
    outcome = reach.ask(CASE_3, Who("U1", "C1"))
    assert isinstance(outcome, NotPermitted) and outcome.candidates == [] and traced == []
    allowed = Reach(SnapshotHolder("bundled"), AccessMap.from_dict({"users": {"U1": ["*"]}}))
    assert isinstance(allowed.ask(CASE_3, Who("U1", "C1")), Answered)
    assert isinstance(allowed.ask(CASE_3, Who("U2", "C1")), NotPermitted)  # users listed, no "*": closed


def test_unexpected_error_gives_an_error_id_and_keeps_details_in_the_log(bot: Bot, channel, monkeypatch, caplog):
    """An engine bug must not leave the asker in silence, nor post a traceback (or what it quotes)."""
    def broken(self, text, who, runtime=None, action=None):  # noqa: ANN001, ANN202
        raise RuntimeError("boom: token xoxb-1234-secret in a traceback")

    question = f"why can web-osaka-a not reach bucket {unique('b')}"
    monkeypatch.setattr(Reach, "ask", broken)
    _, url = bot.slash(question, channel)
    answer = answer_via_response_url(bot, url)
    body = texts(answer["blocks"])
    assert "error id `rb-" in body
    error_id = body.split("error id `", 1)[1].split("`", 1)[0]
    assert "boom" not in json.dumps(answer) and "xoxb" not in json.dumps(answer)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])


def test_a_replayed_slash_command_inside_the_window_is_acknowledged_and_answered_once(bot: Bot, channel):
    """A captured /reach (same body, same signature and timestamp) sent again within Slack's 5-minute window
    is still correctly signed; it is acknowledged and not answered a second time."""
    from urllib.parse import urlencode

    from bot_harness import post, sign, slash_command

    url = bot.fake.response_url()
    body = urlencode(slash_command(CASE_3, channel, "U0ASKER", url))
    headers = sign(body)
    replies = [post(bot.url, body, "application/x-www-form-urlencoded", headers) for _ in range(3)]
    assert [r.status for r in replies] == [200, 200, 200]
    answer_via_response_url(bot, url)
    time.sleep(0.5)  # room for a second (wrong) answer
    assert len([c for c in bot.fake.of("response_url") if bot.fake.base + c.path == url]) == 1


def test_a_replayed_shortcut_posts_one_handoff(bot: Bot, channel):
    from urllib.parse import urlencode

    from bot_harness import message_shortcut, post, sign

    ts = "1700008000.000100"
    bot.fake.threads[(channel, ts)] = [{"type": "message", "user": "U1", "ts": ts,
                                        "text": "why can web-osaka-a not reach bucket app-data"}]
    body = urlencode({"payload": json.dumps(message_shortcut(channel, ts, bot.fake.response_url()))})
    headers = sign(body)
    for _ in range(2):
        assert post(bot.url, body, "application/x-www-form-urlencoded", headers).status == 200
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == channel)
    time.sleep(0.5)
    assert len([c for c in bot.fake.of("chat.postMessage") if c.params.get("channel") == channel]) == 1


def test_the_same_question_asked_again_later_is_answered_again(bot: Bot, channel):
    """Only the identical signed request is a replay: asking again (a new timestamp) gets a new answer."""
    _, first = bot.slash(CASE_3, channel, timestamp=int(time.time()) - 2)
    _, second = bot.slash(CASE_3, channel)
    assert answer_via_response_url(bot, first) and answer_via_response_url(bot, second)


# web-osaka-a (app account) written four ways that are not a named resource, and the app account's SSM
# interface endpoint by its ENI's IP. The route ends at the app account's security group either way.
HIDDEN_DESTINATIONS = [
    "10.20.1.11",
    "10.20.1.11:443",
    "ip-10-20-1-11.ap-northeast-3.compute.internal",
    "10.30.1.100",
]


@pytest.mark.parametrize("destination", HIDDEN_DESTINATIONS)
def test_an_answer_naming_another_accounts_resources_is_refused_like_an_unknown_name(mapped: Bot, bot: Bot,
                                                                                      destination):
    """#net-only may ask about the network account only. From the network account's proxy to an address in
    the app account, the question names no app-account resource, but the answer would (its security group,
    account id and name): the reply is word for word the one for a name that does not exist."""
    question = f"why can squid-proxy-osaka not reach {destination}"
    _, open_url = bot.slash(question, unique("C"))
    unrestricted = json.dumps(answer_via_response_url(bot, open_url))
    assert APP_ACCOUNT in unrestricted and "sg-0" in unrestricted  # what the answer would reveal
    _, refused_url = mapped.slash(question, "CNETONLY")
    _, missing_url = mapped.slash("why can web-osaka-q not reach bucket app-data", "CNETONLY")
    refused, missing = answer_via_response_url(mapped, refused_url), answer_via_response_url(mapped, missing_url)
    assert refused["blocks"] == missing["blocks"] and refused["text"] == missing["text"]
    for secret in (APP_ACCOUNT, "app-prod", "sg-0", "web-osaka-a", "vpce-"):
        assert secret not in json.dumps(refused)


@pytest.mark.parametrize("action", ["reach_show_full_route", "reach_show_full_policy", "reach_post_to_channel"])
def test_buttons_re_ask_under_the_access_map_and_reveal_nothing_either(mapped: Bot, action):
    value = json.dumps({"q": f"why can squid-proxy-osaka not reach {HIDDEN_DESTINATIONS[0]}"})
    url = mapped.fake.response_url()
    mapped.interaction(block_action(action, value, "CNETONLY", url))
    reply = json.dumps(answer_via_response_url(mapped, url))
    assert "cannot answer that here" in reply and APP_ACCOUNT not in reply and "sg-0" not in reply


@pytest.mark.parametrize("destination", HIDDEN_DESTINATIONS)
def test_accounts_of_an_answer_include_the_owner_of_every_resource_on_its_route(destination):
    holder = SnapshotHolder("bundled").current()
    answer = holder.engine.ask(f"why can squid-proxy-osaka not reach {destination}")
    assert holder.index.accounts_of_answer(answer) == {NETWORK_ACCOUNT, APP_ACCOUNT}
    inside = holder.engine.ask("why can squid-proxy-osaka not reach bucket network-shared-proxy-config")
    assert holder.index.accounts_of_answer(inside) == {NETWORK_ACCOUNT}


def test_a_named_key_of_another_account_is_refused_before_tracing(monkeypatch):
    """A question naming a KMS key or secret by ARN names its account too: under an access map that covers only
    the network account, a key of the app account is refused before anything is traced, as a bucket of it is."""
    reach = Reach(SnapshotHolder("bundled"), AccessMap.from_dict({"channels": {"*": [NETWORK_ACCOUNT]}}))
    traced: list[str] = []
    monkeypatch.setattr(reach.snapshots.current().engine, "trace", lambda q: traced.append(q.text))
    key = f"arn:aws:kms:ap-northeast-3:{APP_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    outcome = reach.ask(f"why can squid-proxy-osaka not reach {key} for kms:Decrypt", Who("U1", "C1"))
    assert isinstance(outcome, NotPermitted) and traced == []
    own = key.replace(APP_ACCOUNT, NETWORK_ACCOUNT)
    monkeypatch.undo()
    assert isinstance(reach.ask(f"why can squid-proxy-osaka not reach {own} for kms:Decrypt", Who("U1", "C1")),
                      Answered)


def test_the_full_policy_of_a_key_policy_refusal_is_the_key_policy():
    """RESOURCE_POLICY_DENY sits at the resource layer, like BUCKET_POLICY_DENY: the "Full policy" view shows the
    key policy that refused, and the key's account is among the accounts the answer reveals."""
    from bot.index import SnapshotIndex
    from tests.test_walk_service_resources import ACCOUNT, Estate, _allow, _resource_policy

    e = Estate(_allow("kms:Decrypt"))
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:role/admin", "kms:*"))
    engine = e.s.engine()
    answer = engine.ask(f"client -> {key} for kms:Decrypt", fixes=False)
    index = SnapshotIndex(engine)
    (text,) = index.policies("RESOURCE_POLICY_DENY", key)
    assert text.title == f"key policy of {key}" and "role/admin" in text.document
    assert ACCOUNT in index.accounts_of_answer(answer)
