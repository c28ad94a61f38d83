"""One moto server on 127.0.0.1 for the whole test session, with the article's estate seeded once.

The fixtures live here and are imported by each ``tests/test_collect*.py`` module; the server and the seeded
estate are process-wide singletons, so importing the fixture into several modules still starts one server.
moto's server keeps all state in this process, per account: the estate lives in accounts 111122223333
(network) and 444455556666 (app); other tests use accounts of their own so they cannot disturb it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from engine.collect.aws import iam_action
from engine.collect.cli import write
from engine.collect.collector import Collection, CollectOptions, collect
from engine.collect.seed_demo import Seeded, seed
from engine.estates import OSAKA, TOKYO
from tests.collect.recorded import DnsFirewallFake

REGIONS = [OSAKA, TOKYO]
STORE_BUCKET = "reachbot-snapshots-test"
ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/reachbot-test-aws-config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/creds",
    "AWS_EC2_METADATA_DISABLED": "true",
}
UNSET = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL",
         "AWS_ENDPOINT_URL_S3", "MOTO_ACCOUNT_ID", "AWS_CA_BUNDLE")


class Recorder:
    """The operations really made, recorded with botocore's ``before-call`` event on every session."""

    def __init__(self) -> None:
        self.actions: Counter[str] = Counter()
        self._lock = threading.Lock()  # collect calls from several threads

    def __call__(self, session: boto3.Session, via: str) -> None:
        session.events.register("before-call", self._seen)

    def _seen(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.actions[iam_action(model.service_model.signing_name, model.name)] += 1


@dataclass
class Emulator:
    url: str
    server: ThreadedMotoServer
    estate: Seeded
    state: dict[str, Any] = field(default_factory=dict)

    def options(self, *hooks: Any, regions: list[str] | None = None, **extra: Any) -> CollectOptions:
        """Collect the seeded estate (both accounts, through their roles) with test-friendly retries."""
        settings: dict[str, Any] = {
            "regions": regions or REGIONS, "role_arns": self.estate.role_arns, "endpoint_url": self.url,
            "max_attempts": 2, "connect_timeout": 2.0, "read_timeout": 10.0, "session_hooks": tuple(hooks),
            # moto has no request limits; tests of the client-side EC2 limiter turn it on.
            "ec2_rate_share": 0.0,
        }
        settings.update(extra)
        return CollectOptions(**settings)

    def client(self, service: str, region: str = OSAKA) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.url)


_SINGLETON: dict[str, Any] = {}


def start_server() -> tuple[str, ThreadedMotoServer, pytest.MonkeyPatch]:
    """moto's server on a free loopback port, with the test credentials set and the real ones unset; the
    caller stops the server and undoes the patch."""
    patch = pytest.MonkeyPatch()
    for key, value in ENV.items():
        patch.setenv(key, value)
    for key in UNSET:
        patch.delenv(key, raising=False)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}", server, patch


def _start() -> Emulator:
    url, server, patch = start_server()
    emu = Emulator(url, server, seed(url, layout="two-accounts"))
    emu.state["patch"] = patch
    emu.state["dns_firewall"] = _serve_dns_firewall(patch)
    return emu


def _serve_dns_firewall(patch: pytest.MonkeyPatch) -> DnsFirewallFake:
    """moto 5.2 answers DNS Firewall calls with a 500: serve them from a fake with AWS's response shapes
    (the outer seam; see tests/collect/recorded.py), so a collection against the emulator stays complete."""
    from botocore import xform_name
    from moto.route53resolver.responses import Route53ResolverResponse

    fake = DnsFirewallFake()

    def handler(operation: str) -> Any:
        def method(self: Any) -> str:
            return json.dumps(fake.answer(operation, self.current_account, self.region, json.loads(self.body or "{}")))
        return method

    for operation in DnsFirewallFake.OPERATIONS:
        patch.setattr(Route53ResolverResponse, xform_name(operation), handler(operation), raising=False)
    return fake


@pytest.fixture(scope="session", name="emulator")
def emulator_fixture() -> Iterator[Emulator]:
    first = "emulator" not in _SINGLETON
    if first:
        _SINGLETON["emulator"] = _start()
    emu: Emulator = _SINGLETON["emulator"]
    yield emu
    if first:
        emu.server.stop()
        emu.state["patch"].undo()
        _SINGLETON.clear()


@dataclass
class Collected:
    result: Collection
    recorder: Recorder
    raw_dir: Path
    store: str


@pytest.fixture(scope="session", name="collected")
def collected_fixture(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Collected:
    """One full collection of the seeded estate: saved raw, written to the s3:// store, operations recorded."""
    if "collected" not in emulator.state:
        raw = tmp_path_factory.mktemp("raw")
        recorder = Recorder()
        emulator.client("s3").create_bucket(Bucket=STORE_BUCKET,
                                            CreateBucketConfiguration={"LocationConstraint": OSAKA})
        options = emulator.options(recorder, save_raw=str(raw))
        result = collect(options)
        store = f"s3://{STORE_BUCKET}/reachbot/snapshot.json"
        write(result, store, options)
        emulator.state["collected"] = Collected(result, recorder, raw, store)
    return emulator.state["collected"]  # type: ignore[no-any-return]
