"""Freshness: from a record's produce timestamp to its row being visible through the catalog.

The job (the benchmark's instance, all four types, on topics of its own) runs with a given checkpoint
interval while a producer sends valid events of every type at the generators' default rates times a
multiplier. A watcher loads each bronze table's metadata from the catalog every `POLL_S`; when a new
snapshot appears, every row not seen before is stamped with that moment. So each figure is late by up
to `POLL_S` plus one catalog round trip, never early.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from confluent_kafka import Producer
from pyiceberg.expressions import GreaterThan

from bench.ours import validation_job
from bench.stack import BenchError, BenchStack
from config import duration_seconds
from payments.cases import valid_event
from payments.events import EVENT_TYPES, EventType

POLL_S = 0.25


@dataclass
class Freshness:
    checkpoint_interval_s: float
    rate_multiplier: int
    events_per_s: float
    seconds: float
    latencies_s: list[float]


def _sender(stack: BenchStack, topics: dict[str, str], multiplier: int, duration_s: float) -> int:
    """Each type at `multiplier` times its generator's default rate for `duration_s`; returns events sent."""
    producer = Producer({"bootstrap.servers": stack.bootstrap, "linger.ms": 0})
    period = {e.name: duration_seconds(e.generator_interval) / multiplier for e in EVENT_TYPES}
    began = time.monotonic()
    next_at = dict.fromkeys(period, began)
    sent = 0
    while (now := time.monotonic()) < began + duration_s:
        event_name = min(next_at, key=next_at.__getitem__)
        if next_at[event_name] > now:
            time.sleep(next_at[event_name] - now)
        producer.produce(topics[event_name], value=valid_event(event_name, f"fresh-{stack.run}-{sent}"))
        producer.poll(0)
        next_at[event_name] += period[event_name]
        sent += 1
    producer.flush(30)
    return sent


class _Watcher(threading.Thread):
    def __init__(self, stack: BenchStack, tables: list[str]) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.tables = tables
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self._watch()
        except Exception as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            self.error = exc

    def _watch(self) -> None:
        last_snapshot: dict[str, int | None] = dict.fromkeys(self.tables)
        max_offset: dict[str, int] = dict.fromkeys(self.tables, -1)  # single-partition topics
        while not self.stop.is_set():
            for identifier in self.tables:
                table = self.stack.table(identifier)
                snapshot = table.current_snapshot()
                if snapshot is None or snapshot.snapshot_id == last_snapshot[identifier]:
                    continue
                visible = time.time()
                last_snapshot[identifier] = snapshot.snapshot_id
                rows = (
                    table.scan(
                        row_filter=GreaterThan("kafka_offset", max_offset[identifier]),
                        selected_fields=("kafka_offset", "kafka_timestamp"),
                    )
                    .to_arrow()
                    .to_pylist()
                )
                for row in rows:
                    self.latencies.append(visible - row["kafka_timestamp"].timestamp())
                    max_offset[identifier] = max(max_offset[identifier], row["kafka_offset"])
            self.stop.wait(POLL_S)


def measure(stack: BenchStack, checkpoint_interval_s: float, multiplier: int, duration_s: float) -> Freshness:
    label = f"f{checkpoint_interval_s:g}x{multiplier}".replace(".", "_")
    topics = {e.name: f"bench-{stack.run}-{label}-{e.name}" for e in EVENT_TYPES}
    for topic in topics.values():
        stack.create_topic(topic, partitions=1)
    try:
        interval = f"{checkpoint_interval_s:g}s"
        with validation_job(stack, label, topics, 1, interval) as job:
            bronze = [f"{job.namespace}.{_bronze(e)}" for e in EVENT_TYPES]
            watcher = _Watcher(stack, bronze)
            watcher.start()
            began = time.monotonic()
            sent = _sender(stack, topics, multiplier, duration_s)
            # Everything sent is committed within a few checkpoints; the watcher stamps the last rows.
            stack.wait_committed(bronze, sent, timeout_s=checkpoint_interval_s * 6 + 60)
            time.sleep(POLL_S * 4)
            watcher.stop.set()
            watcher.join()
            if watcher.error:
                raise BenchError(f"watching the tables for new rows failed: {watcher.error}") from watcher.error
            took = time.monotonic() - began
    finally:
        stack.delete_topics(list(topics.values()))
    return Freshness(checkpoint_interval_s, multiplier, sent / duration_s, took, watcher.latencies)


def _bronze(event: EventType) -> str:
    return event.bronze_table
