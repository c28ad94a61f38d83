"""Fault injection at the AWS API seam, with botocore's own event hooks (botocore docs, "Events").

``before-call.<service>.<Operation>`` handlers that return ``(http_response, parsed)`` short-circuit the
call: botocore raises the ClientError that response describes, exactly as for a real 403 (no retry: AWS
does not retry AccessDenied either). ``before-send`` handlers run once per HTTP attempt, inside the retry
loop: returning a throttling response or raising a connection error exercises botocore's adaptive retries.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

Hook = Callable[[boto3.Session, str], None]
_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")


def error(code: str, message: str = "injected by the test", status: int = 403) -> tuple[AWSResponse, dict[str, Any]]:
    parsed = {"Error": {"Code": code, "Message": message},
              "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "fault-injection"}}
    return AWSResponse("https://fault.invalid/", status, {}, None), parsed


def refuse(service_id: str, operation: str, code: str = "AccessDenied", *, via: str | None = None,
           region: str | None = None, when: Callable[[dict[str, Any]], bool] | None = None) -> Hook:
    """Answer ``operation`` with ``code``; only for one session (``via``: the caller or a role ARN), one region,
    or calls whose API parameters satisfy ``when``, when given."""
    def hook(session: boto3.Session, session_via: str) -> None:
        if via is not None and session_via != via:
            return

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["fault_api_params"] = dict(params)  # the caller's parameters, before serialisation

        def handler(context: dict[str, Any], **_: Any) -> Any:
            if region is not None and context.get("client_region") != region:
                return None
            if when is not None and not when(context.get("fault_api_params", {})):
                return None
            return error(code)

        session.events.register(f"provide-client-params.{service_id}.{operation}", keep_params)
        session.events.register(f"before-call.{service_id}.{operation}", handler)
    return hook


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


_THROTTLED = {  # (status, content type, body) of a throttling answer, per protocol
    "ec2": (503, "text/xml", b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
            b"<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors>"
            b"<RequestID>x</RequestID></Response>"),
    "ssm": (400, "application/x-amz-json-1.1", b'{"__type":"ThrottlingException","message":"Rate exceeded"}'),
}


def throttle(service_id: str, operation: str, times: int) -> tuple[Hook, list[int]]:
    """The first ``times`` HTTP attempts of ``operation`` are throttled (EC2's RequestLimitExceeded, SSM's
    ThrottlingException); ``attempts[0]`` counts every attempt."""
    attempts = [0]
    lock = threading.Lock()
    status, content_type, body = _THROTTLED[service_id]

    def hook(session: boto3.Session, via: str) -> None:
        def handler(request: Any, **_: Any) -> Any:
            with lock:
                attempts[0] += 1
                if attempts[0] > times:
                    return None
            return AWSResponse(request.url, status, {"Content-Type": content_type}, _Body(body))

        session.events.register(f"before-send.{service_id}.{operation}", handler)
    return hook, attempts


def unreachable(region: str, services: tuple[str, ...] = ("ec2", "ssm"),
                failure: type[Exception] = EndpointConnectionError) -> tuple[Hook, list[str]]:
    """Every HTTP attempt to ``services`` in ``region`` fails (cannot connect, or times out), as a region that
    does not answer. The region is read from the SigV4 credential scope (one emulator URL serves every region)."""
    seen: list[str] = []

    def hook(session: boto3.Session, via: str) -> None:
        def handler(request: Any, **_: Any) -> Any:
            match = _REGION.search(str(request.headers.get("Authorization", b""), "utf-8")
                                   if isinstance(request.headers.get("Authorization"), bytes)
                                   else str(request.headers.get("Authorization", "")))
            if match and match.group(1) == region:
                seen.append(request.url)
                raise failure(endpoint_url=f"https://{region}.unreachable.invalid", error="injected")
            return None

        for service in services:
            session.events.register(f"before-send.{service}", handler)
    return hook, seen
