"""reachbot's speed at scale (issue #7): one command, one table.

    python -m bench.bench                       # small and large in full, the xl estate's peak RSS
    python -m bench.bench --sizes small,large,xl

For each size a synthetic estate is generated once (cached under ``bench/.cache/``), then measured in a
fresh Python process so load time and peak RSS are those of a cold worker: snapshot load (read + parse +
validate), the ``json.loads`` floor of the same file, graph build (``Engine``: topology, indexes, networkx
graph), the first answer, warm answers over random questions (fixes off) mixing proxied, direct,
cross-region and refused cases, and answers with proven fixes on blocked questions. Finally a fresh
``reachbot ask`` process on the bundled estate is timed and checked for boto3 / Slack imports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
ASK_QUESTION = "why can web-osaka-a not reach bucket app-data"
FORBIDDEN = ("boto3", "botocore", "slack_bolt", "slack_sdk")
RSS_QUESTIONS, RSS_FIXES = 300, 10  # the peak-RSS row's questions, the first few of them with fixes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="small,large", help="comma-separated: tiny, small, large, xl")
    p.add_argument("--rss-sizes", default="xl", help="sizes whose peak RSS alone is measured (load, build, "
                   "answers; issue #14): comma-separated, empty for none")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--questions", type=int, default=1000, help="warm questions per size")
    p.add_argument("--fix-questions", type=int, default=40, help="blocked questions answered with fixes")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--collect", action="store_true",
                   help="also measure collection against moto: first vs incremental, and under throttling")
    p.add_argument("--collect-instances", type=int, default=2000, help="instances of the emulated fleet")
    p.add_argument("--worker", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    p.add_argument("--generate", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    p.add_argument("--rss-worker", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.generate:
        return _generate(args.generate[0], args.seed, Path(args.generate[1]))
    if args.worker:
        from bench.worker import measure

        print(json.dumps(measure(args.worker[0], Path(args.worker[1]), args.seed, args.questions,
                                 args.fix_questions)))
        return 0
    if args.rss_worker:
        from bench.worker import measure_rss

        print(json.dumps(measure_rss(args.rss_worker[0], Path(args.rss_worker[1]), args.seed, RSS_QUESTIONS,
                                     RSS_FIXES)))
        return 0
    results: dict[str, Any] = {"sizes": {}, "rss": {}, "machine": _machine()}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        path, gen_seconds = _snapshot_file(size, args.seed)
        print(f"[{size}] measuring {path.name} in a fresh process…", file=sys.stderr, flush=True)
        figures = _child(["--worker", size, str(path)], args)
        figures["generate_s"] = gen_seconds
        figures["file_mb"] = path.stat().st_size / 1e6
        results["sizes"][size] = figures
    for size in [s.strip() for s in args.rss_sizes.split(",") if s.strip()]:
        path, _ = _snapshot_file(size, args.seed)
        print(f"[{size}] peak RSS of a worker on {path.name}…", file=sys.stderr, flush=True)
        results["rss"][size] = _child(["--rss-worker", size, str(path)], args)
    results["cli"] = cli_figures()
    from bench.micro import micro_figures

    results["micro"] = micro_figures()
    from bench.report import render

    print(render(results))
    if args.collect:  # opt-in: seeds and collects an emulated fleet (about 2 minutes for 2,000 instances)
        from bench.collect_bench import collect_figures, render_collect

        results["collect"] = collect_figures(args.collect_instances)
        print(render_collect(results["collect"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def _child(extra: list[str], args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.bench", "--seed", str(args.seed), "--questions", str(args.questions),
           "--fix-questions", str(args.fix_questions), *extra]
    out = subprocess.run(cmd, cwd=ROOT, env=_env(), check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _fingerprint() -> str:
    """Changes whenever the generator or the model does, so a stale cached estate is never measured."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "engine" / "estates").rglob("*.py"), ROOT / "engine" / "model.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _snapshot_file(size: str, seed: int) -> tuple[Path, float | None]:
    """The cached estate file; generated in a child process (xl needs a few GiB while building)."""
    path = CACHE / f"{size}-seed{seed}-{_fingerprint()}.json"
    if path.exists():
        return path, None
    print(f"[{size}] generating the estate (seed {seed})…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.bench", "--seed", str(seed), "--generate", size, str(path)],
                   cwd=ROOT, env=_env(), check=True)
    return path, time.perf_counter() - started


def _generate(size: str, seed: int, path: Path) -> int:
    from engine.estates.synth import synth_estate
    from engine.snapshot import write_snapshot_atomically

    write_snapshot_atomically(synth_estate(size, seed), path)
    return 0


def cli_figures(runs: int = 5) -> dict[str, Any]:
    """Wall time of a fresh ``reachbot ask`` on the bundled estate, and what its process imported."""
    cmd = [sys.executable, "-m", "engine.cli.main", "ask", ASK_QUESTION]
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-400:]}
    imported = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], cwd=ROOT, env=_env(),
                              capture_output=True, text=True).stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in imported.splitlines() if line.startswith("import time:")}
    bad = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)
    walls.sort()
    return {"wall_median_s": walls[len(walls) // 2], "wall_min_s": walls[0], "runs": runs,
            "modules_imported": len(modules), "forbidden_imports": bad}


def _machine() -> dict[str, Any]:
    return {"python": sys.version.split()[0], "cpus": os.cpu_count(),
            "platform": sys.platform, "max_rss_unit": "KiB" if sys.platform != "darwin" else "B",
            "self_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


if __name__ == "__main__":
    raise SystemExit(main())
