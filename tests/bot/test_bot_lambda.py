"""bot.lambda_handler behind API Gateway: the ack returns in the response, the answer comes from a lazy
listener that bolt runs in an asynchronous self-invocation (here: the fake's Lambda Invoke endpoint, which
calls the handler back with the event it was given)."""

from __future__ import annotations

import base64
import time
from types import SimpleNamespace
from urllib.parse import unquote, urlencode

import pytest
from bot_harness import BOT_TOKEN, SECRET, sign, slash_command
from fake_slack import FakeSlack
from test_bot_slash import CASE_3, proxy_side_endpoint, texts

from bot import lambda_handler

ARN = "arn:aws:lambda:ap-northeast-1:123456789012:function:reachbot-bot"
CONTEXT = SimpleNamespace(function_name="reachbot-bot", invoked_function_arn=ARN, aws_request_id="req-1")


@pytest.fixture
def lambda_env(fake: FakeSlack, monkeypatch):
    for key, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "REACHBOT_SNAPSHOT": "bundled", "AWS_ENDPOINT_URL_LAMBDA": fake.base, "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    lambda_handler._handler.cache_clear()
    fake.on_invoke = lambda event: lambda_handler.handler(event, CONTEXT)
    yield
    fake.on_invoke = None
    lambda_handler._handler.cache_clear()


def event_body(event: dict) -> str:
    body = event.get("body") or ""
    return base64.b64decode(body).decode() if event.get("isBase64Encoded") else body


def http_api_event(body: str) -> dict:
    """API Gateway HTTP API (payload format 2.0), as deploy/sam/template.yaml wires it: form bodies arrive
    base64-encoded, header names lower-case."""
    headers = {k.lower(): v for k, v in sign(body).items()}
    headers["content-type"] = "application/x-www-form-urlencoded"
    return {
        "version": "2.0", "routeKey": "POST /slack/events", "rawPath": "/slack/events", "rawQueryString": "",
        "headers": headers, "isBase64Encoded": True, "body": base64.b64encode(body.encode()).decode(),
        "requestContext": {"http": {"method": "POST", "path": "/slack/events"}, "requestId": "r1"},
    }


def rest_api_event(body: str) -> dict:
    """API Gateway REST API (payload format 1.0)."""
    return {
        "resource": "/slack/events", "path": "/slack/events", "httpMethod": "POST",
        "headers": {**sign(body), "Content-Type": "application/x-www-form-urlencoded"},
        "multiValueHeaders": {}, "queryStringParameters": None, "isBase64Encoded": False, "body": body,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/slack/events", "requestId": "r2"},
    }


@pytest.mark.parametrize("make_event", [http_api_event, rest_api_event], ids=["http-api", "rest-api"])
def test_lambda_acks_in_the_response_and_answers_from_the_lazy_self_invocation(fake, lambda_env, make_event,
                                                                                 channel):
    url = fake.response_url()
    body = urlencode(slash_command(CASE_3, channel, "U0ASKER", url))
    started = time.monotonic()
    response = lambda_handler.handler(make_event(body), CONTEXT)
    assert response["statusCode"] == 200 and time.monotonic() - started < 3
    invoke = fake.wait_for("lambda.invoke", where=lambda c: url in unquote(event_body(c.params)))[0]
    assert invoke.params["_function"] == ARN
    assert invoke.params["headers"]["x-slack-bolt-lazy-only"] == "1"
    answer = fake.wait_for("response_url", where=lambda c: fake.base + c.path == url)[0].params
    assert proxy_side_endpoint() in texts(answer["blocks"])


def test_lambda_cold_start_acks_without_loading_the_snapshot(fake, lambda_env, monkeypatch, channel, tmp_path):
    """A cold start must ack within 3 s whatever the snapshot's size: it is loaded by the answering
    invocation, which here finds none and says so with an error id."""
    monkeypatch.setenv("REACHBOT_SNAPSHOT", str(tmp_path / "not-collected-yet.json"))
    url = fake.response_url()
    response = lambda_handler.handler(http_api_event(urlencode(slash_command(CASE_3, channel, "U1", url))), CONTEXT)
    assert response["statusCode"] == 200
    answer = fake.wait_for("response_url", where=lambda c: fake.base + c.path == url)[0].params
    assert "snapshot of the network could not be loaded" in answer["text"] and "rb-" in answer["text"]
    assert "not-collected-yet" not in answer["text"]


def test_lambda_rejects_a_forged_request(fake, lambda_env, channel):
    event = http_api_event(urlencode(slash_command(CASE_3, channel, "U0ASKER", fake.response_url())))
    event["headers"]["x-slack-signature"] = "v0=" + "0" * 64
    assert lambda_handler.handler(event, CONTEXT)["statusCode"] == 401


def _signed_event(raw: bytes, **changes: object) -> dict:
    event = http_api_event("")
    event["headers"].update({k.lower(): v for k, v in sign(raw).items()})
    event["body"] = base64.b64encode(raw).decode()
    event.update(changes)
    return event


@pytest.mark.parametrize(("event", "status"), [
    (_signed_event(b"[]"), 400),
    (_signed_event(b"payload=not-json"), 400),
    (_signed_event(b"command=%2Freach&text=\xff&response_url=x"), 400),  # not UTF-8
    (_signed_event(b"x", body="%%% not base64"), 400),
    (_signed_event(b"x", isBase64Encoded=None), 401),  # then the body is the text "eA==", whose signature differs
    ({**http_api_event("command=%2Freach&text=x"), "headers": {"x-slack-request-timestamp": "abc",
                                                               "x-slack-signature": "v0=1"}}, 401),
    (_signed_event(b"command=%2Freach&text=x&response_url=y", headers=None), 401),
])
def test_lambda_answers_malformed_events_with_4xx_not_an_exception(fake, lambda_env, event, status, caplog):
    assert lambda_handler.handler(event, CONTEXT)["statusCode"] == status
    assert not [r for r in caplog.records if r.exc_info]


def test_lambda_refuses_bolts_lazy_header_unless_it_is_bolts_own_self_invocation(fake, lambda_env, channel):
    """bolt's self-invocation sets a top-level ``"method": "NONE"``, which no API Gateway event has."""
    event = http_api_event(urlencode(slash_command(CASE_3, channel, "U0ASKER", fake.response_url())))
    event["headers"]["x-slack-bolt-lazy-only"] = "1"
    assert lambda_handler.handler(event, CONTEXT)["statusCode"] == 400


def test_lambda_answers_a_question_containing_the_word_payload(fake, lambda_env, channel):
    """bolt re-parses the raw body in the self-invocation: bot.bolt_fixes must hold there too."""
    url = fake.response_url()
    body = urlencode(slash_command("why can web-osaka-a not reach bucket payload-archive", channel, "U1", url))
    assert lambda_handler.handler(http_api_event(body), CONTEXT)["statusCode"] == 200
    answer = fake.wait_for("response_url", where=lambda c: fake.base + c.path == url)[0].params
    assert "payload-archive" in texts(answer["blocks"])
