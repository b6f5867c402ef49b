"""The webhook edge: signed webhooks per second the receiver accepts and Kafka acknowledges, and their latency,
beside the limit, Kafka's own producer benchmark from one client at the same record size and durability.

Both run in containers of their own on the stack's network, against topics of the run's own:
- the edge: a second receiver from the stack's image, with the stack receiver's settings and secrets but a
  topic prefix of the run's, loaded by vegeta (built from the Go module proxy once, cached) with requests
  the provider-native generators build and sign, a mix of the four providers; at the highest rate it
  sustains (as many workers as it takes), then at a fixed rate below it for the latency;
- the limit: `org.apache.kafka.tools.ProducerPerformance` from the broker's image, `acks=all`, idempotent.
Rounds alternate the two. Every 2xx is checked against the records on the run's topics.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from docker.models.containers import Container

from bench.stack import BENCH_LABEL, BenchError, BenchStack
from components.webhooks import HEALTHCHECK
from lakehouse.webhooks import topic_records
from payments.webhooks import PROVIDERS, WEBHOOK_TOPICS
from providers.polling import poll_until
from webhooks.generators.settings import load as generator_settings
from webhooks.settings import RECEIVER_PORT

VEGETA = "github.com/tsenart/vegeta/v12"
VEGETA_VERSION = "v12.13.0"
REQUESTS = 20_000  # distinct signed requests per round; vegeta cycles through them
ATTACK_S = 20
LATENCY_FRACTION = 0.5  # the latency is measured at this fraction of the highest sustained rate
WORKERS = 256


@dataclass
class EdgeRound:
    workers: int  # the receiver's uvicorn worker processes
    accepted_per_s: float  # 2xx per second at the highest rate
    success: float  # fraction of requests answered 2xx
    p50_ms: float  # at the fixed rate below
    p99_ms: float
    fixed_rate: float
    kafka_per_s: float  # the limit, in the same round
    kafka_p99_ms: float
    mean_body_bytes: int
    # Cores busy during the highest-rate attack: the receiver's container, Kafka's, the whole machine (the
    # rest is vegeta and the stack's own load).
    receiver_cores: float
    kafka_cores: float
    machine_cores: float


@dataclass
class Edge:
    rounds: list[EdgeRound] = field(default_factory=list)
    workers: int = 1  # the stack's receiver's uvicorn workers


def vegeta() -> Path:
    """The vegeta binary, built statically from the Go module proxy on first use into the project's cache.
    Raises BenchError when Go is missing or the build fails."""
    cache = Path(os.environ.get("LAKEHOUSE_CACHE", Path.home() / ".cache" / "streaming-lakehouse"))
    target = cache / f"vegeta-{VEGETA_VERSION}"
    if (target / "vegeta").exists():
        return target / "vegeta"
    if shutil.which("go") is None:
        raise BenchError("go is not on PATH: the webhook benchmark builds vegeta with it")
    env = {**os.environ, "GOBIN": str(target), "CGO_ENABLED": "0"}
    done = subprocess.run(
        ["go", "install", f"{VEGETA}@{VEGETA_VERSION}"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"building vegeta failed: {done.stderr[-2000:]}")
    return target / "vegeta"


def _targets(url: str, env: dict[str, str], count: int, seed: int) -> tuple[str, int]:
    """vegeta JSON targets (one request per line) of `count` distinct requests the provider-native generators
    build and sign with the receiver's secrets (`env`), the four providers in turn, no delivery problem; and
    the mean body size in bytes."""
    settings = generator_settings(
        {
            **env,
            "WEBHOOK_RECEIVER_URL": url,
            "WEBHOOK_GENERATORS": json.dumps({p.name: {"rate_per_second": 1} for p in PROVIDERS}),
            "WEBHOOK_GENERATOR_SEED": f"bench-{seed}",
        }
    )
    generators = [settings.generators[p.name] for p in PROVIDERS]
    lines, sizes = [], []
    for n in range(count):
        generator = generators[n % len(generators)]
        request = generator.next_request()
        sizes.append(len(request.body))
        target = {
            "method": "POST",
            "url": f"{url}{generator.provider.path}",
            "body": base64.b64encode(request.body).decode(),
            "header": {k: [v] for k, v in generator.headers(request).items()},
        }
        lines.append(json.dumps(target))
    return "\n".join(lines) + "\n", sum(sizes) // len(sizes)


def _run(stack: BenchStack, image: str, command: list[str], mounts: dict[str, dict] | None = None) -> str:
    """Standard output of `command` (its first word the entrypoint) run to its end in a container of `image` on
    the stack's network. Raises BenchError when it fails."""
    container = stack.docker.containers.run(
        image,
        command[1:],
        entrypoint=command[0],
        network=stack.outputs["network"],
        labels={BENCH_LABEL: stack.run},
        volumes=mounts or {},
        detach=True,
    )
    try:
        status = container.wait(timeout=600)
        out = container.logs(stdout=True, stderr=False).decode()
        if status["StatusCode"] != 0:
            raise BenchError(f"{command[0]} failed: {container.logs(stderr=True).decode()[-2000:]}")
        return out
    finally:
        container.remove(force=True, v=True)


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def _cpu_ns(container: Container) -> int:
    return int(container.stats(stream=False, one_shot=True)["cpu_stats"]["cpu_usage"]["total_usage"])


