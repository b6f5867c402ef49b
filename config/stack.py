"""`StackConfig`: the whole `streaming-lakehouse:` namespace as one model, with the rules across sections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, Field, IPvAnyAddress, model_validator

from config.dagster import DagsterSettings
from config.docker import BaseImageSettings
from config.engines import FlinkSettings, TrinoSettings
from config.fields import NAMESPACE, Form, Port, Section, TopicName, field_form, form_of, rule, text_field
from config.kafka import KafkaConfig, TopicConfig
from config.pipeline import Generators, ProblemRates, ValidationConfig
from config.storage import CatalogConfig, MinioConfig
from config.webhooks import WebhooksConfig


class StackConfig(Section):
    """The whole `streaming-lakehouse:` namespace, as `load` reads it."""

    name_prefix: text_field(
        "lower-case letters, digits, '.', '_' or '-' (at most 41 characters)", r"^[a-z0-9][a-z0-9_.-]{0,40}$"
    ) = Field(
        description="prefix of every Docker object name (network, containers, volumes); unset: `lakehouse-<stack>`"
    )
    bind_address: Annotated[IPvAnyAddress, Form("an IP address such as 127.0.0.1")] = Field(
        description="host address that published ports listen on; unset: `127.0.0.1`"
    )
    base_image: BaseImageSettings = Field(default_factory=BaseImageSettings, description="the base image")
    kafka: KafkaConfig = Field(default_factory=KafkaConfig, description="Kafka")
    # Every event type's topic, with its settings from here if any; and any other topic named here.
    topics: Annotated[dict[TopicName, TopicConfig], Form("a mapping of topic name to settings")] = Field(
        {}, description="settings of the event types' topics, and more topics"
    )
    minio: MinioConfig = Field(default_factory=MinioConfig, description="object storage")
    catalog: CatalogConfig = Field(default_factory=CatalogConfig, description="the Iceberg catalog")
    flink: FlinkSettings = Field(default_factory=FlinkSettings, description="Flink and the validation job")
    trino: TrinoSettings = Field(default_factory=TrinoSettings, description="Trino and dbt")
    dagster: DagsterSettings = Field(default_factory=DagsterSettings, description="Dagster")
    validation: ValidationConfig = Field(default_factory=ValidationConfig, description="the validation rules' settings")
    generators: Generators = Field(default_factory=Generators, description="the JR generators")
    problem_rates: ProblemRates = Field(default_factory=ProblemRates, description="injected problems")
    webhooks: WebhooksConfig = Field(
        default_factory=WebhooksConfig, description="the payment providers' webhooks: receiver and generators"
    )

    @model_validator(mode="before")
    @classmethod
    def _dagster_follows_trino(cls, data: Any) -> Any:
        # Unless set, Dagster runs exactly when Trino does: it has nothing to query without it.
        dagster, trino = data.get("dagster"), data.get("trino")
        unset = dagster is None or (isinstance(dagster, dict) and "enabled" not in dagster)
        if unset and isinstance(trino, dict) and "enabled" in trino:
            data = {**data, "dagster": {**(dagster or {}), "enabled": trino["enabled"]}}
        return data

    @model_validator(mode="after")
    def _dagster_needs_trino(self) -> StackConfig:
        if self.dagster.enabled and not self.trino.enabled:
            raise rule("dagster.enabled", ": needs trino.enabled: true (Dagster queries and runs dbt through Trino)")
        return self

    @model_validator(mode="after")
    def _ports_distinct(self) -> StackConfig:
        """Every host port a section or a section within it publishes (a field of type Port) is used once."""
        seen: dict[int, str] = {}
        for key, port in _published_ports(self, ""):
            if port in seen:
                raise rule(key, f": port {port} is already used by {NAMESPACE}:{seen[port]}")
            seen[port] = key
        return self


def _published_ports(section: BaseModel, path: str) -> Iterator[tuple[str, int]]:
    """(dotted key, port) of every Port field of the section and of the sections within it, in field order;
    an external or switched off service publishes none."""
    if getattr(section, "external", None) or not getattr(section, "enabled", True):
        return
    for name, info in type(section).model_fields.items():
        key, value = f"{path}.{info.alias or name}".lstrip("."), getattr(section, name)
        if isinstance(value, BaseModel):
            yield from _published_ports(value, key)
        elif field_form(info) == form_of(Port):
            yield key, value
