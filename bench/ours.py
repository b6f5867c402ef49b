"""The validation job as the benchmarks run it: the stack's own SQL, reading benchmark topics into tables
of a benchmark namespace, submitted beside the stack's job with its own consumer group and state.

The SQL is rendered by `flink_jobs.render` exactly as for the stack's job; only the topics and the
namespace differ, and the tables are made `LIKE` the stack's (same schema, partitioning, properties).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.stack import BenchStack
from components.validation import CATALOG_NAME
from flink_jobs.render import JOB_SETTINGS, job_connections, job_inserts, job_setup
from payments.events import EVENT_TYPES
from payments.tables import NAMESPACE
from payments.validation import ValidationSettings
from providers.flink import job as flink_job
from providers.iceberg.catalog import s3_io_properties

STATE_PREFIX = "_bench"


@dataclass
class RunningJob:
    job_id: str
    namespace: str
    tables: list[str]  # identifiers (namespace.table) of every table it writes
    started: float  # monotonic time the submission began


def _props(stack: BenchStack, name: str, topics: dict[str, str], namespace: str, settings: dict[str, str]) -> dict:
    o = stack.outputs
    connections = job_connections(
        stack.internal_bootstrap,
        name,  # the consumer group
        CATALOG_NAME,
        o["iceberg_catalog_internal_uri"],
        o["iceberg_warehouse"],
        topics=topics,
        catalog_properties=s3_io_properties(o["s3_internal_endpoint"], o["s3_region"], o["s3_path_style"]),
    )
    like = [f"CREATE DATABASE IF NOT EXISTS {CATALOG_NAME}.{namespace}"]
    for event in EVENT_TYPES:
        if event.name in topics:
            for table in (event.bronze_table, event.quarantine_table):
                like.append(
                    f"CREATE TABLE IF NOT EXISTS {CATALOG_NAME}.{namespace}.{table} "
                    f"LIKE {CATALOG_NAME}.{NAMESPACE}.{table}"
                )
    return {
        "name": name,
        "sql_gateway_url": o["flink_sql_gateway_url"],
        "rest_url": o["flink_ui_url"],
        "connections": connections,
        # The tables exist before the inserts that write them are planned.
        "setup": like + job_setup(ValidationSettings(), list(topics)),
        "inserts": job_inserts(CATALOG_NAME, namespace, list(topics)),
        "settings": settings,
        "state_store": {
            "endpoint": o["s3_endpoint"],
            "bucket": o["warehouse_bucket"],
            "access_key": stack.engine_env["AWS_ACCESS_KEY_ID"],
            "secret_key": stack.engine_env["AWS_SECRET_ACCESS_KEY"],
            "prefix": STATE_PREFIX,
        },
    }


@contextmanager
def validation_job(
    stack: BenchStack, label: str, topics: dict[str, str], parallelism: int, checkpoint_interval: str
) -> Iterator[RunningJob]:
    """Submit the job for `topics` (event type -> topic) into namespace `bench_<run>_<label>`; on exit,
    cancel it and drop its namespace with its files."""
    name = f"bench-{stack.run}-{label}"
    namespace = f"bench_{stack.run}_{label}".replace("-", "_")
    settings = {
        **JOB_SETTINGS,
        "parallelism.default": str(parallelism),
        "execution.checkpointing.interval": checkpoint_interval,
    }
    props = _props(stack, name, topics, namespace, settings)
    tables = [f"{namespace}.{t}" for e in EVENT_TYPES if e.name in topics for t in (e.bronze_table, e.quarantine_table)]
    started = time.monotonic()
    job_id = flink_job.submit(props, None)
    try:
        yield RunningJob(job_id, namespace, tables, started)
    finally:
        flink_job.cancel(props, job_id)
        stack.drop_namespace(namespace)
        stack.delete_groups(name)
