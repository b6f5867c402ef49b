"""The running stack as the benchmarks see it: endpoints, its containers, its catalog and its bucket."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlparse

import docker
from confluent_kafka.admin import AdminClient, NewTopic
from docker.models.containers import Container
from minio import Minio
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import NoSuchNamespaceError
from pyiceberg.table import Table

from lakehouse.outputs import stack_outputs
from providers.docker.client import LABEL_STACK, client
from providers.polling import poll_until

BENCH_LABEL = "streaming-lakehouse.bench"  # on every container the benchmarks start: removed at the end


class BenchError(RuntimeError):
    """A benchmark could not be run or did not finish: the message says which and why."""


@dataclass
class BenchStack:
    """The stack `name` (its outputs read with secrets) and a run id that names what the benchmarks make."""

    name: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    @cached_property
    def outputs(self) -> dict[str, Any]:
        return stack_outputs(self.name, secrets=True)

    @cached_property
    def docker(self) -> docker.DockerClient:
        return client()

    def containers(self) -> list[Container]:
        """The stack's own running containers (not the benchmarks')."""
        found = self.docker.containers.list(filters={"label": f"{LABEL_STACK}={self.name}"})
        return [c for c in found if BENCH_LABEL not in c.labels]

    def container(self, suffix: str) -> Container:
        for c in self.containers():
            if c.name.endswith(f"-{suffix}"):
                return c
        raise BenchError(f"stack {self.name} has no running container *-{suffix}: is it up (make up)?")

    @cached_property
    def engine_env(self) -> dict[str, str]:
        """The Flink TaskManager's environment: the benchmarks use the Flink engines' own storage key
        (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), never the root credentials."""
        return dict(e.split("=", 1) for e in self.container("flink-taskmanager1").attrs["Config"]["Env"])

    @property
    def bootstrap(self) -> str:
        return self.outputs["kafka_bootstrap_servers"]

    @property
    def internal_bootstrap(self) -> str:
        return self.outputs["kafka_internal_bootstrap_servers"]

    @cached_property
    def kafka_admin(self) -> AdminClient:
        return AdminClient({"bootstrap.servers": self.bootstrap})

    def create_topic(self, topic: str, partitions: int) -> None:
        futures = self.kafka_admin.create_topics([NewTopic(topic, partitions, 1)])
        futures[topic].result(30)

    def delete_topics(self, topics: list[str]) -> None:
        if topics:
            for future in self.kafka_admin.delete_topics(topics).values():
                future.result(30)

    def delete_groups(self, *prefixes: str) -> None:
        """Delete the consumer groups whose ids start with one of `prefixes` (a group still held by a
        leaving member stays, to expire on its own)."""
        listed = [g.group_id for g in self.kafka_admin.list_consumer_groups().result(30).valid]
        mine = [g for g in listed if g.startswith(prefixes)]
        if mine:
            for future in self.kafka_admin.delete_consumer_groups(mine).values():
                future.exception(30)

    @cached_property
    def s3_properties(self) -> dict[str, str]:
        """Storage as this machine reaches it (the published endpoint), with the engines' key: the
        benchmarks read and drop what they wrote."""
        return {
            "s3.endpoint": self.outputs["s3_endpoint"],
            "s3.access-key-id": self.engine_env["AWS_ACCESS_KEY_ID"],
            "s3.secret-access-key": self.engine_env["AWS_SECRET_ACCESS_KEY"],
            "s3.region": "us-east-1",
        }

    @cached_property
    def catalog(self) -> RestCatalog:
        return RestCatalog(
            "lakehouse", uri=self.outputs["iceberg_catalog_uri"], warehouse=self.outputs["iceberg_warehouse"]
        )

    def table(self, identifier: str) -> Table:
        table = self.catalog.load_table(identifier)
        # The catalog hands out the storage endpoint containers use (http://minio:9000): not this machine's.
        table.io.properties.update(self.s3_properties)
        return table

    def committed_records(self, identifiers: list[str]) -> int:
        """Rows committed in the tables' current snapshots (0 for a table with none or not created yet)."""
        total = 0
        for identifier in identifiers:
            if not self.catalog.table_exists(identifier):
                continue
            snapshot = self.table(identifier).current_snapshot()
            if snapshot and snapshot.summary:
                total += int(snapshot.summary.get("total-records", "0"))
        return total

    def wait_committed(self, identifiers: list[str], records: int, timeout_s: float, poll_s: float = 0.5) -> float:
        """Block until `records` rows are committed across `identifiers`; the monotonic time it was seen."""
        seen = 0

        def committed() -> float | None:
            nonlocal seen
            seen = self.committed_records(identifiers)
            return time.monotonic() if seen >= records else None

        if (at := poll_until(committed, timeout_s, poll_s)) is not None:
            return at
        raise BenchError(f"{seen} of {records} records committed to {', '.join(identifiers)} after {timeout_s:.0f}s")

    def drop_namespace(self, namespace: str) -> None:
        """Drop every table of `namespace`, their files in the bucket, and the namespace."""
        try:
            tables = self.catalog.list_tables(namespace)
        except NoSuchNamespaceError:
            return
        for identifier in tables:
            location = self.table(identifier).location()
            self.catalog.drop_table(identifier)
            self._remove_objects(location)
        self.catalog.drop_namespace(namespace)

    def _remove_objects(self, location: str) -> None:
        url = urlparse(location)  # s3://bucket/path
        endpoint = urlparse(self.outputs["s3_endpoint"])
        minio = Minio(
            endpoint.netloc,
            access_key=self.engine_env["AWS_ACCESS_KEY_ID"],
            secret_key=self.engine_env["AWS_SECRET_ACCESS_KEY"],
            secure=endpoint.scheme == "https",
        )
        prefix = url.path.lstrip("/") + "/"
        for obj in minio.list_objects(url.netloc, prefix=prefix, recursive=True):
            minio.remove_object(url.netloc, obj.object_name)
