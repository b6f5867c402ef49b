"""Stack configuration: read once, validated up front, typed.

Every knob lives in `Pulumi.<stack>.yaml` under the `streaming-lakehouse:` namespace, with defaults in
these models. The file's shape is declared as pydantic models (camelCase keys, unknown keys refused,
bounds and patterns on the fields, cross-field rules as model validators). A bad value fails
`pulumi preview` with a `ConfigError` that names the key and the expected form:
`streaming-lakehouse:<key.path>: expected <form>, got <value>`.

Modules: `fields` (field types and their forms), `errors` (ConfigError and its formatter), one module
per group of sections (`kafka`, `storage`, `engines`, `dagster`, `pipeline`, `webhooks`, `docker`), `stack` (the
whole namespace) and `loader` (`load`, `StackSettings`).
"""

from config.dagster import DagsterSettings, MaintenanceSettings
from config.docker import BaseImageSettings, DockerNaming
from config.engines import FlinkExternal, FlinkSettings, TrinoSettings
from config.errors import ConfigError
from config.fields import NAMESPACE, Form, duration_seconds
from config.kafka import DEFAULT_TOPIC_CONFIG, KafkaConfig, KafkaExternal, KafkaSettings, TopicSettings
from config.loader import StackSettings, load
from config.pipeline import GeneratorSettings
from config.stack import StackConfig
from config.storage import CatalogExternal, CatalogSettings, MinioSettings, S3External
from config.webhooks import WebhookGeneratorSettings, WebhookReceiverSettings, WebhooksSettings

__all__ = [
    "DEFAULT_TOPIC_CONFIG",
    "NAMESPACE",
    "BaseImageSettings",
    "CatalogExternal",
    "CatalogSettings",
    "ConfigError",
    "DagsterSettings",
    "DockerNaming",
    "FlinkExternal",
    "FlinkSettings",
    "Form",
    "GeneratorSettings",
    "KafkaConfig",
    "KafkaExternal",
    "KafkaSettings",
    "MaintenanceSettings",
    "MinioSettings",
    "S3External",
    "StackConfig",
    "StackSettings",
    "TopicSettings",
    "TrinoSettings",
    "WebhookGeneratorSettings",
    "WebhookReceiverSettings",
    "WebhooksSettings",
    "duration_seconds",
    "load",
]
