"""The job's SQL rendered for another topic and namespace (the benchmark's instance of the job)."""

from __future__ import annotations

import pytest

from flink_jobs.render import ValidationSettings, job_inserts, job_setup
from payments.events import EVENT_TYPES
from payments.tables import NAMESPACE

FIRST = EVENT_TYPES[0]


def _setup(topics: dict[str, str] | None) -> str:
    return "\n".join(job_setup(ValidationSettings(), "kafka:29092", "group", "lakehouse", "http://c", "w", topics))


def test_by_default_every_type_reads_its_own_topic_into_the_stacks_namespace():
    setup = _setup(None)
    inserts = "\n".join(job_inserts("lakehouse"))
    for event in EVENT_TYPES:
        assert f"'topic' = '{event.topic}'" in setup
        assert f"INSERT INTO lakehouse.{NAMESPACE}.{event.bronze_table}\n" in inserts
        assert f"INSERT INTO lakehouse.{NAMESPACE}.{event.quarantine_table}\n" in inserts


def test_an_instance_reads_only_the_given_topics_and_writes_only_the_given_namespace():
    setup = _setup({FIRST.name: "bench-1-topic"})
    inserts = job_inserts("lakehouse", "bench_1", [FIRST.name])
    assert "'topic' = 'bench-1-topic'" in setup
    assert all(f"'topic' = '{e.topic}'" not in setup for e in EVENT_TYPES)
    assert [s.splitlines()[0] for s in inserts] == [
        f"INSERT INTO lakehouse.bench_1.{FIRST.bronze_table}",
        f"INSERT INTO lakehouse.bench_1.{FIRST.quarantine_table}",
    ]


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="no such event type: payment_payouts"):
        job_inserts("lakehouse", "bench_1", ["payment_payouts"])
