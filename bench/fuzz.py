"""A hostile run (issue #12): generated questions and broken snapshots, with the figures the issue asks for.

    python -m bench.fuzz --questions 10000

Questions (a seeded mix of well-formed ones, well-formed ones with hostile tails, punctuation soup, long runs
of spaces and arrows, and random Unicode) are asked of the bundled estate and of a small synthetic estate,
in process (with fixes, as `reachbot ask` does) and once more through `reachbot ask --batch --json` in a
child process, whose stderr must hold no traceback. Reported: questions tried, answers by verdict, bad input
refused, false "reachable" (an answer about a destination that cannot exist: must be 0), tracebacks (must
be 0), the slowest answer. Then broken snapshots, the largest a 200 MB truncated file, are refused by
`reachbot ask` in child processes whose time and peak RSS (``wait4``) are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from engine import Engine, QuestionError, load_bundled
from engine.answer import Answer
from engine.dns import parse_aws_host
from engine.estates.synth import synth_estate
from engine.names import host_name_problem, mask_secrets, reserved_name
from engine.snapshot import dump_snapshot
from engine.topology import Topology

JOINERS = [" -> ", "->", " → ", " => ", " not reach ", " reach ", " can't connect to ", " access ", " can access "]
LEADS = ["", "why can ", "why can't ", "can ", "how come ", "Why can "]
GOOD_TAILS = ["", "?", " as curl", " using go", " as java", " for s3:PutObject", " (s3:PutObject)", " port 22",
              " on port 3128"]
BAD_TAILS = [" now", " (s3:*)", " as cobol", " and", " port 99999", " $(reboot)", " -> x", " please",
             " ; rm -rf /", " `id`", " OR 1=1", " \x00", " 10.0.0.0/8"]
HOSTILE_DESTINATIONS = ["nonexistent.invalid", "db.test", "www.example", "localhost", "a.localhost", "10.0.0.0/8",
                        "a..b", "$(id).x", "-x.com", "x_y.com", "10.0.0.256", "http://[::1/x", "https://x.com:99999/",
                        "https://x.com:abc/", "https://u:p@w@x.com:0/", "ftp://x.com/", "s3://UPPER/k", "x" * 300,
                        "[::1]:443", "8.8.8.8", "www.example.com", "app.internal", "🙂.com", "xn--bcher-kva.example"]
SOUP = " ->:/.[]()?$@#%*_abcsx0123456789\t→"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--questions", type=int, default=10000, help="questions per estate")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--bad-snapshot-mb", type=int, default=200, help="size of the largest broken snapshot")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args(argv)
    estates = {"bundled": Engine(load_bundled(), "bundled"),
               "synth-small": Engine(synth_estate("small", args.seed), "synth-small")}
    figures: dict[str, Any] = {"questions": {}, "snapshots": {}}
    for name, eng in estates.items():
        qs = generate(eng.topology, args.questions, random.Random(f"{args.seed}:{name}"))
        print(f"[{name}] asking {len(qs)} questions…", file=sys.stderr, flush=True)
        figures["questions"][name] = ask_all(eng, qs)
        figures["questions"][name]["cli_batch"] = cli_batch(qs, eng)
    with tempfile.TemporaryDirectory(prefix="reachbot-fuzz-") as tmp:
        figures["snapshots"] = bad_snapshots(Path(tmp), args.bad_snapshot_mb, args.seed)
    print(render(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    bad = sum(f["false_reachable"] + f["tracebacks"] + f["cli_batch"]["tracebacks"]
              for f in figures["questions"].values())
    bad += sum(1 for name, f in figures["snapshots"].items()
               if (f["exit"] != 2 and not name.startswith("(")) or f["traceback"])
    return 1 if bad else 0


# --- questions ---------------------------------------------------------------------------------------------


def generate(topo: Topology, count: int, rng: random.Random) -> list[str]:
    """A seeded mix: 35% well-formed, 30% well-formed with a hostile tail or destination, 35% noise."""
    sources = _sources(topo, rng)
    dests = _destinations(topo, rng)
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        src, dest = rng.choice(sources), rng.choice(dests)
        lead, join = rng.choice(LEADS), rng.choice(JOINERS)
        if roll < 0.35:
            out.append(lead + src + join + dest + rng.choice(GOOD_TAILS))
        elif roll < 0.50:
            out.append(lead + src + join + dest + rng.choice(BAD_TAILS))
        elif roll < 0.65:
            out.append(lead + src + join + rng.choice(HOSTILE_DESTINATIONS) + rng.choice(GOOD_TAILS))
        elif roll < 0.80:
            out.append("".join(rng.choice(SOUP) for _ in range(rng.randint(0, 80))))
        elif roll < 0.90:
            out.append(src + " " * rng.randint(100, 3000) + rng.choice(["->", "reach", "x", "not reach"]) * 2)
        else:
            out.append("".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 60))))
    return out


def _sources(topo: Topology, rng: random.Random) -> list[str]:
    insts = rng.sample(topo.snap.instances, min(40, len(topo.snap.instances)))
    return [x for i in insts for x in (i.instance_id, i.name or i.instance_id, i.private_ip_address)] + ["i-0nope"]


def _destinations(topo: Topology, rng: random.Random) -> list[str]:
    buckets = rng.sample(topo.snap.buckets, min(20, len(topo.snap.buckets)))
    insts = rng.sample(topo.snap.instances, min(20, len(topo.snap.instances)))
    out = [b.name for b in buckets] + [f"s3://{b.name}/k" for b in buckets]
    out += [f"https://{b.name}.s3.{b.region}.amazonaws.com/x" for b in buckets]
    out += [f"{i.name or i.instance_id}:443" for i in insts] + [i.private_ip_address for i in insts]
    out += [f"ssm.{r}.amazonaws.com" for r in sorted({b.region for b in buckets})] + ["www.example.com"]
    return out


def can_exist(topo: Topology, answer: Answer) -> bool:
    """What a ``reachable`` answer may be about: a bucket or instance of the snapshot, an IP, an AWS service
    name, or an RFC 1123 host name that RFC 6761 / 2606 do not reserve (engine/names.py)."""
    dest = answer.destination
    if dest.kind == "s3-bucket":
        return dest.id in topo.buckets
    if dest.kind == "instance":
        return dest.id in topo.instances
    if dest.kind == "ip":
        return True
    if dest.kind == "service":
        return parse_aws_host(dest.id) is not None and host_name_problem(dest.id) is None
    return host_name_problem(dest.id) is None and reserved_name(dest.id) is None


def ask_all(eng: Engine, questions: list[str]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    slowest = (0.0, "")
    times: list[float] = []
    examples: list[str] = []
    for q in questions:
        start = time.perf_counter()
        try:
            answer = eng.ask(q)
        except QuestionError:
            counts["bad_input"] += 1
        except Exception:  # what the run is looking for: anything that would be a traceback
            counts["tracebacks"] += 1
            examples.append(f"{mask_secrets(q)[:120]!r}: {traceback.format_exc(limit=2)[-300:]}")
        else:
            counts[answer.verdict] += 1
            if answer.verdict == "reachable" and not can_exist(eng.topology, answer):
                counts["false_reachable"] += 1
                examples.append(f"false reachable: {answer.question[:120]!r} -> {answer.destination.id!r}")
        took = time.perf_counter() - start
        times.append(took)
        if took > slowest[0]:
            slowest = (took, mask_secrets(" ".join(q.split()))[:80])
    times.sort()
    return {"tried": len(questions), "reachable": counts["reachable"], "blocked": counts["blocked"],
            "unknown": counts["unknown"], "bad_input": counts["bad_input"], "tracebacks": counts["tracebacks"],
            "false_reachable": counts["false_reachable"], "p50_ms": 1000 * times[len(times) // 2],
            "p99_ms": 1000 * times[int(len(times) * 0.99)], "slowest_ms": 1000 * slowest[0],
            "slowest_question": slowest[1], "examples": examples[:5]}


def cli_batch(questions: list[str], eng: Engine) -> dict[str, Any]:
    """The same questions through ``reachbot ask --batch - --json`` (plus a line that is not UTF-8)."""
    lines = [" ".join(q.replace("\x00", " ").split()) for q in questions]
    lines = [x for x in lines if x and not x.startswith("#")]
    payload = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass") + b"web-osaka-a -> \xff\xfe\n"
    with tempfile.TemporaryDirectory(prefix="reachbot-fuzz-") as tmp:
        snap = Path(tmp) / "snap.json"
        snap.write_text(dump_snapshot(eng.topology.snap))
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "engine.cli.main", "ask", "--batch", "-", "--json",
                               "--no-fixes", "--snapshot", str(snap)], input=payload, capture_output=True,
                              timeout=1800, check=False)
    out = proc.stdout.decode("utf-8", "replace").splitlines()
    err = proc.stderr.decode("utf-8", "replace")
    return {"lines": len(lines) + 1, "answered_lines": len(out), "exit": proc.returncode,
            "tracebacks": int("Traceback" in err) + int(proc.returncode != 0), "seconds": time.perf_counter() - start}


# --- broken snapshots --------------------------------------------------------------------------------------


def bad_snapshots(tmp: Path, big_mb: int, seed: int) -> dict[str, dict[str, Any]]:
    """Each broken file refused by a fresh ``reachbot ask``: exit status, seconds, peak RSS of that process."""
    base = dump_snapshot(synth_estate("small", seed)).encode()
    big = _big_snapshot(base, big_mb * 1_000_000)
    # A bad value at the very end needs the whole file validated: a quarter of the size keeps this case's
    # memory (pydantic's objects for every instance) polite on a shared machine.
    medium = _bad_cidr_at_end(_big_snapshot(base, big_mb * 250_000))
    cases: dict[str, tuple[bytes, dict[str, str]]] = {
        "(reference: the bundled estate, answered)": (dump_snapshot(load_bundled()).encode(), {}),
        f"truncated {len(big) // 2_000_000 * 2} MB": (big[: len(big) - 1000], {}),
        f"bad IP at the end of {len(medium) // 1_000_000} MB": (medium, {}),
        f"over a {len(big) // 2_000_000} MB size limit": (big, {"REACHBOT_MAX_SNAPSHOT_BYTES": str(len(big) // 2)}),
        "nested 100k deep": (b'{"TakenAt": "2026-01-01T00:00:00Z", "Vpcs": ' + b"[" * 100_000 + b"]" * 100_000
                             + b"}", {}),
        "invalid UTF-8 in the middle": (base[: len(base) // 2] + b"\xc3\x28" + base[len(base) // 2:], {}),
        "duplicate bucket": (_duplicate_bucket(base), {}),
    }
    del big, medium
    return {name: _refuse(tmp / "bad.json", data, env) for name, (data, env) in cases.items()}


def _big_snapshot(base: bytes, size: int) -> bytes:
    """A snapshot of about ``size`` bytes: the small estate's instances repeated (ids made unique)."""
    data = json.loads(base)
    one = json.dumps(data["Instances"][0])
    copies = max(1, size // len(one))
    body = ",".join(one.replace(data["Instances"][0]["InstanceId"], f"i-{n:017x}") for n in range(copies))
    head = json.dumps({k: v for k, v in data.items() if k != "Instances"})[:-1]
    return f'{head}, "Instances": [{body}]}}'.encode()


def _bad_cidr_at_end(big: bytes) -> bytes:
    at = big.rfind(b'"PrivateIpAddress": "')
    end = big.index(b'"', at + 21)
    return big[: at + 21] + b"10.0.0.300" + big[end:]


def _duplicate_bucket(base: bytes) -> bytes:
    data = json.loads(base)
    data["Buckets"].append({k: v for k, v in data["Buckets"][0].items() if k != "Policy"})
    return json.dumps(data).encode()


# The child reports its own peak RSS (VmHWM, per address space, so reset by exec): wait4's ru_maxrss would
# carry the forking parent's high-water mark across exec on Linux.
_CHILD = """import atexit, re, sys
def _hwm():
    status = open("/proc/self/status").read()
    sys.stderr.write("VmHWM_kB=" + re.search(r"VmHWM:\\s+(\\d+)", status).group(1) + "\\n")
atexit.register(_hwm)
from engine.cli.main import main
raise SystemExit(main(sys.argv[1:]))
"""


def _refuse(path: Path, data: bytes, env: dict[str, str]) -> dict[str, Any]:
    path.write_bytes(data)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "ask", "web-osaka-a -> app-data", "--snapshot", str(path)],
                          capture_output=True, env={**os.environ, **env}, timeout=600, check=False)
    seconds = time.perf_counter() - start
    path.unlink()
    err = proc.stderr.decode("utf-8", "replace")
    hwm = re.search(r"VmHWM_kB=(\d+)", err)
    message = re.sub(r"VmHWM_kB=\d+\n?", "", err).strip()
    return {"file_mb": len(data) / 1e6, "exit": proc.returncode, "seconds": seconds,
            "peak_rss_mib": int(hwm.group(1)) / 1024 if hwm else -1, "traceback": "Traceback" in err,
            "message": message[:160]}


