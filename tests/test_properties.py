"""Property-based tests (issue #12): generated questions and snapshots, hostile and careless.

Properties: the question parser raises nothing but QuestionError and never answers ``reachable`` for a
destination the snapshot or the public-DNS grammar (engine/names.py) cannot hold; the snapshot loader raises
nothing but SnapshotError on mutated, truncated or nested JSON. The budget is fixed (``max_examples``) and the
profile derandomized (tests/conftest.py), so the suite stays fast and repeatable; ``python -m bench.fuzz``
runs the longer version.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import can_exist  # the one judge of what a reachable answer may be about
from engine import Engine, QuestionError, SnapshotError
from engine.snapshot import dump_snapshot, parse_snapshot

SOURCES = ["web-osaka-a", "web-tokyo-a", "batch-tokyo-b", "squid-proxy-osaka", "10.30.1.31", "i-0nope"]
DESTINATIONS = ["app-data", "app-data-tokyo", "s3://app-data/k", "https://app-data.s3.ap-northeast-3.amazonaws.com/x",
                "ssm.ap-northeast-1.amazonaws.com", "10.30.1.31", "10.10.0.10:3128", "squid-proxy-osaka:3128",
                "www.example.com", "nonexistent.invalid", "localhost", "10.0.0.0/8", "a..b", "$(id).x",
                "http://[::1/x", "https://x.com:99999/", "https://u:p@w@x.com/", "[::1]:443", "8.8.8.8",
                "arn:aws:kms:ap-northeast-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:secretsmanager:ap-northeast-1:444455556666:secret:db-pass-AbCdEf", "arn:aws:kms:moon:1:key/x",
                "arn:", "arn:aws:s3:::app-data", "kms.ap-northeast-1.amazonaws.com"]
JOINERS = [" -> ", "->", " → ", " => ", " not reach ", " reach ", " can't connect to ", " access ",
           " から ", "から", " は ", "で", "　から　"]  # Japanese particles (engine/question_ja.py)
LEADS = ["", "why can ", "why can't ", "can ", "how come ", "なぜ ", "（なぜ）"]
TAILS = ["", "?", " as curl", " using go", " for s3:PutObject", " (s3:PutObject)", " port 22", " now",
         " (s3:*)", " as cobol", " and", " port 99999", " " * 50, " $(reboot)", " -> x", " for kms:Decrypt",
         " for kms:Decrypt on arn:aws:kms:ap-northeast-1:444455556666:alias/app", " on arn:aws:kms:::",
         " resource arn:aws:secretsmanager:ap-northeast-3:444455556666:secret:x",
         " に届かない", "に接続できないのはなぜ？", " へアクセスできない。", "に書き込めない",
         " ポート ２２ に届かない", "に届かない (s3:PutObject)", " を壊せない", "に届かないよろしく"]
GARBAGE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
WORDY = st.text(alphabet=" ->:/.[]()?$@#%*_abcsx0123456789", max_size=60)


@st.composite
def questions(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 4))
    if shape == 4:  # long runs of spaces, arrows and verbs: the old splitter backtracked on these
        return draw(st.text(alphabet=" \t->reach not", min_size=100, max_size=2500))
    if shape == 0:
        return draw(GARBAGE)
    if shape == 1:
        return draw(WORDY)
    text = (draw(st.sampled_from(LEADS)) + draw(st.sampled_from(SOURCES)) + draw(st.sampled_from(JOINERS))
            + draw(st.sampled_from(DESTINATIONS)) + draw(st.sampled_from(TAILS)))
    if shape == 3:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(GARBAGE) + text[at:]
    return text


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=questions())
def test_the_parser_raises_only_question_errors_and_never_answers_for_what_cannot_exist(
        article_engine: Engine, text: str) -> None:
    """Anything typed: an answer about something that can exist, or one QuestionError (exit 2)."""
    try:
        answer = article_engine.ask(text, fixes=False)
    except QuestionError as exc:
        assert str(exc)
        return
    if answer.verdict == "reachable":
        assert can_exist(article_engine.topology, answer), (text, answer.destination)


def _mutate(data: Any, path: list[Any], value: Any) -> Any:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        out.append((*prefix, key))
        if len(out) < 4000:
            out.extend(_paths(value, (*prefix, key)))
    return out


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["10.0.0.0/33", "300.1.1.1", "", "arn:x", "-1", "0.0.0.0/0", "igw-1", "i-1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def broken_snapshots(draw: st.DrawFn, base: str) -> bytes:
    shape = draw(st.integers(0, 4))
    raw = base.encode()
    if shape == 0:  # truncated, or a slice with junk bytes spliced in
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(max_size=8)) + (raw[at:] if draw(st.booleans()) else b"")
    if shape == 1:  # nested
        depth = draw(st.integers(1, 400))
        return b'{"TakenAt": "2026-01-01T00:00:00Z", "Vpcs": ' + b"[" * depth + b"]" * depth + b"}"
    data = json.loads(base)
    if shape == 4:  # whole resources missing: valid JSON, dangling references (a partial collection)
        lists = [k for k, v in data.items() if isinstance(v, list) and v]
        for _ in range(draw(st.integers(1, 4))):
            field = draw(st.sampled_from(lists))
            if data[field]:
                data[field].pop(draw(st.integers(0, len(data[field]) - 1)))
        return json.dumps(data).encode()
    paths = _paths(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _mutate(data, list(path), draw(JSON_VALUES))
    if shape == 3 and isinstance(data.get("Buckets"), list) and data["Buckets"]:
        data["Buckets"].append(data["Buckets"][draw(st.integers(0, len(data["Buckets"]) - 1))])
    return json.dumps(data).encode()


_BASE: list[str] = []


def _base(article_engine: Engine) -> str:
    if not _BASE:
        _BASE.append(dump_snapshot(article_engine.topology.snap))
    return _BASE[0]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_loader_raises_only_snapshot_errors(article_engine: Engine, data: st.DataObject) -> None:
    """Mutated, truncated, nested or duplicated JSON: a snapshot that answers, or one SnapshotError."""
    text = data.draw(broken_snapshots(_base(article_engine)))
    try:
        snap = parse_snapshot(text, "fuzz.json")
        eng = Engine(snap, "fuzz.json")
        eng.ask("web-osaka-a -> app-data", fixes=False)
    except (SnapshotError, QuestionError):
        return


PROXY_TEXT = st.text(alphabet="htps:/[]@#%.:-01239aeu ", max_size=40) | st.sampled_from(
    ["http://10.9.0.10:3128", "10.9.0.10:3128", "http://u:p/w@10.9.0.10:3128", "http://[::1]:3128"])


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(proxy=PROXY_TEXT, no_proxy=st.text(alphabet=",.*/:[]a-z019 ", max_size=30), java=st.booleans(),
       runtime=st.sampled_from(["python", "curl", "requests", "go", "java", "node"]))
def test_any_proxy_setting_gives_a_verdict(proxy: str, no_proxy: str, java: bool, runtime: str) -> None:
    """Whatever an instance's proxy settings hold, each runtime's answer is a verdict, never a traceback."""
    from tests.scenarios import Small

    s = Small()
    edge, subnet, _ = s.edge_vpc()
    s.proxy(edge, subnet)
    env = ({"https.proxyHost": proxy, "https.proxyPort": "3128", "http.nonProxyHosts": no_proxy} if java else
           {"https_proxy": proxy, "HTTPS_PROXY": proxy, "NO_PROXY": no_proxy, "NODE_USE_ENV_PROXY": "1"})
    s.client(proxy_env={k: v for k, v in env.items() if v})
    answer = s.engine().ask(f"client -> https://data-here.s3.eu-west-1.amazonaws.com/x as {runtime}", fixes=False)
    assert answer.verdict in ("reachable", "blocked", "unknown")
