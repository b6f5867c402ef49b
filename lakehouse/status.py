"""`make status` (also `make docker-status`): the running stack at a glance.

- every container of the stack: its state and Docker health;
- the validation job's state in Flink;
- per topic, how far the job's consumer group is behind the topic's end (records not yet landed);
- per table, its rows (from the current snapshot's summary: no data file is read);
- with Dagster, every asset check whose latest outcome is a failure (the data-quality alerts).

Exits 1 when a container is not running or unhealthy, the job is not RUNNING, or a part cannot be read,
so scripts can use it as a check.
"""

from __future__ import annotations

import argparse
import sys

import requests
from confluent_kafka import Consumer, KafkaException, TopicPartition
from pyiceberg.exceptions import NoSuchTableError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lakehouse.dagster_checks import DagsterApiError, latest_checks, line
from lakehouse.lake import Lake
from lakehouse.outputs import stack_outputs
from payments.events import EVENT_TYPES, TOPICS
from providers.docker.client import LABEL_STACK, client


def containers(stack: str) -> list[tuple[str, str, bool]]:
    """(name, "running (healthy)"-like text, fine?) for every container of the stack."""
    out = []
    for c in sorted(
        client().containers.list(all=True, filters={"label": f"{LABEL_STACK}={stack}"}), key=lambda c: c.name
    ):
        health = c.attrs["State"].get("Health", {}).get("Status")
        fine = c.status == "running" and health in (None, "healthy")
        out.append((c.name, c.status + (f" ({health})" if health else ""), fine))
    return out


def job_state(rest_url: str, job_name: str) -> str:
    """The validation job's state, or MISSING when the cluster has no job of that name."""
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.5)))
    jobs = session.get(f"{rest_url}/jobs/overview", timeout=10).json()["jobs"]
    states = [j["state"] for j in sorted(jobs, key=lambda j: j["start-time"]) if j["name"] == job_name]
    return states[-1] if states else "MISSING"


def lag(bootstrap: str, group: str, topics: list[str], client_config: dict[str, str] | None = None) -> dict[str, int]:
    """Per topic, records past the group's committed offsets (all of them when it never committed).
    `client_config`: the cluster's librdkafka security settings (output `kafka_client_config`)."""
    consumer = Consumer(
        {**(client_config or {}), "bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False}
    )
    try:
        out = {}
        for topic in topics:
            partitions = [
                TopicPartition(topic, p) for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions
            ]
            committed = {tp.partition: tp.offset for tp in consumer.committed(partitions, timeout=10)}
            behind = 0
            for tp in partitions:
                low, high = consumer.get_watermark_offsets(tp, timeout=10)
                done = committed.get(tp.partition, -1)
                behind += high - (done if done >= 0 else low)
            out[topic] = behind
        return out
    finally:
        consumer.close()


def rows(lake: Lake) -> dict[str, int | None]:
    """Rows per bronze and quarantine table, from the current snapshot (None: no snapshot yet)."""
    out: dict[str, int | None] = {}
    for event in EVENT_TYPES:
        for name in (event.bronze_table, event.quarantine_table):
            snapshot = lake.table(name).current_snapshot()
            out[name] = int(snapshot.summary["total-records"]) if snapshot and snapshot.summary else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()
    outputs = stack_outputs(args.stack, secrets=True)
    ok = True

    print("containers")
    listed = containers(args.stack)
    for name, state, fine in listed:
        ok &= fine
        print(f"  {name:48} {state}")
    if not listed and not outputs.get("network"):
        print("  none: every service is external")
    elif not listed:
        ok = False
        print("  none: `make up` first")

    try:
        state = job_state(outputs["flink_ui_url"], outputs["validation_job_name"])
    except (requests.RequestException, KeyError, ValueError) as exc:
        state = f"unknown (Flink REST: {exc})"
    ok &= state == "RUNNING"
    print(f"\nvalidation job {outputs['validation_job_name']}: {state}  {outputs.get('validation_job_url', '')}")

    print(f"\nconsumer lag of {outputs['validation_consumer_group']} (records not yet landed)")
    try:
        for topic, behind in lag(
            outputs["kafka_bootstrap_servers"],
            outputs["validation_consumer_group"],
            # The job reads the event types' topics; the webhook topics are the edge's.
            [t for t in outputs["kafka_topics"] if t.endswith(TOPICS)],
            outputs.get("kafka_client_config"),
        ).items():
            print(f"  {topic:48} {behind}")
    except KafkaException as exc:
        ok = False
        print(f"  unknown (Kafka: {exc})")

    print("\nrows per table")
    try:
        for table, count in rows(Lake(outputs)).items():
            print(f"  {table:48} {'no snapshot yet' if count is None else count}")
    except (requests.RequestException, NoSuchTableError, OSError) as exc:
        ok = False
        print(f"  unknown (catalog: {exc})")

    if "dagster_url" in outputs:
        # A failed check is a finding about the data, not a broken stack: it does not change the exit code.
        print(f"\nfailed and warned asset checks, latest outcome (Dagster: {outputs['dagster_url']})")
        try:
            failed = [c for c in latest_checks(outputs["dagster_url"]) if c.failed or c.warned]
            for c in failed:
                print(" ", line(c))
            if not failed:
                print("  none")
        except DagsterApiError as exc:
            ok = False
            print(f"  unknown ({exc})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
