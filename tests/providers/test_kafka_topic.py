"""Topic provider against a real broker."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from confluent_kafka.admin import AdminClient, ConfigResource

from components import external
from providers.errors import KafkaTopicError
from providers.kafka.topic import TopicProvider

pytestmark = pytest.mark.docker  # needs a Docker engine


def _live(bootstrap: str, name: str) -> tuple[int, dict[str, str]] | None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic = admin.list_topics(timeout=20).topics.get(name)
    # (the provider's delete waits until the topic has left the metadata, so this is not racy)
    if topic is None:
        return None
    configs = next(iter(admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, name)]).values()))
    return len(topic.partitions), {k: v.value for k, v in configs.result(timeout=20).items()}


@pytest.fixture
def topic_props(kafka_bootstrap):
    # Numbers as the engine hands them over: floats.
    return {
        "name": f"test_topic_{uuid.uuid4().hex[:8]}",
        "bootstrap_servers": kafka_bootstrap,
        "partitions": 1.0,
        "replication_factor": 1.0,
        "config": {"retention.ms": "3600000", "cleanup.policy": "delete"},
    }


def test_topic_lifecycle_grows_partitions_and_changes_config_in_place(kafka_bootstrap, topic_props):
    p = TopicProvider()
    name = topic_props["name"]
    created = p.create(topic_props)
    assert created.id == name
    partitions, configs = _live(kafka_bootstrap, name)
    assert partitions == 1
    assert configs["retention.ms"] == "3600000"

    grown = {**topic_props, "partitions": 3.0, "config": {"retention.ms": "7200000"}}
    diff = p.diff(name, created.outs, grown)
    assert (diff.changes, diff.replaces) == (True, [])
    p.update(name, created.outs, grown)
    partitions, configs = _live(kafka_bootstrap, name)
    assert partitions == 3
    assert configs["retention.ms"] == "7200000"
    assert configs["cleanup.policy"] == "delete"  # dropped from our config: back to the broker default

    read = p.read(name, grown)
    assert (read.id, read.outs["partitions"], read.outs["config"]) == (name, 3, {"retention.ms": "7200000"})

    p.delete(name, grown)
    assert _live(kafka_bootstrap, name) is None
    assert p.read(name, grown).id == ""
    p.delete(name, grown)  # already gone: fine


def test_decreasing_partitions_is_refused_at_check(topic_props):
    olds = {**topic_props, "partitions": 3.0}
    failures = TopicProvider().check(olds, {**topic_props, "partitions": 1.0}).failures
    assert [f.property for f in failures] == ["partitions"]
    assert "cannot decrease partitions from 3 to 1" in failures[0].reason
    assert TopicProvider().check(olds, {**topic_props, "partitions": 4.0}).failures == []


def test_name_or_replication_changes_replace_the_topic(topic_props):
    p = TopicProvider()
    assert p.diff("t", topic_props, {**topic_props, "name": "other"}).replaces == ["name"]
    assert p.diff("t", topic_props, {**topic_props, "replication_factor": 2.0}).replaces == ["replication_factor"]
    assert p.diff("t", topic_props, dict(topic_props)).changes is False


def test_creating_a_topic_that_exists_fails_with_a_clear_error(topic_props):
    p = TopicProvider()
    created = p.create(topic_props)
    try:
        with pytest.raises(KafkaTopicError, match="already exists"):
            p.create(topic_props)
    finally:
        p.delete(created.id, created.outs)


def test_refresh_without_a_broker_keeps_the_recorded_topic(topic_props):
    unreachable = {**topic_props, "bootstrap_servers": "127.0.0.1:1"}
    read = TopicProvider().read(topic_props["name"], unreachable)
    assert (read.id, read.outs) == (topic_props["name"], unreachable)


def test_a_sasl_broker_serves_the_stacks_credentials_and_refuses_wrong_ones(kafka_sasl):
    bootstrap, security = kafka_sasl
    key = "kafka.external.bootstrapServers"
    external.probe_kafka(key, bootstrap, security)  # answers: no error
    with pytest.raises(external.EndpointUnreachableError, match=f"streaming-lakehouse:{key}: Kafka at {bootstrap}"):
        external.probe_kafka(key, bootstrap, replace(security, sasl_password="wrong"))

    # The provider manages topics through the same settings (`client_config`), as a stack's Topic does.
    name = f"test_sasl_{uuid.uuid4().hex[:8]}"
    props = {"name": name, "bootstrap_servers": bootstrap, "partitions": 2.0, "replication_factor": 1.0}
    props["client_config"] = security.librdkafka()
    p = TopicProvider()
    p.create(props)
    assert p.read(name, props).outs["partitions"] == 2
    p.delete(name, props)
    assert p.read(name, props).id == ""