def render(figures: dict[str, Any]) -> str:
    lines = ["questions                   tried  reach  block  unkn.  bad-in  false-reach  traceb.  p50 ms  "
             "p99 ms  slowest ms"]
    for name, f in figures["questions"].items():
        lines.append(f"{name:<24}{f['tried']:>8}{f['reachable']:>7}{f['blocked']:>7}{f['unknown']:>7}"
                     f"{f['bad_input']:>8}{f['false_reachable']:>13}{f['tracebacks']:>9}{f['p50_ms']:>8.2f}"
                     f"{f['p99_ms']:>8.2f}{f['slowest_ms']:>12.1f}")
        lines.append(f"  slowest: {f['slowest_question']!r}")
        b = f["cli_batch"]
        lines.append(f"  reachbot ask --batch: {b['lines']} lines, {b['answered_lines']} JSON lines out, "
                         f"exit {b['exit']}, tracebacks {b['tracebacks']}, {b['seconds']:.1f} s")
        lines.extend(f"  ! {e}" for e in f["examples"])
    lines.append("")
    lines.append("broken snapshot                                   MB     exit  seconds  peak RSS MiB  traceback")
    for name, f in figures["snapshots"].items():
        lines.append(f"{name:<46}{f['file_mb']:>8.1f}{f['exit']:>7}{f['seconds']:>9.2f}{f['peak_rss_mib']:>14.0f}"
                     f"  {'yes' if f['traceback'] else 'no'}")
        lines.append(f"  {f['message']}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