def _attack(stack: BenchStack, image: str, work: Path, rate: int, watched: list[Container]) -> tuple[dict, list[float]]:
    """vegeta's JSON report of one attack on the targets in `work` (rate 0: as fast as it goes), and the cores
    each of `watched` used meanwhile, then the whole machine's."""
    attack = (
        f"/bench/vegeta attack -format=json -targets=/bench/targets.jsonl -duration={ATTACK_S}s -timeout=10s"
        f" -rate={rate}/s" + (f" -max-workers={WORKERS}" if rate == 0 else "")
    )
    before = [_cpu_ns(c) for c in watched]
    busy, total = _machine_busy()
    began = time.monotonic()
    out = _run(
        stack,
        image,
        ["sh", "-c", f"{attack} | /bench/vegeta report -type=json"],
        {str(work): {"bind": "/bench", "mode": "ro"}},
    )
    seconds = time.monotonic() - began
    cores = [(_cpu_ns(c) - b) / 1e9 / seconds for c, b in zip(watched, before, strict=True)]
    busy_after, total_after = _machine_busy()
    cores.append((busy_after - busy) / (total_after - total) * (os.cpu_count() or 1))
    return json.loads(out), cores


def _kafka_limit(stack: BenchStack, topic: str, size: int, records: int) -> tuple[float, float]:
    """Records/s and p99 ms of Kafka's producer benchmark: one client, `acks=all`, idempotent, `size` bytes."""
    kafka = stack.container("kafka")
    out = _run(
        stack,
        kafka.attrs["Config"]["Image"],
        [
            "java",
            "-Xmx512m",
            "-cp",
            "/opt/kafka/libs/*",
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            topic,
            "--num-records",
            str(records),
            "--record-size",
            str(size),
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={stack.internal_bootstrap}",
            "acks=all",
            "enable.idempotence=true",
        ],
    )
    # The last line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency,
    # P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th."
    last = [line for line in out.splitlines() if "records sent" in line][-1]
    parts = [p.strip() for p in last.split(",")]
    per_s = float(parts[1].split()[0])
    p99 = float(next(p for p in parts if p.endswith("99th")).split()[0])
    return per_s, p99


