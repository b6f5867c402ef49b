"""`Topic`: a Kafka topic (official provider: kafka.Topic).

Partitions can only grow in Kafka, so an increase updates in place and a decrease is refused at
preview (`check`); topic configs update in place; a new name or replication factor replaces the topic.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass, field
from typing import Any

import pulumi
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewPartitions,
    NewTopic,
)
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from providers.errors import KafkaTopicError
from providers.polling import poll_until
from providers.props import to_props

TIMEOUT_S = 30
READ_TIMEOUT_S = 10


@dataclass
class TopicArgs:
    name: str
    # Where the provider reaches the broker from this machine (pulumi-kafka: provider `bootstrapServers`).
    bootstrap_servers: pulumi.Input[str]
    partitions: int = 1
    replication_factor: int = 1
    config: dict[str, str] = field(default_factory=dict)
    # librdkafka security properties (`KafkaClientSecurity.librdkafka()`; pulumi-kafka: the provider's TLS
    # and SASL settings); a secret when it holds a password. None: PLAINTEXT.
    client_config: pulumi.Input[dict[str, str]] | None = None


def _admin(props: dict[str, Any]) -> AdminClient:
    return AdminClient(
        {
            **(props.get("client_config") or {}),
            "bootstrap.servers": props["bootstrap_servers"],
            "socket.timeout.ms": TIMEOUT_S * 1000,
            "log_level": 3,
        }
    )


def _wait(admin: AdminClient, futures: dict[Any, Any], what: str, tolerate: int | None = None) -> bool:
    """Resolve the futures; `admin` is passed to keep it alive meanwhile (a collected client cancels them).

    Returns False if a future failed with the `tolerate` error code, True if all succeeded.
    """
    for key, fut in futures.items():
        try:
            fut.result(timeout=TIMEOUT_S)
        except KafkaException as exc:
            error = exc.args[0] if exc.args else None
            if error is not None and tolerate is not None and error.code() == tolerate:
                return False
            raise KafkaTopicError(f"{what} {key}: {error.str() if error is not None else exc}") from exc
        except concurrent.futures.TimeoutError as exc:
            raise KafkaTopicError(f"{what} {key}: no answer from Kafka within {TIMEOUT_S}s") from exc
    return True


def _configs(props: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (props.get("config") or {}).items()}


class TopicProvider(ResourceProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        partitions = int(news.get("partitions", 1))
        if partitions < 1:
            failures.append(CheckFailure("partitions", f"must be at least 1, got {partitions}"))
        if olds and olds.get("name") == news.get("name") and partitions < int(olds.get("partitions", 1)):
            failures.append(
                CheckFailure(
                    "partitions",
                    f"topic {news['name']}: cannot decrease partitions from {int(olds['partitions'])} to {partitions}"
                    " (Kafka can only add partitions); keep the count, or rename the topic to recreate it",
                )
            )
        if int(news.get("replication_factor", 1)) < 1:
            failures.append(CheckFailure("replication_factor", "must be at least 1"))
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        name = props["name"]
        topic = NewTopic(
            name,
            num_partitions=int(props.get("partitions", 1)),
            replication_factor=int(props.get("replication_factor", 1)),
            config=_configs(props),
        )
        admin = _admin(props)
        _wait(admin, admin.create_topics([topic], request_timeout=TIMEOUT_S), "creating topic")
        return CreateResult(name, dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("name", "replication_factor") if olds.get(k) != news.get(k)]
        in_place = [
            k for k in ("partitions", "config", "bootstrap_servers", "client_config") if olds.get(k) != news.get(k)
        ]
        return DiffResult(changes=bool(replaces or in_place), replaces=replaces, delete_before_replace=True)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        admin = _admin(news)
        if int(news["partitions"]) > int(olds["partitions"]):
            _wait(admin, admin.create_partitions([NewPartitions(id_, int(news["partitions"]))]), "adding partitions to")
        old_cfg, new_cfg = _configs(olds), _configs(news)
        if old_cfg != new_cfg:
            set_op, delete_op = AlterConfigOpType.SET, AlterConfigOpType.DELETE
            entries = [
                ConfigEntry(k, v, incremental_operation=set_op) for k, v in new_cfg.items() if old_cfg.get(k) != v
            ] + [ConfigEntry(k, None, incremental_operation=delete_op) for k in old_cfg if k not in new_cfg]
            resource = ConfigResource(ConfigResource.Type.TOPIC, id_, incremental_configs=entries)
            _wait(admin, admin.incremental_alter_configs([resource]), "changing the config of topic")
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        admin = _admin(props)
        try:
            metadata = admin.list_topics(topic=id_, timeout=READ_TIMEOUT_S).topics.get(id_)
        except KafkaException:
            # No broker answers (its container is being recreated, say): the topic lives on the broker's
            # volume, so nothing can be said about it; keep what the state knows rather than fail refresh.
            pulumi.log.warn(f"Kafka at {props['bootstrap_servers']} did not answer; topic {id_} left as recorded")
            return ReadResult(id_, props)
        missing = metadata is None or (
            metadata.error is not None and metadata.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART
        )
        if missing:
            return ReadResult("", {})
        partitions = metadata.partitions
        replication = len(next(iter(partitions.values())).replicas) if partitions else 0
        described = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, id_)])
        live = next(iter(described.values())).result(timeout=TIMEOUT_S)
        managed = {k: live[k].value for k in _configs(props) if k in live}
        outs = {**props, "partitions": len(partitions), "replication_factor": replication, "config": managed}
        return ReadResult(id_, outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        admin = _admin(props)
        futures = admin.delete_topics([id_], request_timeout=TIMEOUT_S)
        if not _wait(admin, futures, "deleting topic", tolerate=KafkaError.UNKNOWN_TOPIC_OR_PART):
            return  # already gone
        # Deletion is asynchronous: wait until the topic is gone, so a replacement can take the name.
        gone = poll_until(lambda: id_ not in admin.list_topics(timeout=TIMEOUT_S).topics or None, TIMEOUT_S, 0.5)
        if not gone:
            raise KafkaTopicError(f"topic {id_} still listed {TIMEOUT_S}s after its deletion was accepted")


class Topic(Resource, module="kafka", name="Topic"):
    name: pulumi.Output[str]
    partitions: pulumi.Output[int]

    def __init__(self, resource_name: str, args: TopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TopicProvider(), resource_name, to_props(args), opts)
