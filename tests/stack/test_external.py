"""Stack B on stack A's infrastructure: Kafka, storage, catalog and Flink all external (`<service>.external`).

Stack A is the package's shared stack, run as `make up` runs one. Stack B points every service at A's
published endpoints, with its own topic prefix, namespace and job name, and keeps its Pulumi state in A's
MinIO through the S3 backend, as a team's stack would. B must create only its topics, tables and job,
land the golden cases exactly once in its own tables, and leave A's pipeline exactly as it found it when
destroyed. A's generators are paused meanwhile, so "as it found it" can be checked row for row.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
from minio import Minio
from pulumi import automation as auto

from lakehouse.lake import Key, Lake
from payments.events import EVENT_TYPES
from providers.docker.client import client
from tests.stack.conftest import ThrowawayStack
from tests.stack.ground_truth import Sender, assert_exactly_once, landed_once_caught_up
from tests.support import free_port

pytestmark = [pytest.mark.docker, pytest.mark.stack]  # drives a real stack

PREFIX = "b."
NAMESPACE = "payments_b"
JOB = "payments-validation-b"
STATE_BUCKET = "pulumi-state"


@pytest.fixture(scope="module")
def stack_a(shared_stack) -> tuple[ThrowawayStack, dict]:
    s, result = shared_stack
    return s, {k: v.value for k, v in result.outputs.items()}


def _config_b(a: dict) -> dict:
    """Every service external, at the addresses stack A publishes: the host's for Pulumi and the tests,
    the stack network's for A's engines, which run B's job."""
    return {
        "kafka": {
            "external": {
                "bootstrapServers": a["kafka_bootstrap_servers"],
                "engineBootstrapServers": a["kafka_internal_bootstrap_servers"],
            },
            "topicPrefix": PREFIX,
        },
        "minio": {
            "external": {
                "endpoint": a["s3_endpoint"],
                "engineEndpoint": a["s3_internal_endpoint"],
                "bucket": a["warehouse_bucket"],
                # Read-only suffices: A's Flink writes the checkpoints; B only finds them, and reads its tables.
                "accessKeyId": a["s3_reader_access_key_id"],
            }
        },
        "catalog": {
            "external": {
                "uri": a["iceberg_catalog_uri"],
                "engineUri": a["iceberg_catalog_internal_uri"],
                "warehouse": a["iceberg_warehouse"],
            },
            "namespace": NAMESPACE,
        },
        "flink": {
            "external": {"restUrl": a["flink_ui_url"], "sqlGatewayUrl": a["flink_sql_gateway_url"]},
            "jobName": JOB,  # the name is the job's state directory: one of its own in the shared bucket
        },
        "trino": {"enabled": False},
        "generators": {e.name: {"enabled": False} for e in EVENT_TYPES},
        # The webhook edge is containers of the stack's own: off, B runs none.
        "webhooks": {"receiver": {"enabled": False}},
        "s3SecretAccessKey": a["s3_reader_secret_access_key"],
    }


@pytest.fixture(scope="module")
def stack_b(stack_a, throwaway_stack) -> ThrowawayStack:
    """Stack B, not up yet, its state in a bucket of A's MinIO (the S3 backend, as README documents it)."""
    _, a = stack_a
    endpoint = urlparse(a["s3_endpoint"]).netloc
    root = Minio(endpoint, access_key=a["minio_root_user"], secret_key=a["minio_root_password"], secure=False)
    if not root.bucket_exists(STATE_BUCKET):
        root.make_bucket(STATE_BUCKET)
    return throwaway_stack(
        _config_b(a),
        backend=f"s3://{STATE_BUCKET}?endpoint=http://{endpoint}&use_path_style=true",
        env={
            "AWS_ACCESS_KEY_ID": a["minio_root_user"],
            "AWS_SECRET_ACCESS_KEY": a["minio_root_password"],
            "AWS_REGION": "us-east-1",
        },
    )


def _end_keys(bootstrap: str, topics: list[str]) -> set[Key]:
    """The last record of every non-empty partition of the topics."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "end-offsets", "enable.auto.commit": False})
    try:
        keys = set()
        for topic in topics:
            for partition in consumer.list_topics(topic, timeout=30).topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
                if high > low:
                    keys.add((topic, partition, high - 1))
        return keys
    finally:
        consumer.close()


def _rows_when_quiet(a: dict) -> dict[Key, list[tuple[str, str | None]]]:
    """A's rows by record, once A's job has landed everything in A's topics."""
    keys = _end_keys(a["kafka_bootstrap_servers"], [e.topic for e in EVENT_TYPES])
    return landed_once_caught_up(Lake(a), a["kafka_bootstrap_servers"], a["validation_consumer_group"], keys)


