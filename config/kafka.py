"""The `kafka` and `topics` sections: the broker the stack runs, or external brokers, and the topics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from config.fields import Form, HostPorts, Port, Section, int_field, rule, text_field
from providers.kafka.security import KafkaClientSecurity


class KafkaExternal(Section):
    """`kafka.external`: brokers the stack does not run; topics are still created and managed on them.
    The SASL password is the secret `kafkaSaslPassword`."""

    bootstrap_servers: HostPorts = Field(
        description="the brokers as this machine reaches them (Pulumi manages the topics from here)"
    )
    engine_bootstrap_servers: HostPorts | None = Field(
        None, description="the brokers as Flink and the generators reach them; unset: the same"
    )
    security_protocol: Annotated[
        Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"],
        Form("one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
    ] = Field("PLAINTEXT", description="how clients connect: TLS (SSL), SASL authentication, both or neither")
    sasl_mechanism: (
        Annotated[
            Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], Form("one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512")
        ]
        | None
    ) = Field(None, description="the SASL mechanism; required with a SASL_* securityProtocol")
    sasl_username: text_field("a user name", r"^\S+$") | None = Field(
        None, description="the SASL user; its password is the secret `kafkaSaslPassword`"
    )
    ca_file: text_field("an absolute path to a PEM file of CA certificates", r"^/") | None = Field(
        None,
        description="CA certificates of the brokers' TLS listener; read at preview and handed to the engines inline",
    )

    @model_validator(mode="after")
    def _security_complete(self) -> KafkaExternal:
        sasl = self.security_protocol.startswith("SASL_")
        for field, value in (("saslMechanism", self.sasl_mechanism), ("saslUsername", self.sasl_username)):
            if sasl and value is None:
                raise rule(field, f": required with securityProtocol {self.security_protocol}")
            if not sasl and value is not None:
                raise rule(field, " needs securityProtocol SASL_PLAINTEXT or SASL_SSL")
        if self.ca_file is not None and not self.security_protocol.endswith("SSL"):
            raise rule("caFile", " needs securityProtocol SSL or SASL_SSL (TLS)")
        return self


class KafkaConfig(Section):
    """`kafka`: the stack's Kafka broker (KRaft, one node), or brokers it does not run."""

    external: KafkaExternal | None = Field(
        None, description="brokers the stack does not run: set, it starts no Kafka container"
    )
    # Put before every topic name the stack declares, so several stacks can share one Kafka cluster.
    topic_prefix: text_field("letters, digits, '.', '_' or '-'", r"^[A-Za-z0-9._-]{0,100}$") = Field(
        "",
        description=(
            "put before every topic name the stack declares (its generators and job use the prefixed names), so"
            " several stacks can share one Kafka cluster"
        ),
    )
    host_port: Port = Field(9092, description="host port of Kafka's external listener")
    memory_mb: int_field("a memory limit in MiB", 256, 65536) = Field(
        1024, description="the broker's container memory limit (MiB)"
    )
    heap_mb: int_field("a JVM heap size in MiB", 128, 32768) = Field(
        512, description="the broker's JVM heap (MiB), below `memoryMb`"
    )

    @model_validator(mode="after")
    def _heap_fits(self) -> KafkaConfig:
        if self.heap_mb >= self.memory_mb:
            raise rule("heapMb", f" ({self.heap_mb}) must be below kafka.memoryMb ({self.memory_mb})")
        return self


@dataclass(frozen=True)
class TopicSettings:
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str]  # Kafka topic configs, the defaults included


class KafkaSettings(KafkaConfig):
    topics: tuple[TopicSettings, ...] = ()  # from the `topics` key, names prefixed with topicPrefix
    # How clients authenticate and encrypt (the secret `kafkaSaslPassword` in it): PLAINTEXT when managed.
    security: KafkaClientSecurity = KafkaClientSecurity()

    def topic(self, event_type: str) -> str:
        """The topic an event type's events go to (`payments.events` names it; the stack may prefix it)."""
        return self.topic_prefix + event_type


class TopicConfig(Section):
    """`topics.<name>`: one Kafka topic. Every event type's topic exists whether named here or not."""

    partitions: int_field("a partition count", 1, 1000) = Field(
        1, description="partitions; increases apply in place, decreases are refused at preview"
    )
    replication_factor: int_field("a replication factor (single broker)", 1, 1) = Field(
        1, description="replicas of each partition; the stack's single broker allows 1"
    )
    config: Annotated[
        dict[str, StrictStr | StrictInt | StrictBool],
        Form("a mapping of Kafka topic config names to values"),
    ] = Field(
        {}, description="any Kafka topic config, over the stack's defaults for every topic; changes apply in place"
    )


DEFAULT_TOPIC_CONFIG = {"retention.ms": str(7 * 24 * 3600 * 1000), "cleanup.policy": "delete"}
