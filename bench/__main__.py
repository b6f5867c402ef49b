"""`make bench`: the benchmark suite on the running stack; writes bench/results.md, .png and .json.

    make bench [STACK=dev] [EVENTS=1000000] [REPEATS=3] [ARGS="--skip freshness --lifecycle"]

Phases, in order: memory at rest; throughput of the limit, the peer and ours on one pre-produced backlog
(`--repeats` rounds); freshness at the generators' rates and ten times them, for the stack's checkpoint
interval and 2 s; the worst input (1 MiB payloads) judged by the job's functions against an ordinary
event; the webhook edge's accepted webhooks per second and latency beside Kafka's own producer (`webhooks`);
with `--lifecycle`, the time `make down`, `make up` (images built) and a no-op `make up` take on
this stack (it destroys the stack's data, so it is not run by default).
Everything the benchmarks create (topics, a namespace per run, containers) is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench import freshness, memory, report, strict_input, throughput, webhooks
from bench.stack import BENCH_LABEL, BenchStack
from config import duration_seconds
from providers.flink.rest import FlinkRest

ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "bench" / "results.json"  # every figure of the last run of each phase, as measured
PHASES = ("throughput", "freshness", "strict_input", "webhooks")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def versions() -> dict[str, str]:
    """Component versions as the image builds pin them."""
    found = {}
    for name, pom, key in (
        ("Kafka", "images/kafka/pom.xml", "kafka.version"),
        ("Flink", "images/flink/pom.xml", "flink.version"),
        ("Iceberg", "images/flink/pom.xml", "iceberg.version"),
    ):
        if match := re.search(rf"<{re.escape(key)}>([^<]+)<", (ROOT / pom).read_text()):
            found[name] = match.group(1)
    return found


def stack_checkpoint_interval(stack: BenchStack) -> float:
    """The stack's checkpoint interval, as its JobManager was configured."""
    env = dict(e.split("=", 1) for e in stack.container("flink-jobmanager").attrs["Config"]["Env"])
    return duration_seconds(env.get("FLINK_CHECKPOINT_INTERVAL", "10s"))


def stack_parallelism(stack: BenchStack) -> int:
    """The parallelism the stack's validation job runs at (its `flink.parallelism`)."""
    rest = FlinkRest(stack.outputs["flink_ui_url"], "Flink JobManager")
    vertices = rest.json("GET", f"/jobs/{stack.outputs['validation_job_id']}")["vertices"]
    return max(v["parallelism"] for v in vertices)


def lifecycle(stack: str, repeats: int) -> dict[str, list[float]]:
    def timed(target: str) -> float:
        began = time.monotonic()
        subprocess.run(["make", "-s", target, f"STACK={stack}"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - began

    out: dict[str, list[float]] = {"make down": [], "make up (images built)": [], "make up, nothing to change": []}
    for _ in range(repeats):
        out["make down"].append(timed("down"))
        out["make up (images built)"].append(timed("up"))
        out["make up, nothing to change"].append(timed("up"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--events", type=int, default=1_000_000, help="records in the throughput backlog")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of each throughput measurement")
    parser.add_argument("--parallelism", type=int, default=None, help="default: the stack's job's")
    parser.add_argument("--extra-parallelism", type=int, default=2, help="ours again at this parallelism (0: not)")
    parser.add_argument("--freshness-seconds", type=float, default=120, help="sending time per freshness run")
    parser.add_argument("--skip", action="append", choices=PHASES, default=[])
    parser.add_argument("--no-profile", action="store_true", help="skip the sampled extra run of ours")
    parser.add_argument("--lifecycle", action="store_true", help="also time make down / up (destroys the data)")
    args = parser.parse_args()
    # `kill` (or a CI timeout) runs the cleanup below too: what the run made is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    stack = BenchStack(args.stack)
    # A run that skips a phase keeps that phase's figures from the last run that measured it.
    figures: dict = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured_at = figures.setdefault("measured_at", {})
    try:
        idle = memory.snapshot(stack)
        figures["memory_idle"] = idle
        figures["core_idle_mib"] = memory.core_total(idle)
        measured_at["memory_idle"] = now()
        print(f"memory at rest: core stack {figures['core_idle_mib']:,.0f} MiB")
        interval = stack_checkpoint_interval(stack)
        parallelism = args.parallelism or stack_parallelism(stack)
        if "throughput" not in args.skip:
            extra = args.extra_parallelism if args.extra_parallelism != parallelism else 0
            t = throughput.measure(
                stack, args.events, args.repeats, parallelism, interval, extra, profile=not args.no_profile
            )
            figures["throughput"] = asdict(t)
            measured_at["throughput"] = now()
        if "freshness" not in args.skip:
            figures["freshness"] = []
            for checkpoint in sorted({interval, 2.0}, reverse=True):
                for multiplier in (1, 10):
                    run = freshness.measure(stack, checkpoint, multiplier, args.freshness_seconds)
                    figures["freshness"].append(asdict(run))
                    print(f"freshness at {checkpoint:g}s, {multiplier}x: {len(run.latencies_s)} rows")
            measured_at["freshness"] = now()
        if "strict_input" not in args.skip:
            judged = strict_input.measure(stack)
            figures["strict_input"] = [{**asdict(j), "ratio": j.ratio} for j in judged]
            measured_at["strict_input"] = now()
            for j in judged:
                print(f"worst input, {j.family}: {j.worst_ms:.1f} ms, {j.ratio:,.0f}x an ordinary {j.event_name}")
        if "webhooks" not in args.skip:
            edge = webhooks.measure(stack, args.repeats)
            figures["webhooks"] = {"rounds": [asdict(r) for r in edge.rounds], "workers": edge.workers}
            measured_at["webhooks"] = now()
    finally:
        for container in stack.docker.containers.list(all=True, filters={"label": f"{BENCH_LABEL}={stack.run}"}):
            container.remove(force=True, v=True)
    if args.lifecycle:
        figures["lifecycle"] = lifecycle(args.stack, 1)
        measured_at["lifecycle"] = now()
    RESULTS.write_text(json.dumps(figures, indent=1))
    report.write(figures, versions())
    print(f"wrote {report.MARKDOWN.relative_to(ROOT)} and {report.PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
