"""`KafkaBroker`: a single-node Apache Kafka in KRaft mode, with a listener for containers on the stack
network (`kafka:29092`) and one for the host on the configured loopback port, and the stack's topics.

With `kafka.external` it runs nothing: the topics are declared on those brokers with their security
settings, and the outputs name them, so nothing downstream knows the difference."""

from __future__ import annotations

import base64
import uuid

import pulumi

from components import external
from components.service import ServiceArgs, data_volume, service_image, when_ready
from providers.docker import (
    Container,
    ContainerArgs,
    ContainerPort,
    ContainerVolume,
    Healthcheck,
    NetworkAttachment,
)
from providers.kafka import KafkaClientSecurity, Topic, TopicArgs

INTERNAL_HOST = "kafka"
INTERNAL_PORT = 29092
CONTAINER_EXTERNAL_PORT = 9092
DATA_DIR = "/var/lib/kafka/data"


def cluster_id(project: str, stack: str) -> str:
    """A KRaft cluster id (base64 of a UUID) that is stable for a stack and distinct between stacks."""
    name = f"streaming-lakehouse/{project}/{stack}"
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid5(uuid.NAMESPACE_URL, name).bytes).decode().rstrip("=")
        # One id in 32 starts with '-', which kafka-storage reads as an option; Kafka's own generator skips those.
        if not text.startswith("-"):
            return text
        name += "/"


class KafkaBrokerArgs(ServiceArgs):
    """The stack's settings, network and base image; nothing else."""


class KafkaBroker(pulumi.ComponentResource):
    bootstrap_servers: pulumi.Output[str]  # as this machine reaches the brokers
    internal_bootstrap_servers: pulumi.Output[str]  # as the engines' containers reach them
    security: KafkaClientSecurity  # how clients connect (PLAINTEXT for the stack's own broker)
    client_config: pulumi.Output[dict[str, str]]  # the same as librdkafka properties; a secret with a password
    topic_names: pulumi.Output[list[str]]

    def __init__(self, name: str, args: KafkaBrokerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:KafkaBroker", name, None, opts)
        s = args.settings
        k = s.kafka
        child = pulumi.ResourceOptions(parent=self)
        self.security = k.security

        if k.external:
            external.probe_kafka("kafka.external.bootstrapServers", k.external.bootstrap_servers, k.security)
            self.bootstrap_servers = pulumi.Output.from_input(k.external.bootstrap_servers)
            self.internal_bootstrap_servers = pulumi.Output.from_input(
                k.external.engine_bootstrap_servers or k.external.bootstrap_servers
            )
        else:
            self._broker(name, args, child)
        plain = k.security.librdkafka()  # empty for PLAINTEXT
        self.client_config = pulumi.Output.secret(plain) if k.security.has_secret else pulumi.Output.from_input(plain)
        self.topics = {
            t.name: Topic(
                f"{name}-topic-{t.name}",
                TopicArgs(
                    name=t.name,
                    bootstrap_servers=self.bootstrap_servers,
                    partitions=t.partitions,
                    replication_factor=t.replication_factor,
                    config=t.config,
                    client_config=self.client_config if plain else None,
                ),
                child,
            )
            for t in k.topics
        }
        self.topic_names = pulumi.Output.all(*(topic.name for topic in self.topics.values()))
        self.register_outputs(
            {
                "bootstrap_servers": self.bootstrap_servers,
                "internal_bootstrap_servers": self.internal_bootstrap_servers,
                "topic_names": self.topic_names,
            }
        )

    def _broker(self, name: str, args: KafkaBrokerArgs, child: pulumi.ResourceOptions) -> None:
        s = args.settings
        k = s.kafka
        self.image = service_image(name, "kafka", s, args.base_image_ref, child)
        self.data = data_volume(name, "kafka", s, child)
        self.container = Container(
            f"{name}-broker",
            ContainerArgs(
                name=s.docker_name("kafka"),
                image=self.image.image_ref,
                labels=s.labels("kafka"),
                hostname=INTERNAL_HOST,
                envs={
                    "KAFKA_CLUSTER_ID": cluster_id(s.project, s.stack),
                    "KAFKA_INTERNAL_HOST": INTERNAL_HOST,
                    "KAFKA_INTERNAL_PORT": str(INTERNAL_PORT),
                    "KAFKA_EXTERNAL_HOST": s.bind_address,
                    # Advertised to host clients, so it must be the published port, not the container's.
                    "KAFKA_EXTERNAL_PORT": str(k.host_port),
                    "KAFKA_HEAP_OPTS": f"-Xms{k.heap_mb}m -Xmx{k.heap_mb}m",
                },
                ports=[ContainerPort(internal=CONTAINER_EXTERNAL_PORT, external=k.host_port, ip=s.bind_address)],
                volumes=[ContainerVolume(container_path=DATA_DIR, volume_name=self.data.name)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[INTERNAL_HOST])],
                memory=k.memory_mb,
                healthcheck=Healthcheck(tests=["CMD", "/opt/kafka/bin/healthcheck"]),
                wait_timeout=240,
            ),
            child,
        )
        self.bootstrap_servers = when_ready(self.container, f"{s.bind_address}:{k.host_port}")
        self.internal_bootstrap_servers = when_ready(self.container, f"{INTERNAL_HOST}:{INTERNAL_PORT}")
