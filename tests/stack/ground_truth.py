"""Ground truth for end-to-end tests: events sent with a known expected outcome, and the check that each
landed exactly once in its table.

How fast events land is the benchmark's business (`make bench`), not these tests': they wait until the
validation job has consumed the topics up to the offsets the events got (the job commits its Kafka offsets
when a checkpoint completes, the same moment its Iceberg commits happen), within a generous deadline, and
only then assert.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable

from confluent_kafka import Consumer, Producer, TopicPartition

from lakehouse.lake import Key, Lake
from payments.cases import cases, event_names, valid_event
from providers.polling import poll_until

TOPICS = event_names()
CATCH_UP_TIMEOUT_S = 900  # a loaded 2-core machine: generous, and only ever reached when something is wrong
LAND_AFTER_CATCH_UP_S = 180  # the Iceberg commits of the checkpoint that committed the offsets, or a restore's
# How long the producer keeps retrying an event while Kafka is away (a restart of everything on a loaded
# 2-core machine takes minutes); idempotence keeps the retries from writing it twice.
DELIVERY_TIMEOUT_S = 600


class Sender:
    """Produces events and remembers, by the offset Kafka gave each, where it must land (None: bronze)."""

    def __init__(self, bootstrap: str, config: dict[str, object] | None = None) -> None:
        """`config`: more librdkafka producer settings (`message.max.bytes`)."""
        self.bootstrap = bootstrap
        self.producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "enable.idempotence": True,
                "linger.ms": 5,
                "delivery.timeout.ms": DELIVERY_TIMEOUT_S * 1000,
                **(config or {}),
            }
        )
        self.expected: dict[Key, str | None] = {}
        self.lock = threading.Lock()

    def send(self, topic: str, payload: str | None, reason: str | None) -> None:
        def delivered(err, msg) -> None:
            assert err is None, f"Kafka refused an event: {err}"
            with self.lock:
                self.expected[(msg.topic(), msg.partition(), msg.offset())] = reason

        try:
            key = json.loads(payload)["event_id"] if payload else None
        except (ValueError, TypeError, KeyError, RecursionError):  # Python's parser stops at ~1,000 levels
            key = None
        self.producer.produce(topic, value=payload, key=key if isinstance(key, str) else None, on_delivery=delivered)
        self.producer.poll(0)

    def send_golden(self, topic_prefix: str = "") -> None:
        """Every golden case of every type, once, each with a fresh event id, to the type's topic after
        `topic_prefix` (a stack's `kafka.topicPrefix`)."""
        batch = uuid.uuid4().hex[:8]
        for topic in TOPICS:
            for case in cases(topic, event_id=f"{batch}-{topic}"):
                self.send(topic_prefix + topic, case.payload, case.reasons[0] if case.reasons else None)
        self.flush()

    def flush(self) -> None:
        unsent = self.producer.flush(DELIVERY_TIMEOUT_S)
        assert unsent == 0, f"{unsent} events still unsent after {DELIVERY_TIMEOUT_S} s"

    def keys(self) -> set[Key]:
        with self.lock:
            return set(self.expected)


class Flow:
    """Valid charges sent continuously from a thread while something else happens."""

    def __init__(self, sender: Sender, interval_s: float = 0.02) -> None:
        self.sender, self.interval_s = sender, interval_s
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.sent = 0

    def _run(self) -> None:
        while not self.stop_event.is_set():
            self.sender.send("payment_charges", valid_event("payment_charges", f"flow-{uuid.uuid4()}"), None)
            self.sent += 1
            time.sleep(self.interval_s)

    def __enter__(self) -> Flow:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop_event.set()
        self.thread.join()
        self.sender.flush()


def _lag(consumer: Consumer, targets: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """Per partition, how many of the target offsets the job has not committed yet (empty: caught up)."""
    committed = consumer.committed([TopicPartition(t, p) for t, p in targets], timeout=30)
    done = {(tp.topic, tp.partition): tp.offset for tp in committed}
    return {tp: end - done[tp] for tp, end in targets.items() if done.get(tp, -1) < end}


def wait_caught_up(bootstrap: str, group_id: str, keys: Iterable[Key], timeout_s: float = CATCH_UP_TIMEOUT_S) -> None:
    """Until the job's consumer group has committed past every given record (a completed checkpoint)."""
    targets: dict[tuple[str, int], int] = {}
    for topic, partition, offset in keys:
        targets[(topic, partition)] = max(targets.get((topic, partition), 0), offset + 1)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "enable.auto.commit": False})
    lag: dict[tuple[str, int], int] = {}

    def caught_up() -> bool | None:
        nonlocal lag
        lag = _lag(consumer, targets)
        return not lag or None

    try:
        assert poll_until(caught_up, timeout_s, 2), f"the job has not consumed these within {timeout_s:.0f}s: {lag}"
    finally:
        consumer.close()


def landed_once_caught_up(
    lake: Lake, bootstrap: str, group_id: str, keys: set[Key]
) -> dict[Key, list[tuple[str, str | None]]]:
    """Every row of the tables by record, read once the job has consumed and committed up to `keys`."""
    wait_caught_up(bootstrap, group_id, keys)
    landed: dict[Key, list[tuple[str, str | None]]] = {}

    def all_landed() -> bool | None:
        nonlocal landed
        landed = lake.landed()
        return not keys - set(landed) or None

    poll_until(all_landed, LAND_AFTER_CATCH_UP_S, 2)  # what did not land by then, the caller reports
    return landed


def assert_exactly_once(
    sender: Sender, landed: dict[Key, list[tuple[str, str | None]]], topic_prefix: str = ""
) -> None:
    """Every event `sender` sent is one row of its type's table (bronze, or quarantine with the expected
    reason), and no record is two rows. A type's topic is its name after `topic_prefix`."""
    problems = []
    for key, reason in sorted(sender.expected.items()):
        topic = key[0].removeprefix(topic_prefix)
        want = (topic, None) if reason is None else (f"quarantine_{topic}", reason)
        rows = landed.get(key, [])
        if rows != [want]:
            problems.append(f"{key}: landed as {rows or 'nothing'}, expected {want}")
    duplicated = {k: v for k, v in landed.items() if len(v) > 1}
    assert not problems, f"{len(problems)} of {len(sender.expected)} events wrong:\n" + "\n".join(problems[:30])
    assert not duplicated, f"rows written twice: {list(duplicated.items())[:10]}"
