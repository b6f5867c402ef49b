"""The job's Kafka source, rendered with a cluster's SASL settings, reads that cluster from Flink.

Flink's Kafka connector bundles a relocated Kafka client, so the JAAS login module must be named by its
relocated class: a unit test can only compare text, this one runs it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from flink_jobs.render import kafka_source_sql, options_sql, statements
from payments.events import EVENT_TYPES
from providers.docker.container import ContainerProvider
from providers.flink.gateway import session
from providers.kafka import KafkaClientSecurity
from tests.support import RUN, SASL_PASSWORD, SASL_USER, sasl_kafka

pytestmark = pytest.mark.docker  # needs a Docker engine

HOST, PORT = "kafka-sasl", 9092


@pytest.fixture(scope="module")
def sasl_bootstrap(flink_network: str, project_images: dict[str, str]) -> Iterator[str]:
    """A SASL/PLAIN broker on the throwaway Flink's network; its address as Flink reaches it."""
    broker = sasl_kafka(
        project_images["kafka"],
        f"lhtest-{RUN}-flink-kafka-sasl",
        HOST,
        PORT,
        auto_create=True,  # Flink's sink makes the topic it writes
        networks_advanced=[{"name": flink_network, "aliases": [HOST]}],
    )
    yield f"{HOST}:{PORT}"
    ContainerProvider().delete(broker.id, broker.outs)


def test_the_jobs_kafka_source_reads_a_sasl_cluster_with_the_stacks_settings(flink_gateway, sasl_bootstrap):
    security = KafkaClientSecurity("SASL_PLAINTEXT", "PLAIN", SASL_USER, SASL_PASSWORD)
    event, topic = EVENT_TYPES[0], f"sasl-{uuid.uuid4().hex[:8]}"
    client = security.java()
    sink = (
        f"CREATE TEMPORARY TABLE sink (payload STRING) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
        f"'properties.bootstrap.servers' = '{sasl_bootstrap}', 'format' = 'raw'{options_sql(client, 'properties.')})"
    )
    source = statements(kafka_source_sql(event, sasl_bootstrap, "sasl-test", topic, client))
    # The writing job must end before reading: DML waits for its job.
    with session(flink_gateway, {"table.dml-sync": "true"}) as s:
        s.execute(sink)
        s.execute("INSERT INTO sink VALUES ('{\"event_id\": \"a\"}'), ('not json')")
        for statement in source:
            s.execute(statement)
        rows = s.execute(
            f"SELECT payload, kafka_topic FROM raw_{event.name} /*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */"
        )
    assert sorted(r["payload"] for r in rows) == sorted(['{"event_id": "a"}', "not json"])
    assert {r["kafka_topic"] for r in rows} == {topic}
