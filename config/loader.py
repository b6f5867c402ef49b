"""`load`: the stack's config read once, validated up front, typed as `StackSettings`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pulumi
from pydantic import SecretStr, ValidationError

from config.dagster import DagsterSettings
from config.docker import BaseImageSettings, DockerNaming
from config.engines import FlinkSettings, TrinoSettings
from config.errors import ConfigError, config_error
from config.fields import NAMESPACE
from config.kafka import DEFAULT_TOPIC_CONFIG, KafkaExternal, KafkaSettings, TopicConfig, TopicSettings
from config.pipeline import GeneratorSettings
from config.stack import StackConfig
from config.storage import CatalogSettings, MinioSettings
from config.webhooks import WebhooksSettings, webhooks_settings
from payments.events import EVENT_TYPES, TOPICS
from payments.validation import ValidationSettings
from payments.webhooks import WEBHOOK_TOPICS
from providers.kafka.security import KafkaClientSecurity


@dataclass(frozen=True)
class StackSettings(DockerNaming):
    bind_address: str  # host address published ports listen on
    base_image: BaseImageSettings
    kafka: KafkaSettings
    minio: MinioSettings
    catalog: CatalogSettings
    flink: FlinkSettings
    trino: TrinoSettings
    dagster: DagsterSettings
    validation: ValidationSettings
    generators: tuple[GeneratorSettings, ...]
    problem_rates: dict[str, float]  # by template placeholder name: NULL_VARIATION
    webhooks: WebhooksSettings

    def runs_containers(self) -> bool:
        """Whether the stack runs any container of its own (else it needs no network and no images)."""
        managed = [self.kafka.external, self.minio.external, self.catalog.external, self.flink.external]
        return (
            any(m is None for m in managed)
            or self.trino.enabled
            or any(g.enabled for g in self.generators)
            or self.webhooks.receiver.enabled
        )


def _object(cfg: pulumi.Config, key: str) -> Any:
    try:
        return cfg.get_object(key)
    except (ValueError, pulumi.ConfigTypeError) as exc:
        raise ConfigError(f"{NAMESPACE}:{key}: expected an object (YAML mapping), got {cfg.get(key)!r}") from exc


def _secret(cfg: pulumi.Config, key: str, needed_by: str) -> SecretStr:
    """A secret key's plain value, kept wrapped (components hand it on as a Pulumi secret)."""
    value = cfg.get(key)  # a secret's plain text: the endpoint probes need it before any resource exists
    if not value:
        raise ConfigError(
            f"{NAMESPACE}:{key}: required with {NAMESPACE}:{needed_by} (pulumi config set --secret {key} <value>)"
        )
    return SecretStr(value)


def _kafka_security(cfg: pulumi.Config, ext: KafkaExternal) -> KafkaClientSecurity:
    ca_pem = None
    if ext.ca_file is not None:
        try:
            ca_pem = Path(ext.ca_file).read_text()
        except OSError as exc:
            raise ConfigError(f"{NAMESPACE}:kafka.external.caFile: cannot read {ext.ca_file}: {exc.strerror}") from exc
        if "-----BEGIN CERTIFICATE-----" not in ca_pem:
            raise ConfigError(f"{NAMESPACE}:kafka.external.caFile: {ext.ca_file} holds no PEM certificate")
    sasl = ext.security_protocol.startswith("SASL_")
    password = _secret(cfg, "kafkaSaslPassword", "kafka.external.saslUsername") if sasl else None
    return KafkaClientSecurity(
        security_protocol=ext.security_protocol,
        sasl_mechanism=ext.sasl_mechanism,
        sasl_username=ext.sasl_username,
        sasl_password=password.get_secret_value() if password else None,
        ca_pem=ca_pem,
    )


def load(cfg: pulumi.Config | None = None, project: str | None = None, stack: str | None = None) -> StackSettings:
    """Read and validate the stack's config. Raises ConfigError with one line per bad key (in StackConfig's
    field order), each naming the key, what it expects and what it got."""
    cfg = cfg or pulumi.Config(NAMESPACE)
    project = project or pulumi.get_project()
    stack = stack or pulumi.get_stack()

    raw: dict[str, Any] = {
        "namePrefix": cfg.get("namePrefix") or f"lakehouse-{stack}".lower(),
        "bindAddress": cfg.get("bindAddress") or "127.0.0.1",
    }
    for key in (f.alias for f in StackConfig.model_fields.values() if f.alias not in raw):
        value = _object(cfg, key)  # the structured keys: sections, and mappings of names to sections
        if value is not None:
            raw[key] = value
    try:
        c = StackConfig.model_validate(raw)
    except ValidationError as exc:
        raise config_error(StackConfig, exc, raw) from None

    # The event types' topics and the webhook edge's always exist (with the receiver off too: a topic goes
    # with its records); `topics` tunes them and adds more.
    declared = (*TOPICS, *WEBHOOK_TOPICS)
    topics = tuple(
        TopicSettings(
            name,
            t.partitions,
            t.replication_factor,
            {**DEFAULT_TOPIC_CONFIG, **{k: str(v) for k, v in t.config.items()}},
        )
        for name in [*declared, *sorted(set(c.topics) - set(declared))]
        for t in [c.topics.get(name) or TopicConfig()]
    )
    generators = tuple(
        GeneratorSettings(e.name, g.enabled, g.interval or e.generator_interval, g.events_per_interval)
        for e in EVENT_TYPES
        for g in [getattr(c.generators, e.name)]
    )
    ext_kafka, ext_s3, ext_catalog = c.kafka.external, c.minio.external, c.catalog.external
    return StackSettings(
        project=project,
        stack=stack,
        name_prefix=c.name_prefix,
        bind_address=raw["bindAddress"],  # as written: the address was only checked
        base_image=c.base_image,
        kafka=KafkaSettings(
            **c.kafka.model_dump(),
            topics=tuple(replace(t, name=c.kafka.topic_prefix + t.name) for t in topics),
            security=_kafka_security(cfg, ext_kafka) if ext_kafka else KafkaClientSecurity(),
        ),
        minio=MinioSettings(
            **c.minio.model_dump(),
            root_password=cfg.get_secret("minioRootPassword"),
            secret_access_key=_secret(cfg, "s3SecretAccessKey", "minio.external") if ext_s3 else None,
        ),
        catalog=CatalogSettings(
            **c.catalog.model_dump(),
            credential=SecretStr(v) if ext_catalog and (v := cfg.get("catalogCredential")) else None,
        ),
        flink=c.flink,
        trino=c.trino,
        dagster=c.dagster,
        validation=ValidationSettings(tuple(c.validation.currencies), c.validation.max_amount),
        generators=generators,
        problem_rates={key.upper(): rate for key, rate in c.problem_rates.model_dump().items()},
        webhooks=webhooks_settings(c.webhooks),
    )
