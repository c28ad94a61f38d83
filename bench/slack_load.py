"""Load check for the Slack app: N concurrent signed /reach commands; every ack must come within 3 s.

Not a test (timings depend on the machine). Two ways to run it:

    # everything local: a fake Slack Web API and reachbot (waitress) in this process
    PYTHONPATH=. python3 bench/slack_load.py --spawn

    # against a running `reachbot serve --http` (its SLACK_API_URL may be anything that answers auth.test)
    SLACK_SIGNING_SECRET=… PYTHONPATH=. python3 bench/slack_load.py --url http://127.0.0.1:3000/slack/events

Answers go to response URLs on a local sink this script runs, so it also reports how long the answers
took. Prints p50/p99/max for acks and answers; exits 1 if any ack failed or took 3 s or more.

``--hostile`` then measures what issue 12 found slow: how long a 10 MB body takes to be refused (413), how
long the largest admitted signed /reach (a question just under the body cap) takes to be acked and answered,
and how long rendering a reply that echoes a 256 KiB / 4 MiB question takes (redaction once per message).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

ACK_LIMIT = 3.0
QUESTIONS = [
    "why can web-osaka-a not reach bucket app-data",
    "why can web-tokyo-a not reach bucket app-data",
    "batch-osaka-b -> app-data-tokyo",
    "can 10.30.1.31 reach ssm.ap-northeast-1.amazonaws.com",
    "why can squid-proxy-osaka not reach bucket app-data-tokyo",
]


class Sink:
    """Receives response_url POSTs and notes when each arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.verdicts = 0  # answers whose header is a verdict (not an error reply)
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                blocks = json.loads(raw or b"{}").get("blocks") or [{}]
                header = blocks[0].get("text", {}).get("text", "") if blocks[0].get("type") == "header" else ""
                with sink.lock:
                    if self.path not in sink.arrived:
                        sink.arrived[self.path] = time.monotonic()
                        sink.verdicts += any(v in header for v in ("Reachable", "Blocked", "Cannot tell"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops a burst of 50 connections into 1 s SYN retries


def one(url: str, secret: str, n: int, sink_base: str, start: threading.Barrier) -> tuple[int, float, float, str]:
    path = f"/response/load-{n}"
    body = urlencode({
        "command": "/reach", "text": QUESTIONS[n % len(QUESTIONS)], "user_id": f"U{n:05d}",
        "channel_id": "CLOAD", "team_id": "T0TEAM", "response_url": sink_base + path, "trigger_id": f"t{n}",
    })
    start.wait()
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)}
    sent = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body.encode(), headers), timeout=10) as r:
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return status, sent, time.monotonic() - sent, path


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def run(url: str, secret: str, count: int, wait_answers: float) -> int:
    sink = Sink()
    start = threading.Barrier(count)
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(lambda n: one(url, secret, n, sink.base, start), range(count)))
    acks = [r[2] for r in results]
    bad = [r for r in results if r[0] != 200]
    deadline = time.monotonic() + wait_answers
    while time.monotonic() < deadline and len(sink.arrived) < count:
        time.sleep(0.05)
    answers = [sink.arrived[p] - sent for _, sent, _, p in results if p in sink.arrived]
    print(f"{count} concurrent signed /reach commands against {url}")
    print(f"acks:    p50 {statistics.median(acks) * 1000:7.1f} ms   p99 {pct(acks, 99) * 1000:7.1f} ms   "
          f"max {max(acks) * 1000:7.1f} ms   non-200: {len(bad)}   >= {ACK_LIMIT:.0f} s: "
          f"{sum(a >= ACK_LIMIT for a in acks)}")
    if answers:
        print(f"answers: p50 {statistics.median(answers) * 1000:7.1f} ms   p99 {pct(answers, 99) * 1000:7.1f} ms   "
              f"max {max(answers) * 1000:7.1f} ms   received {len(answers)}/{count}, with a verdict {sink.verdicts}")
    else:
        print(f"answers: none received within {wait_answers:.0f} s")
    ok = not bad and max(acks) < ACK_LIMIT
    print("every ack under 3 s: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


def spawn() -> tuple[str, str, object]:
    """A fake Slack and reachbot on loopback, in this process."""
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root), str(root / "tests" / "bot")]
    from fake_slack import FakeSlack  # tests/bot/fake_slack.py

    from bot.app import create_app, drain, gate_for
    from bot.server import make_server
    from bot.settings import Settings

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a burst of 50 queues by design; no warnings
    fake = FakeSlack().__enter__()
    secret = "load-test-signing-secret"
    settings = Settings(bot_token="xoxb-load", signing_secret=secret, api_url=fake.api_url, snapshot="bundled")
    app = create_app(settings)
    server = make_server(app, gate_for(settings), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()

    def stop() -> None:
        server.close()
        drain(app)
        fake.__exit__(None, None, None)

    return f"http://127.0.0.1:{server.effective_port}/slack/events", secret, stop


def hostile(url: str, secret: str, cap: int = 256 * 1024) -> None:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        conn.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {10 * 1024 * 1024}\r\n\r\n".encode() + b"a" * 65536)
        status = conn.recv(64).split(b" ", 2)[1].decode()
    print(f"10 MB body: {status} after {(time.monotonic() - started) * 1000:.1f} ms")
    sink = Sink()
    fields = {"command": "/reach", "user_id": "U1", "channel_id": "CBIG", "team_id": "T0TEAM",
              "response_url": sink.base + "/response/big"}
    room = cap - len(urlencode(fields)) - 10  # the question fills the rest, encoded: spaces become "+"
    body = urlencode({**fields, "text": ("why can web-osaka-a not reach http://u:pw@host a.b.c " * cap)[:room]})
    body = body if len(body) <= cap else urlencode({**fields, "text": "a" * room})
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)}
    sent = time.monotonic()
    with urllib.request.urlopen(urllib.request.Request(url, body.encode(), headers), timeout=30) as r:
        acked, status = time.monotonic() - sent, r.status
    while "/response/big" not in sink.arrived and time.monotonic() - sent < 60:
        time.sleep(0.02)
    answered = sink.arrived.get("/response/big", float("nan")) - sent
    print(f"{len(body) // 1024} KiB signed /reach: {status} acked in {acked * 1000:.1f} ms, answered in "
          f"{answered * 1000:.1f} ms")
    from bot.reach import NotUnderstood
    from bot.render.replies import outcome_reply

    for size in (256 * 1024, 4 * 1024 * 1024):
        started = time.monotonic()
        reply = outcome_reply(NotUnderstood(("x http://u:pw@h a.b " * (size // 20))[:size], []))
        print(f"render + redact a reply echoing {size // 1024} KiB: {(time.monotonic() - started) * 1000:.0f} ms "
              f"({len(reply.messages)} messages)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--url", help="a running reachbot's /slack/events URL")
    p.add_argument("--spawn", action="store_true", help="run a fake Slack and reachbot in this process")
    p.add_argument("--secret", default=os.environ.get("SLACK_SIGNING_SECRET"), help="default: $SLACK_SIGNING_SECRET")
    p.add_argument("-n", "--count", type=int, default=50)
    p.add_argument("--wait-answers", type=float, default=15.0, help="seconds to wait for the answers")
    p.add_argument("--hostile", action="store_true", help="then measure oversized and huge requests (issue 12)")
    args = p.parse_args()
    if args.spawn:
        url, secret, stop = spawn()
        try:
            code = run(url, secret, args.count, args.wait_answers)
            if args.hostile:
                hostile(url, secret)
            return code
        finally:
            stop()  # type: ignore[operator]
    if not args.url or not args.secret:
        p.error("give --spawn, or --url with --secret / $SLACK_SIGNING_SECRET")
    code = run(args.url, args.secret, args.count, args.wait_answers)
    if args.hostile:
        hostile(args.url, args.secret)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
