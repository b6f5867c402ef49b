"""The benchmarks' events: charges with the golden invalid cases mixed in, produced before anyone reads.

Every contender reads the same records from the same topic, so what differs is only what it does with them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from confluent_kafka import Producer

from bench.stack import BenchError, BenchStack
from payments.cases import cases, valid_event
from payments.events import CHARGES

INVALID_EVERY = 20  # one record in twenty is a golden invalid case, so quarantine is exercised too


def payloads(count: int, run: str) -> Iterator[str | None]:
    """`count` charge payloads: valid ones with distinct event ids, every `INVALID_EVERY`-th a golden invalid case."""
    invalid = [c.payload for c in cases(CHARGES.name) if c.reasons]
    for i in range(count):
        yield (
            invalid[(i // INVALID_EVERY) % len(invalid)]
            if i % INVALID_EVERY == 0
            else valid_event(CHARGES.name, f"bench-{run}-{i}")
        )


# Jackson's default read limits, which Kafka Connect's JsonConverter keeps: a number of more digits, or
# a deeper document, fails the record.
_LONG_NUMBER = re.compile(r"[0-9]{1001}")


def is_json_object(payload: str | None) -> bool:
    """What a sink that validates nothing can write at all: Iceberg's Kafka Connect sink stops its task on
    a value that is JSON but not an object (an array, a number), and its converter cannot read the rest
    (not JSON, a number longer than 1,000 digits, nesting deeper than Python's and Jackson's ~1,000)."""
    if payload is None or _LONG_NUMBER.search(payload):
        return False
    try:
        return isinstance(json.loads(payload), dict)
    except (ValueError, RecursionError):
        return False


def produce(stack: BenchStack, topic: str, count: int, only_objects: bool = False) -> int:
    """Produce the first `count` payloads to `topic` as fast as the broker takes them (with `only_objects`,
    only those that are JSON objects); returns how many were sent."""
    producer = Producer(
        # Uncompressed, as the generators send.
        {"bootstrap.servers": stack.bootstrap, "linger.ms": 50, "batch.size": 1_000_000}
    )
    sent = 0
    for payload in payloads(count, stack.run):
        if only_objects and not is_json_object(payload):
            continue
        sent += 1
        while True:
            try:
                producer.produce(topic, value=payload)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(300):
        raise BenchError(f"records to {topic} still unsent after 300s")
    return sent
