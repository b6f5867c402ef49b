"""The validation job as the component declares it (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from payments.events import EVENT_TYPES
from tests.required import REQUIRED_TABLES


@pulumi.runtime.test
def test_one_job_inserts_every_stream_into_its_tables(mocks, program):
    job = program({"validation": {"maxAmount": 5000}})["validation"]

    def check(_):
        inputs = mocks.resources["validation-job"].inputs
        targets = sorted(s.split()[2] for s in inputs["inserts"])
        # One INSERT into each of the two tables of every event type, all in this one job.
        assert targets == sorted(f"lakehouse.payments_db.{q}{e.name}" for e in EVENT_TYPES for q in ("", "quarantine_"))
        assert {f"lakehouse.payments_db.{t}" for t in REQUIRED_TABLES} <= set(targets)
        connections, setup = "\n".join(inputs["connections"]), "\n".join(inputs["setup"])
        for e in EVENT_TYPES:  # the job reads every type's topic
            assert f"'topic' = '{e.name}'" in connections, e.name
        assert "'uri' = 'http://catalog:8181/'" in connections
        # The catalog hands out no storage settings: the job names Flink's endpoint (its key is its environment).
        assert "'s3.endpoint' = 'http://minio:9000'" in connections
        assert "secret" not in connections
        assert "'properties.bootstrap.servers' = 'kafka:29092'" in connections
        assert "'5000') > 0 THEN 'INVALID_AMOUNT_TOO_LARGE'" in setup, "the configured bound is the rule the job runs"
        assert "kafka:29092" not in setup, "no endpoint in the part previews show"
        assert "catalog:8181" not in setup
        assert inputs["state_store"]["access_key"] == "flink"

    return job.job_id.apply(check)
