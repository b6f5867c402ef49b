"""The job's SQL rendered for another topic and namespace (the benchmark's instance of the job)."""

from __future__ import annotations

import pytest

from flink_jobs.render import job_connections, job_inserts, job_setup, statements, validation_sql
from payments.events import EVENT_TYPES
from payments.tables import NAMESPACE
from payments.validation import ValidationSettings

FIRST = EVENT_TYPES[0]


def _setup(topics: dict[str, str] | None) -> str:
    return "\n".join(job_connections("kafka:29092", "group", "lakehouse", "http://c", "w", topics))


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


def test_the_views_are_those_of_the_chosen_types_only():
    views = "\n".join(job_setup(ValidationSettings(), [FIRST.name]))
    assert f"{FIRST.name}_validated" in views
    assert all(f"{e.name}_validated" not in views for e in EVENT_TYPES[1:])


def test_no_regular_expression_reads_input_text():
    # A backtracking regex on a field once stalled the job for minutes: every per-field check is one pass
    # in the job's functions.
    for event in EVENT_TYPES:
        assert "REGEXP" not in validation_sql(event, ValidationSettings()).upper(), event.name


PEM = "-----BEGIN CERTIFICATE-----\nMIIB;x\n-----END CERTIFICATE-----\n"


def test_credentials_and_certificates_survive_the_split_into_statements():
    # A JAAS config ends with ';' and a PEM certificate's lines start with '--': both are text in a literal.
    jaas = 'org.apache.flink.kafka.shaded.X required username="u" password="p;it\'s";'
    connections = job_connections(
        "k:9093",
        "group",
        "lakehouse",
        "http://c",
        "w",
        kafka_properties={"sasl.jaas.config": jaas, "ssl.truststore.certificates": PEM},
        catalog_properties={"credential": "id:secret", "scope": "PRINCIPAL_ROLE:ALL"},
    )
    assert len(connections) == 1 + len(EVENT_TYPES), "the catalog and one source per type"
    catalog, source = connections[0], connections[1]
    assert "'credential' = 'id:secret'" in catalog
    assert "'scope' = 'PRINCIPAL_ROLE:ALL'" in catalog
    assert "'properties.sasl.jaas.config' = '" + jaas.replace("'", "''") + "'" in source
    assert "'properties.ssl.truststore.certificates' = '" + PEM + "'" in source
    assert statements("SELECT ';' AS a; -- c;\nSELECT '--x'") == ["SELECT ';' AS a", "SELECT '--x'"]