def _start_receiver(stack: BenchStack, prefix: str, workers: int) -> Container:
    """A receiver from the stack's own image and settings with `workers` processes, writing to `prefix`ed
    topics."""
    stacked = stack.container("webhook-receiver")
    unset = ("WEBHOOK_TOPIC_PREFIX=", "WEBHOOK_WORKERS=")
    env = [e for e in stacked.attrs["Config"]["Env"] if not e.startswith(unset)]
    container = stack.docker.containers.run(
        stacked.attrs["Config"]["Image"],
        stacked.attrs["Config"]["Cmd"],
        name=f"{stacked.name}-bench-{stack.run}-{workers}",
        environment=[*env, f"WEBHOOK_TOPIC_PREFIX={prefix}", f"WEBHOOK_WORKERS={workers}"],
        network=stack.outputs["network"],
        labels={BENCH_LABEL: stack.run},
        detach=True,
    )

    # The stack's healthcheck: the image declares none of its own.
    def healthy() -> bool | None:
        return container.exec_run([HEALTHCHECK]).exit_code == 0 or None

    if poll_until(healthy, 60, 1) is None:
        raise BenchError(f"the bench's receiver {container.name} was not healthy within 60 s")
    return container


def measure(stack: BenchStack, repeats: int) -> Edge:
    """`repeats` rounds, each: Kafka's producer benchmark, then for the stack's worker count (and 2, when the
    stack runs 1) the highest rate and the latency at half of it."""
    stacked = stack.container("webhook-receiver")
    env = dict(e.split("=", 1) for e in stacked.attrs["Config"]["Env"])
    image = stacked.attrs["Config"]["Image"]
    prefix = f"bench-{stack.run}-"
    topics = [prefix + t for t in WEBHOOK_TOPICS] + [prefix + "kafka-limit"]
    for topic in topics:
        stack.create_topic(topic, 1)
    binary = vegeta()
    edge = Edge(workers=int(env["WEBHOOK_WORKERS"]))
    kafka = stack.container("kafka")
    try:
        receivers = {w: _start_receiver(stack, prefix, w) for w in sorted({edge.workers, 2})}
        with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
            work = Path(tmp)
            work.chmod(0o755)  # the image's user (not root) reads it through the bind mount
            shutil.copy(binary, work / "vegeta")
            accepted_total = 0
            for n in range(repeats):
                for workers, receiver in receivers.items():
                    url = f"http://{receiver.name}:{RECEIVER_PORT}"
                    # Signed now: Stripe refuses a signature older than its tolerance (300 s).
                    targets, size = _targets(url, env, REQUESTS, seed=n)
                    (work / "targets.jsonl").write_text(targets)
                    (work / "targets.jsonl").chmod(0o644)
                    per_s, p99 = _kafka_limit(stack, prefix + "kafka-limit", size, 200_000)
                    top, cores = _attack(stack, image, work, 0, [receiver, kafka])
                    fixed = max(1, int(top["throughput"] * LATENCY_FRACTION))
                    steady, _ = _attack(stack, image, work, fixed, [])
                    accepted_total += top["status_codes"].get("200", 0) + steady["status_codes"].get("200", 0)
                    r = EdgeRound(
                        workers=workers,
                        accepted_per_s=top["throughput"],
                        success=top["success"],
                        p50_ms=steady["latencies"]["50th"] / 1e6,
                        p99_ms=steady["latencies"]["99th"] / 1e6,
                        fixed_rate=fixed,
                        kafka_per_s=per_s,
                        kafka_p99_ms=p99,
                        mean_body_bytes=size,
                        receiver_cores=cores[0],
                        kafka_cores=cores[1],
                        machine_cores=cores[2],
                    )
                    edge.rounds.append(r)
                    print(
                        f"webhook edge round {n + 1}, {workers} worker(s): {r.accepted_per_s:,.0f}/s accepted"
                        f" ({r.success:.1%} 2xx; receiver {r.receiver_cores:.2f} cores, Kafka {r.kafka_cores:.2f},"
                        f" machine {r.machine_cores:.2f}), p50 {r.p50_ms:.1f} ms p99 {r.p99_ms:.1f} ms at"
                        f" {fixed:,}/s; Kafka producer {per_s:,.0f}/s"
                    )
            # One record per 2xx: the edge acknowledged nothing it did not write, and wrote nothing twice.
            on_topics = sum(1 for p in PROVIDERS for _ in topic_records(stack.bootstrap, prefix + p.topic))
            if on_topics != accepted_total:
                raise BenchError(f"{accepted_total} requests answered 200 but {on_topics} records on the topics")
    finally:
        stack.delete_topics(topics)
    return edge
