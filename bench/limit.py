"""The limit: how fast this machine moves the records at all, measured by Kafka's own consumer
benchmark (`org.apache.kafka.tools.ConsumerPerformance`, from the broker's image) reading the topic
without parsing anything, in a container of its own on the stack's network."""

from __future__ import annotations

import uuid

from bench.stack import BENCH_LABEL, BenchError, BenchStack

HEAP = "-Xmx512m"


def consume_rate(stack: BenchStack, topic: str, records: int) -> float:
    """Records/s the consumer fetched `records` records of `topic` at, from the earliest offset (the group
    join excluded: `fetch.nMsg.sec`). Raises `BenchError` if the tool fails or reads fewer."""
    kafka = stack.container("kafka")
    group = f"bench-limit-{uuid.uuid4().hex[:6]}"
    command = [
        HEAP,
        "-cp",
        "/opt/kafka/libs/*",
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server",
        stack.internal_bootstrap,
        "--topic",
        topic,
        "--messages",
        str(records),
        "--group",
        group,
        "--timeout",
        "60000",
    ]
    container = stack.docker.containers.run(
        kafka.attrs["Config"]["Image"],
        command,
        entrypoint="java",
        network=stack.outputs["network"],
        labels={BENCH_LABEL: stack.run},
        detach=True,
    )
    try:
        container.wait()
        output = container.logs(stdout=True, stderr=False).decode()
    finally:
        # v=True: the image declares a data volume, which would otherwise outlive the container.
        container.remove(force=True, v=True)
    stack.delete_groups(group)
    # A header line of names and a line of values, comma-separated.
    lines = [line for line in output.splitlines() if "," in line]
    if len(lines) < 2:
        raise BenchError(f"ConsumerPerformance printed no figures: {output[-500:]}")
    names, values = ([part.strip() for part in line.split(",")] for line in lines[-2:])
    figures = dict(zip(names, values, strict=True))
    if int(float(figures["data.consumed.in.nMsg"])) < records:
        raise BenchError(f"ConsumerPerformance read {figures['data.consumed.in.nMsg']} of {records} records")
    return float(figures["fetch.nMsg.sec"])
