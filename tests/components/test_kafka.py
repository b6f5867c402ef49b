"""The Kafka broker and its topics as the component declares them (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from components.foundation import Foundation, FoundationArgs
from components.kafka import KafkaBroker, KafkaBrokerArgs, cluster_id
from payments.events import EVENT_TYPES
from payments.webhooks import WEBHOOK_TOPICS
from tests.required import REQUIRED_TOPICS


def _stack(settings):
    foundation = Foundation("foundation", FoundationArgs(settings))
    kafka = KafkaBroker("kafka", KafkaBrokerArgs(settings, foundation.network_name, foundation.base_image_ref))
    return foundation, kafka


@pulumi.runtime.test
def test_kafka_is_published_on_loopback_at_the_configured_port(mocks, stack_config):
    settings = stack_config({"kafka": {"hostPort": 19092}})
    _, kafka = _stack(settings)

    def check(servers):
        assert servers == "127.0.0.1:19092"
        broker = mocks.resources["kafka-broker"].inputs
        assert broker["ports"] == [{"internal": 9092, "external": 19092, "ip": "127.0.0.1", "protocol": "tcp"}]
        # Host clients are told to come back to the published port, not the container's.
        assert broker["envs"]["KAFKA_EXTERNAL_PORT"] == "19092"
        assert broker["envs"]["KAFKA_EXTERNAL_HOST"] == "127.0.0.1"

    return kafka.bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_kafka_joins_the_stack_network_as_kafka_with_data_on_a_volume(mocks, stack_config):
    settings = stack_config({"namePrefix": "lh-unit"})
    _, kafka = _stack(settings)

    def check(internal):
        assert internal == "kafka:29092"
        broker = mocks.resources["kafka-broker"].inputs
        assert broker["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["kafka"]}]
        assert broker["volumes"] == [
            {"container_path": "/var/lib/kafka/data", "volume_name": "lh-unit-kafka-data", "read_only": False}
        ]
        assert broker["name"] == "lh-unit-kafka"
        assert broker["healthcheck"]["tests"] == ["CMD", "/opt/kafka/bin/healthcheck"]
        assert broker["memory"] == 1024
        assert broker["envs"]["KAFKA_HEAP_OPTS"] == "-Xms512m -Xmx512m"

    return kafka.internal_bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_kafka_image_is_built_from_the_repo_on_the_stack_base_image(mocks, stack_config):
    _, kafka = _stack(stack_config({}))

    def check(args):
        image_ref, _ = args
        image = mocks.resources["kafka-image"].inputs
        assert image["build"]["context"] == "images/kafka"
        assert image["build"]["args"] == {"BASE_IMAGE": "foundation-base-image:mock"}
        assert len(image["context_digest"]) == 64
        assert mocks.resources["kafka-broker"].inputs["image"] == image_ref

    return pulumi.Output.all(kafka.image.image_ref, kafka.container.container_id).apply(check)


def test_cluster_id_is_stable_per_stack_and_distinct_between_stacks():
    assert cluster_id("p", "dev") == cluster_id("p", "dev")
    assert cluster_id("p", "dev") != cluster_id("p", "ci")
    assert len(cluster_id("p", "dev")) == 22  # KRaft's form: base64 of 16 bytes, unpadded
    # A leading '-' makes kafka-storage fail to format (stack t9d5fd2dc hit it in CI).
    ids = [cluster_id("streaming-lakehouse", stack) for stack in ["t9d5fd2dc", *(f"t{i}" for i in range(2000))]]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(i) == 22 for i in ids)


@pulumi.runtime.test
def test_topics_are_declared_against_the_brokers_host_listener(mocks, stack_config):
    _, kafka = _stack(stack_config({"kafka": {"hostPort": 19092}, "topics": {"payment_charges": {"partitions": 3}}}))

    def check(names):
        assert set(REQUIRED_TOPICS) <= set(names), "the four required topics exist by default"
        assert names == [*(e.name for e in EVENT_TYPES), *WEBHOOK_TOPICS], "each event type's and webhook topic"
        for name in names:
            topic = mocks.resources[f"kafka-topic-{name}"].inputs
            assert topic["bootstrap_servers"] == "127.0.0.1:19092", name
            assert topic["config"]["cleanup.policy"] == "delete", name
            assert (topic["partitions"], topic["replication_factor"]) == (3 if name == "payment_charges" else 1, 1)

    return kafka.topic_names.apply(check)
