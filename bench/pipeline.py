"""`make bench`: end-to-end throughput of the validation job on a running stack.

Sends `--events` charges as fast as Kafka takes them (one in twenty a golden invalid case, so the
quarantine path is exercised too), then waits until every one is in bronze or quarantine, and reports
events per second from the first send to the last row landed, plus the send rate on its own.
The job commits on checkpoints, so a run shorter than a few checkpoint intervals mostly measures those.

    make bench [STACK=dev] [EVENTS=200000]
"""

from __future__ import annotations

import argparse
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition

from payments.cases import cases, valid_event
from payments.events import CHARGES
from tools.lake import Lake
from tools.outputs import stack_outputs

TOPIC = CHARGES.topic


def end_offset(bootstrap: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench"})
    try:
        return consumer.get_watermark_offsets(TopicPartition(TOPIC, 0), timeout=10)[1]
    finally:
        consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    outputs = stack_outputs(args.stack, secrets=True)
    bootstrap = outputs["kafka_bootstrap_servers"]
    lake = Lake(outputs)
    invalid = [c.payload for c in cases(TOPIC) if c.reasons]
    start = end_offset(bootstrap)  # a single-partition topic: the bench's records are the offsets from here

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "batch.size": 1_000_000})
    run = uuid.uuid4().hex[:8]
    began = time.monotonic()
    for i in range(args.events):
        payload = invalid[i % len(invalid)] if i % 20 == 0 else valid_event(TOPIC, f"bench-{run}-{i}")
        while True:
            try:
                producer.produce(TOPIC, value=payload)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(120)
    sent = time.monotonic() - began
    # Running generators add their own events to the topic meanwhile: every record up to here counts.
    total = end_offset(bootstrap) - start
    print(f"sent {args.events} events in {sent:.1f}s ({args.events / sent:,.0f}/s); {total} records to judge")

    landed = 0
    while time.monotonic() - began < args.timeout:
        keys = lake.landed(min_offset=start)
        landed = sum(1 for (topic, _, offset) in keys if topic == TOPIC and start <= offset < start + total)
        if landed >= total:
            break
        time.sleep(2)
    took = time.monotonic() - began
    print(f"landed {landed} of {total} in {took:.1f}s: {landed / took:,.0f} events/s end to end")
    if landed < total:
        raise SystemExit(f"only {landed} of {total} records landed within {args.timeout:.0f}s")


if __name__ == "__main__":
    main()
