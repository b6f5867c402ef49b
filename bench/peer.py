"""The peer: Apache Iceberg's Kafka Connect sink (images/kafka-connect), what a user would run instead
to land a topic in Iceberg. It validates nothing: each JSON object is written as it is, every field as
text, to a table of the charge's JSON keys, committing on the same interval as the job checkpoints.

It cannot take every record the job takes: a value that is JSON but not an object (an array, a number)
stops its task, and its converter cannot read the rest. So it reads a topic of the same backlog less
those (`workload.is_json_object`): fewer records, and an easier job, than ours gets.

It runs in a container started only for the benchmark, on the stack's network, against the same
broker, catalog and bucket, with the Flink engines' storage key; it is removed afterwards with its
table, topics and consumer groups.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, StringType
from requests.adapters import HTTPAdapter
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed
from urllib3.util.retry import Retry

from bench.stack import BENCH_LABEL, BenchError, BenchStack
from components.service import build_service_image
from payments.events import CHARGES
from providers.iceberg.catalog import s3_io_properties
from providers.polling import poll_until

CONNECT_PORT = 8083
CONNECTOR_CLASS = "org.apache.iceberg.connect.IcebergSinkConnector"


def image(stack: BenchStack) -> str:
    """images/kafka-connect on the stack's base image, built once and kept like the stack's images."""
    labels = {"com.pulumi.project": "streaming-lakehouse"}
    return build_service_image("kafka-connect", stack.outputs["base_image"], labels)


def _http() -> requests.Session:
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=0.5, status_forcelist=(500, 502, 503))))
    return http


class ConnectWorker:
    """One Kafka Connect worker (distributed mode, its own group and internal topics) and its REST API."""

    def __init__(self, stack: BenchStack, image_ref: str) -> None:
        self.stack = stack
        self.id = f"bench-{stack.run}-connect-{uuid.uuid4().hex[:4]}"
        self.http = _http()
        self.container = stack.docker.containers.run(
            image_ref,
            name=self.id,
            detach=True,
            network=stack.outputs["network"],
            labels={BENCH_LABEL: stack.run},
            ports={f"{CONNECT_PORT}/tcp": ("127.0.0.1", None)},
            environment={
                "CONNECT_BOOTSTRAP_SERVERS": stack.internal_bootstrap,
                "CONNECT_GROUP_ID": self.id,
                "CONNECT_CONFIG_STORAGE_TOPIC": f"_{self.id}-configs",
                "CONNECT_OFFSET_STORAGE_TOPIC": f"_{self.id}-offsets",
                "CONNECT_STATUS_STORAGE_TOPIC": f"_{self.id}-status",
                # The Flink engines' own storage key: connector configs name it as ${env:AWS_...}.
                **{k: v for k, v in stack.engine_env.items() if k.startswith("AWS_")},
            },
        )
        self.container.reload()
        port = self.container.attrs["NetworkSettings"]["Ports"][f"{CONNECT_PORT}/tcp"][0]["HostPort"]
        self.url = f"http://127.0.0.1:{port}"
        self._wait_ready()

    @retry(stop=stop_after_delay(180), wait=wait_fixed(1), retry=retry_if_exception_type(requests.RequestException))
    def _wait_ready(self) -> None:
        self.http.get(f"{self.url}/connectors", timeout=5).raise_for_status()

    def start_sink(self, name: str, topic: str, table: str, commit_interval_ms: int, tasks: int) -> None:
        o = self.stack.outputs
        control = f"{self.id}-{name}-control"
        self.stack.create_topic(control, partitions=1)
        config = {
            "connector.class": CONNECTOR_CLASS,
            "tasks.max": str(tasks),
            "topics": topic,
            "consumer.override.auto.offset.reset": "earliest",
            "iceberg.tables": table,
            "iceberg.control.topic": control,
            "iceberg.control.commit.interval-ms": str(commit_interval_ms),
            "iceberg.catalog.type": "rest",
            "iceberg.catalog.uri": o["iceberg_catalog_internal_uri"],
            "iceberg.catalog.warehouse": o["iceberg_warehouse"],
            **{
                f"iceberg.catalog.{k}": v
                for k, v in s3_io_properties(o["s3_internal_endpoint"], o["s3_region"], o["s3_path_style"]).items()
            },
            "iceberg.catalog.s3.access-key-id": "${env:AWS_ACCESS_KEY_ID}",
            "iceberg.catalog.s3.secret-access-key": "${env:AWS_SECRET_ACCESS_KEY}",
        }
        response = self.http.put(f"{self.url}/connectors/{name}/config", json=config, timeout=30)
        if not response.ok:
            raise BenchError(f"Kafka Connect refused connector {name}: {response.status_code} {response.text[:500]}")

    def failed_tasks(self, name: str) -> list[str]:
        status = self.http.get(f"{self.url}/connectors/{name}/status", timeout=10).json()
        return [t.get("trace", "")[:800] for t in status.get("tasks", []) if t.get("state") == "FAILED"]

    def remove(self) -> None:
        self.container.remove(force=True, v=True)
        admin = self.stack.kafka_admin
        self.stack.delete_topics([t for t in admin.list_topics(timeout=10).topics if self.id in t])
        # The sink's consumer groups: the connector's own, its coordinator's, one per task on the control topic.
        self.stack.delete_groups(f"connect-iceberg-{self.stack.run}", "cg-control-")


@contextmanager
def worker(stack: BenchStack, image_ref: str) -> Iterator[ConnectWorker]:
    w = ConnectWorker(stack, image_ref)
    try:
        yield w
    finally:
        w.remove()


def _raw_schema() -> Schema:
    """A charge's JSON keys as text columns: what landing JSON without validating it gives."""
    return Schema(
        *(NestedField(i, f.json_key, StringType(), required=False) for i, f in enumerate(CHARGES.fields, start=1))
    )


def sink_rate(
    stack: BenchStack, connect: ConnectWorker, topic: str, records: int, label: str, commit_interval_ms: int, tasks: int
) -> float:
    """Records/s from creating the sink on `topic` until `records` rows are committed to its table."""
    namespace = f"bench_{stack.run}_{label}"
    stack.catalog.create_namespace_if_not_exists(namespace)
    table = f"{namespace}.charges"
    stack.catalog.create_table(table, _raw_schema())
    name = f"iceberg-{stack.run}-{label}"
    try:
        started = time.monotonic()
        connect.start_sink(name, topic, table, commit_interval_ms, tasks)

        def committed() -> float | None:
            if stack.committed_records([table]) >= records:
                return records / (time.monotonic() - started)
            if failed := connect.failed_tasks(name):
                raise BenchError(f"the Iceberg sink's task failed: {failed[0]}")
            return None

        if (rate := poll_until(committed, 1800, 0.5)) is not None:
            return rate
        raise BenchError(f"the Iceberg sink committed {stack.committed_records([table])} of {records} in 1800s")
    finally:
        connect.http.delete(f"{connect.url}/connectors/{name}", timeout=30)
        stack.drop_namespace(namespace)
