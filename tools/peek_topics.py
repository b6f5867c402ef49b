"""`make generators-logs`: the generators' containers and the latest events on each payment topic."""

from __future__ import annotations

import argparse
import json
import subprocess

from confluent_kafka import Consumer, TopicPartition

from components.config import DEFAULT_TOPICS
from providers.docker._client import LABEL_STACK, client


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--count", type=int, default=3)
    args = parser.parse_args()
    only = {"label": [f"{LABEL_STACK}={args.stack}", "io.streaming-lakehouse.component=generators"]}
    for container in client().containers.list(all=True, filters=only):
        print(f"{container.name}: {container.status}")
    outputs = json.loads(subprocess.run(["pulumi", "stack", "output", "--json", "--stack", args.stack],
                                        capture_output=True, text=True, check=True).stdout)  # fmt: skip
    for topic in DEFAULT_TOPICS:
        print(f"\n{topic}:")
        for value in latest(outputs["kafka_bootstrap_servers"], topic, args.count):
            print(f"  {value[:300]}")


if __name__ == "__main__":
    main()
