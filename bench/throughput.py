"""Throughput, side by side on one backlog: the limit (a plain consumer), the peer (Iceberg's Kafka Connect
sink) and ours (the validation job), each repeated, in records/s until the last record is committed."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from bench import limit, peer
from bench.memory import PeakSampler
from bench.ours import validation_job
from bench.profile import Sampler
from bench.stack import BenchStack
from bench.workload import produce
from payments.events import CHARGES


@dataclass
class Throughput:
    records: int
    partitions: int
    parallelism: int
    checkpoint_interval_s: float
    # Ours again at another parallelism (0: not measured), on the same topic.
    extra_parallelism: int = 0
    peer_records: int = 0  # the backlog less what the peer cannot take (see bench/peer.py)
    rates: dict[str, list[float]] = field(default_factory=lambda: {"limit": [], "peer": [], "ours": []})
    memory_peak_mib: dict[str, float] = field(default_factory=dict)
    profile: dict[str, float] = field(default_factory=dict)  # share of task-thread samples per category
    core_memory_peak_mib: float = 0.0


def measure(
    stack: BenchStack,
    records: int,
    repeats: int,
    parallelism: int,
    checkpoint_interval_s: float,
    extra_parallelism: int = 0,
    profile: bool = False,
    log: Callable[[str], object] = print,
) -> Throughput:
    """`repeats` rounds of limit, peer and ours (and ours at `extra_parallelism`, if not 0) on one topic of
    `records` pre-produced charges, with as many partitions as the highest parallelism."""
    partitions = max(parallelism, extra_parallelism)
    result = Throughput(records, partitions, parallelism, checkpoint_interval_s, extra_parallelism)
    if extra_parallelism:
        result.rates["ours_extra"] = []
    topic, peer_topic = f"bench-{stack.run}-charges", f"bench-{stack.run}-charges-objects"
    for t in (topic, peer_topic):
        stack.create_topic(t, partitions=partitions)
    try:
        produce(stack, topic, records)
        peer_records = result.peer_records = produce(stack, peer_topic, records, only_objects=True)
        log(f"produced {records:,} charges to {topic}, the {peer_records:,} JSON objects of them to {peer_topic}")
        peer_image = peer.image(stack)
        interval = f"{checkpoint_interval_s:g}s"
        with peer.worker(stack, peer_image) as connect:
            for rep in range(repeats):
                rate = limit.consume_rate(stack, topic, records)
                result.rates["limit"].append(rate)
                log(f"[{rep + 1}/{repeats}] limit: {rate:,.0f} records/s")

                commit_ms = int(checkpoint_interval_s * 1000)
                rate = peer.sink_rate(stack, connect, peer_topic, peer_records, f"peer{rep}", commit_ms, parallelism)
                result.rates["peer"].append(rate)
                log(f"[{rep + 1}/{repeats}] peer: {rate:,.0f} records/s ({peer_records:,} rows)")

                with PeakSampler(stack) as sampler:
                    rate = _ours_rate(stack, f"ours{rep}", topic, records, parallelism, interval)
                result.rates["ours"].append(rate)
                for name, size in sampler.peaks.items():
                    result.memory_peak_mib[name] = max(result.memory_peak_mib.get(name, 0.0), size)
                result.core_memory_peak_mib = max(result.core_memory_peak_mib, sampler.core_peak)
                log(f"[{rep + 1}/{repeats}] ours: {rate:,.0f} records/s")

                if extra_parallelism:
                    rate = _ours_rate(stack, f"oursp{rep}", topic, records, extra_parallelism, interval)
                    result.rates["ours_extra"].append(rate)
                    log(f"[{rep + 1}/{repeats}] ours at parallelism {extra_parallelism}: {rate:,.0f} records/s")
        if profile:  # one more run of ours, sampled: sampling costs the job a little
            sampler = Sampler(stack.outputs["flink_ui_url"], f"bench_{stack.run}_profile")
            _ours_rate(stack, "profile", topic, records, parallelism, interval, sampler)
            result.profile = sampler.shares()
            log("where ours spends its time: " + ", ".join(f"{k} {v:.0%}" for k, v in result.profile.items()))
    finally:
        stack.delete_topics([topic, peer_topic])
    return result


def _ours_rate(
    stack: BenchStack,
    label: str,
    topic: str,
    records: int,
    parallelism: int,
    interval: str,
    sampler: Sampler | None = None,
) -> float:
    """Records/s of the validation job from its submission until `records` rows are committed."""
    with validation_job(stack, label, {CHARGES.name: topic}, parallelism, interval) as job:
        with sampler or nullcontext():
            done = stack.wait_committed(job.tables, records, timeout_s=1800)
        return records / (done - job.started)