def _running_jobs(rest: str) -> dict[str, str]:
    """Name -> id of the jobs running on a Flink cluster."""
    jobs = requests.get(f"{rest}/jobs/overview", timeout=30).json()["jobs"]
    return {j["name"]: j["jid"] for j in jobs if j["state"] == "RUNNING"}


@pytest.fixture(scope="module")
def a_quiet(stack_a) -> Iterator[dict[Key, list[tuple[str, str | None]]]]:
    """A's generators paused for the module, and A's rows once its job has landed everything before."""
    s, a = stack_a
    generators = [client().containers.get(f"{s.prefix}-jr-{p}") for p in ("payments", "payment_subscriptions")]
    for c in generators:
        c.pause()
    time.sleep(2)  # what a generator had on the wire reaches the broker before the topics' ends are read
    try:
        yield _rows_when_quiet(a)
    finally:
        for c in generators:
            c.reload()
            if c.status == "paused":
                c.unpause()


def test_stack_b_on_stack_as_infrastructure_lands_its_events_and_leaves_a_untouched(stack_a, stack_b, a_quiet):
    _, a = stack_a
    a_job = _running_jobs(a["flink_ui_url"])["payments-validation"]

    events: list[auto.EngineEvent] = []
    stack_b.stack.preview(on_output=stack_b.on_output, on_event=events.append)
    planned = {e.resource_pre_event.metadata.type for e in events if e.resource_pre_event}
    assert not [t for t in planned if t.split(":")[-1] in ("Container", "Network", "Volume", "Image")], planned
    assert {t.split(":")[-1] for t in planned} >= {"Topic", "Namespace", "Table", "FlinkSqlJob"}, planned

    b = {k: v.value for k, v in stack_b.up().outputs.items()}
    assert b["validation_job_name"] == JOB
    assert _running_jobs(a["flink_ui_url"]) == {"payments-validation": a_job, JOB: b["validation_job_id"]}
    root = Minio(urlparse(a["s3_endpoint"]).netloc, a["minio_root_user"], a["minio_root_password"], secure=False)
    state = [o.object_name for o in root.list_objects(STATE_BUCKET, prefix=".pulumi/stacks/", recursive=True)]
    assert any(stack_b.name in name for name in state), f"B's state is in A's MinIO: {state}"

    sender = Sender(a["kafka_bootstrap_servers"])
    sender.send_golden(topic_prefix=PREFIX)
    assert {k[0] for k in sender.expected} == {PREFIX + e.topic for e in EVENT_TYPES}
    landed = landed_once_caught_up(Lake(b), b["kafka_bootstrap_servers"], b["validation_consumer_group"], sender.keys())
    assert_exactly_once(sender, landed, topic_prefix=PREFIX)
    assert {key[0] for key in landed} == {PREFIX + e.topic for e in EVENT_TYPES}, "B's tables hold only B's topics"

    # A rule change on B, previewed as a pull request's comment shows it: the SQL that changes, line by line.
    stack_b.stack.set_config("streaming-lakehouse:validation.maxAmount", auto.ConfigValue("500"), path=True)
    diff = stack_b.stack.preview(diff=True).stdout
    stack_b.stack.remove_config("streaming-lakehouse:validation.maxAmount", path=True)
    changed = [line.strip() for line in diff.splitlines() if "INVALID_AMOUNT_TOO_LARGE" in line]
    assert any(line.startswith("-") and "'1000000'" in line for line in changed), diff
    assert any(line.startswith("+") and "'500'" in line for line in changed), diff

    stack_b.destroy()
    assert _running_jobs(a["flink_ui_url"]) == {"payments-validation": a_job}, "B's job gone, A's the same job"
    topics = AdminClient({"bootstrap.servers": a["kafka_bootstrap_servers"]}).list_topics(timeout=30).topics
    assert not [t for t in topics if t.startswith(PREFIX)], "B's topics are gone"
    assert {e.topic for e in EVENT_TYPES} <= set(topics), "A's are not"
    catalog = Lake(a).catalog
    assert (NAMESPACE,) not in catalog.list_namespaces(), "B's namespace is gone"
    assert {(a["iceberg_namespace"],)} <= set(catalog.list_namespaces()), "A's is not"
    after = _rows_when_quiet(a)
    assert after == a_quiet, "A's rows are those it had before B came and went"
    assert Counter(t for rows in after.values() for t, _ in rows) == Counter(
        t for rows in a_quiet.values() for t, _ in rows
    )


def test_an_external_endpoint_that_does_not_answer_fails_preview_naming_key_and_address(stack_a, throwaway_stack):
    _, a = stack_a
    closed = f"http://127.0.0.1:{free_port()}"
    config = _config_b(a)
    config["flink"]["external"]["restUrl"] = closed
    s = throwaway_stack(config)
    with pytest.raises(auto.CommandError) as err:
        s.preview()
    assert f"streaming-lakehouse:flink.external.restUrl: Flink JobManager at {closed} does not answer" in str(err.value)
