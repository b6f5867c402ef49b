"""`make generators-logs`: the generators' containers and the latest events on each payment topic.

With `--window SECONDS` (`make generators-rates`), it counts what reaches each topic over that window
and compares it with what the running generators are configured to produce.
"""

from __future__ import annotations

import argparse
import time

from confluent_kafka import Consumer, TopicPartition

from config import duration_seconds
from lakehouse.outputs import stack_outputs
from payments.events import TOPICS
from providers.docker.client import LABEL_STACK, client


def latest(bootstrap: str, topic: str, count: int) -> list[str]:
    """The last `count` events of each partition, up to where the topic was when asked."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "peek", "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if high > low:
                ends[p] = high
                consumer.assign([*consumer.assignment(), TopicPartition(topic, p, max(low, high - count))])
        messages: list[str] = []
        while ends:
            message = consumer.poll(5)
            if message is None:
                break
            if message.error() or message.partition() not in ends:
                continue
            messages.append(message.value().decode(errors="replace"))
            if message.offset() + 1 >= ends[message.partition()]:
                del ends[message.partition()]
        return messages
    finally:
        consumer.close()


def end_offsets(bootstrap: str, topics: list[str]) -> dict[str, int]:
    """Messages ever written to each topic: the sum of its partitions' end offsets."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "peek", "enable.auto.commit": False})
    try:
        out = {}
        for topic in topics:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            ends = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions]
            out[topic] = sum(ends)
        return out
    finally:
        consumer.close()


def configured_rates(containers: list) -> dict[str, float]:
    """Messages per second each running generator is set to produce (duplicates included)."""
    rates: dict[str, float] = {}
    for container in containers:
        if container.status != "running":
            continue
        env = dict(e.split("=", 1) for e in container.attrs["Config"]["Env"])
        duplicates = float(env.get("JR_DUPLICATE_RATE") or 0)
        for line in env.get("EMITTERS_SPEC", "").splitlines():
            _, topic, frequency, count, *_ = line.split()
            rates[topic] = int(count) / duration_seconds(frequency) * (1 + duplicates)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--window", type=float, default=0, help="count events over this many seconds instead")
    args = parser.parse_args()
    only = {"label": [f"{LABEL_STACK}={args.stack}", "io.streaming-lakehouse.component=generators"]}
    containers = client().containers.list(all=True, filters=only)
    for container in containers:
        print(f"{container.name}: {container.status}")
    outputs = stack_outputs(args.stack)
    bootstrap = outputs["kafka_bootstrap_servers"]
    if args.window:
        rates = configured_rates(containers)
        before, start = end_offsets(bootstrap, list(TOPICS)), time.monotonic()
        time.sleep(args.window)
        after, elapsed = end_offsets(bootstrap, list(TOPICS)), time.monotonic() - start
        print(f"\nevents over {elapsed:.0f} s (expected: configured rate x time, exact duplicates included)")
        for topic in TOPICS:
            got, expected = after[topic] - before[topic], rates.get(topic, 0) * elapsed
            off = f"{(got - expected) / expected:+.1%}" if expected else "not generated"
            print(f"  {topic:24} {got:8d}  expected {expected:9.1f}  {off}")
        return
    for topic in TOPICS:
        print(f"\n{topic}:")
        for value in latest(bootstrap, topic, args.count):
            print(f"  {value[:300]}")


if __name__ == "__main__":
    main()
