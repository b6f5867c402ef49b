"""Stack configuration: read once, validated up front, typed.

Every knob lives in `Pulumi.<stack>.yaml` under the `streaming-lakehouse:` namespace, with defaults
here. The file's shape is declared as pydantic models (camelCase keys, unknown keys refused, bounds and
patterns on the fields, cross-field rules as model validators). A bad value fails `pulumi preview` with a
`ConfigError` that names the key and the expected form: `streaming-lakehouse:<key.path>: expected <form>,
got <value>`.
"""

from __future__ import annotations

import json
import re
import types
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import pulumi
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyAddress,
    SecretStr,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from payments.events import EVENT_TYPES, TOPICS
from payments.problems import DEFAULT_RATES
from payments.tables import NAMESPACE as DEFAULT_ICEBERG_NAMESPACE
from payments.validation import ValidationSettings
from providers.kafka import KafkaClientSecurity

NAMESPACE = "streaming-lakehouse"


class ConfigError(pulumi.RunError):
    """A stack config value is missing, of the wrong type, or out of range. The message names the key."""


@dataclass(frozen=True)
class Form:
    """What a field expects, in words: the `expected …` of its error message."""

    text: str


def _from_text(value: Any) -> Any:
    """`pulumi config set --path kafka.hostPort 9092` stores the text "9092": read such text as the JSON
    scalar it spells (9092, 0.05, true); anything else is left for the field to refuse."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# Numbers and switches are strict (True is not a port, 9092.0 is not a count) but may arrive as text.
_TEXT = BeforeValidator(_from_text)


def _int(what: str, low: int, high: int) -> Any:
    """An integer field in low..high; `what` names it in the error ("a TCP port number")."""
    return Annotated[int, _TEXT, Field(strict=True, ge=low, le=high), Form(f"{what} in {low}..{high}")]


def _text(form: str, pattern: str) -> Any:
    """A string field matching `pattern` (anchored with ^); `form` is what the error says it expects."""
    return Annotated[str, Field(strict=True), StringConstraints(pattern=pattern), Form(form)]


Port = _int("a TCP port number", 1, 65535)
Switch = Annotated[bool, _TEXT, Field(strict=True), Form("true or false")]
Fraction = Annotated[
    float, _TEXT, Field(strict=True, ge=0, le=1, allow_inf_nan=False), Form("a fraction between 0 and 1")
]
HostPorts = _text("host:port, or several separated by commas", r"^[^\s,:/]+:[0-9]{1,5}(,[^\s,:/]+:[0-9]{1,5})*$")
Url = _text("an http:// or https:// URL", r"^https?://[^\s/?#]+(/\S*)?$")
BucketName = _text("an S3 bucket name", r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
Identifier = _text("letters, digits, '_' or '-', starting with a letter", r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
_DURATION = r"^[1-9][0-9]*(ms|s|m|h)$"
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def duration_seconds(text: str) -> float:
    """Seconds in a duration of the config's form (`500ms`, `10s`, `2m`, `1h`); `ValueError` for any other text."""
    match = re.fullmatch(_DURATION.strip("^$"), text)
    if not match:
        raise ValueError(f"not a duration such as 500ms, 10s or 2m: {text!r}")
    return int(text.removesuffix(match.group(1))) * _UNIT_SECONDS[match.group(1)]


TopicName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,249}$"), Form("a valid Kafka topic name")]
Currency = Annotated[str, Field(strict=True), StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]
# Bronze stores DECIMAL(10, 2): a larger bound would let through amounts it cannot hold.
_AMOUNT_BOUND = Decimal("100000000")


def _rule(field: str, message: str) -> PydanticCustomError:
    """A broken cross-field rule, reported as `<key of the model>.<field><message>`."""
    return PydanticCustomError("rule", "{message}", {"field": field, "message": message})


class _Section(BaseModel):
    """One structured config key (`streaming-lakehouse:kafka`): camelCase fields, unknown ones refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)
    # The error for unknown fields; {names}: the unknown ones, {known}: the fields there are.
    unknown: ClassVar[str] = "unknown field(s) {names}; known: {known}"

    @model_validator(mode="before")
    @classmethod
    def _absent_is_empty(cls, data: Any) -> Any:
        # `kafka:` with nothing under it reads as null: all defaults, as for a missing key.
        return {} if data is None else data


class BaseImageSettings(_Section):
    """`baseImage`: the Debian base image every service image is built on."""

    suite: _text("a Debian suite name such as trixie", r"^[a-z]+$") = Field(
        "trixie", description="Debian suite of the base image"
    )
    ca_dir: _text("an absolute directory path", r"^/") = Field(
        "/usr/local/share/ca-certificates",
        description="extra CA certificates (`*.crt`) on the host to trust inside every image",
    )


class KafkaExternal(_Section):
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
    sasl_username: _text("a user name", r"^\S+$") | None = Field(
        None, description="the SASL user; its password is the secret `kafkaSaslPassword`"
    )
    ca_file: _text("an absolute path to a PEM file of CA certificates", r"^/") | None = Field(
        None,
        description="CA certificates of the brokers' TLS listener; read at preview and handed to the engines inline",
    )

    @model_validator(mode="after")
    def _security_complete(self) -> KafkaExternal:
        sasl = self.security_protocol.startswith("SASL_")
        for field, value in (("saslMechanism", self.sasl_mechanism), ("saslUsername", self.sasl_username)):
            if sasl and value is None:
                raise _rule(field, f": required with securityProtocol {self.security_protocol}")
            if not sasl and value is not None:
                raise _rule(field, " needs securityProtocol SASL_PLAINTEXT or SASL_SSL")
        if self.ca_file is not None and not self.security_protocol.endswith("SSL"):
            raise _rule("caFile", " needs securityProtocol SSL or SASL_SSL (TLS)")
        return self


class KafkaConfig(_Section):
    """`kafka`: the stack's Kafka broker (KRaft, one node), or brokers it does not run."""

    external: KafkaExternal | None = Field(
        None, description="brokers the stack does not run: set, it starts no Kafka container"
    )
    topic_prefix: _text("letters, digits, '.', '_' or '-'", r"^[A-Za-z0-9._-]{0,100}$") = Field(
        "",
        description=(
            "put before every topic name the stack declares (its generators and job use the prefixed names), so "
            "several stacks can share one Kafka cluster"
        ),
    )
    host_port: Port = Field(9092, description="host port of Kafka's external listener")
    memory_mb: _int("a memory limit in MiB", 256, 65536) = Field(
        1024, description="the broker's container memory limit (MiB)"
    )
    heap_mb: _int("a JVM heap size in MiB", 128, 32768) = Field(
        512, description="the broker's JVM heap (MiB), below `memoryMb`"
    )

    @model_validator(mode="after")
    def _heap_fits(self) -> KafkaConfig:
        if self.heap_mb >= self.memory_mb:
            raise _rule("heapMb", f" ({self.heap_mb}) must be below kafka.memoryMb ({self.memory_mb})")
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


class TopicConfig(_Section):
    """`topics.<name>`: one Kafka topic. Every event type's topic exists whether named here or not."""

    partitions: _int("a partition count", 1, 1000) = Field(
        1, description="partitions; increases apply in place, decreases are refused at preview"
    )
    replication_factor: _int("a replication factor (single broker)", 1, 1) = Field(
        1, description="replicas of each partition; the stack's single broker allows 1"
    )
    config: Annotated[
        dict[str, StrictStr | StrictInt | StrictBool],
        Form("a mapping of Kafka topic config names to values"),
    ] = Field(
        {}, description="any Kafka topic config, over the stack's defaults for every topic; changes apply in place"
    )


DEFAULT_TOPIC_CONFIG = {"retention.ms": str(7 * 24 * 3600 * 1000), "cleanup.policy": "delete"}


class S3External(_Section):
    """`minio.external`: an S3 service the stack does not run, and a bucket that exists in it. The secret
    key is the secret `s3SecretAccessKey`; every engine uses this one key."""

    endpoint: Url = Field(description="the S3 endpoint as this machine reaches it")
    engine_endpoint: Url | None = Field(
        None, description="the S3 endpoint as the engines' containers reach it; unset: the same"
    )
    region: _text("an S3 region such as us-east-1", r"^[a-z0-9-]+$") = Field(
        "us-east-1", description="the bucket's region"
    )
    bucket: BucketName = Field(description="the warehouse bucket; it must exist, the stack never creates or empties it")
    access_key_id: _text("an access key id", r"^\S+$") = Field(
        description="the key every engine uses; its secret is the secret `s3SecretAccessKey`"
    )
    path_style: Switch = Field(
        True, description="`http://host/bucket/key`; false: `http://bucket.host/key` (virtual host, as AWS S3 prefers)"
    )


class MinioConfig(_Section):
    """`minio`: the stack's object storage (MinIO) and its warehouse bucket, or an S3 service it does not run.
    The root password is the secret `minioRootPassword`, generated per stack unless set."""

    external: S3External | None = Field(
        None, description="an S3 service the stack does not run: set, it starts no MinIO container"
    )
    api_port: Port = Field(9000, description="host port of the S3 API")
    console_port: Port = Field(9001, description="host port of the MinIO console")
    memory_mb: _int("a memory limit in MiB", 256, 65536) = Field(
        1024, description="MinIO's container memory limit (MiB)"
    )
    root_user: _text("3-64 letters or digits", r"^[A-Za-z0-9_-]{3,64}$") = Field(
        "lakehouse-admin", description="MinIO's root user, used only by Pulumi"
    )
    bucket: BucketName = Field("warehouse", description="the Iceberg warehouse bucket")


class MinioSettings(MinioConfig):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    # From the secret `minioRootPassword` if set; otherwise a generated one, kept secret in the state.
    root_password: pulumi.Output[str] | None = None
    # With `external`: the secret `s3SecretAccessKey`.
    secret_access_key: SecretStr | None = None


class CatalogExternal(_Section):
    """`catalog.external`: an Iceberg REST catalog the stack does not run (Polaris, a cloud catalog); the
    namespace and tables are still declared and evolved by the stack. With the secret `catalogCredential`
    (`<client id>:<client secret>`) every client authenticates with OAuth2 client credentials."""

    uri: Url = Field(description="the REST endpoint as this machine reaches it")
    engine_uri: Url | None = Field(
        None, description="the REST endpoint as the engines' containers reach it; unset: the same"
    )
    warehouse: _text("a warehouse name", r"^\S+$") = Field(description="the catalog's warehouse")
    scope: _text("an OAuth2 scope", r"^\S+( \S+)*$") | None = Field(
        None, description="the OAuth2 scope clients ask for (Polaris: `PRINCIPAL_ROLE:ALL`)"
    )
    oauth2_server_uri: Url | None = Field(None, description="the OAuth2 token endpoint; unset: `<uri>v1/oauth/tokens`")


class CatalogConfig(_Section):
    """`catalog`: the stack's Iceberg REST catalog (Iceberg's REST server on PostgreSQL), or one it does not run."""

    external: CatalogExternal | None = Field(
        None, description="an Iceberg REST catalog the stack does not run: set, it starts no catalog container"
    )
    namespace: Identifier = Field(DEFAULT_ICEBERG_NAMESPACE, description="the Iceberg namespace of the stack's tables")
    port: Port = Field(8181, description="host port of the Iceberg REST catalog")
    memory_mb: _int("a memory limit in MiB", 384, 65536) = Field(
        768, description="the catalog server's container memory limit (MiB; its heap is 60 % of it)"
    )
    postgres_memory_mb: _int("a memory limit in MiB", 128, 65536) = Field(
        512, description="memory limit of the catalog's PostgreSQL (MiB)"
    )


class CatalogSettings(CatalogConfig):
    credential: SecretStr | None = None  # with `external`: the secret `catalogCredential`


class FlinkExternal(_Section):
    """`flink.external`: a Flink session cluster the stack does not run. The job, its checkpoints and its
    savepoints (in the warehouse bucket, which the cluster's own S3 settings must reach) are managed as
    with the stack's own cluster."""

    rest_url: Url = Field(description="the JobManager's REST API as this machine reaches it")
    sql_gateway_url: Url = Field(description="the SQL Gateway's REST API as this machine reaches it")


class FlinkSettings(_Section):
    """`flink`: the stack's Flink session cluster and the validation job, or a cluster it does not run."""

    external: FlinkExternal | None = Field(
        None, description="a Flink session cluster the stack does not run: set, the job runs there"
    )
    job_name: _text("letters, digits, '.', '_' or '-'", r"^[A-Za-z0-9._-]{1,100}$") = Field(
        "payments-validation",
        description=(
            "the validation job's name in Flink, its checkpoint and savepoint directories', and its consumer group's "
            "(`<namePrefix>-<jobName>`)"
        ),
    )
    rest_port: Port = Field(8081, description="host port of the JobManager's Web UI and REST API")
    sql_gateway_port: Port = Field(8083, description="host port of the SQL Gateway")
    task_managers: _int("a TaskManager count", 1, 16) = Field(1, description="TaskManager containers")
    task_slots: _int("a slot count per TaskManager", 1, 64) = Field(4, description="slots per TaskManager")
    jobmanager_memory_mb: Annotated[
        _int("a process memory size in MiB", 768, 65536), Field(alias="jobManagerMemoryMb")
    ] = Field(1600, description="the JobManager's Flink process memory (MiB); its container limit adds 256")
    taskmanager_memory_mb: Annotated[
        _int("a process memory size in MiB", 1024, 65536), Field(alias="taskManagerMemoryMb")
    ] = Field(1600, description="each TaskManager's Flink process memory (MiB); its container limit adds 256")
    checkpoint_interval: _text("a duration such as 500ms, 10s or 2m", _DURATION) = Field(
        "10s",
        description="the job's exactly-once checkpoint interval: rows become visible in the tables at each checkpoint",
    )
    parallelism: _int("a parallelism", 1, 256) = Field(
        1,
        description=(
            "the validation job's parallelism: at most `taskManagers` x `taskSlots`; above a topic's `partitions` its "
            "source subtasks idle. A change rescales the job from a savepoint"
        ),
    )

    @model_validator(mode="after")
    def _slots_for_the_job(self) -> FlinkSettings:
        if self.parallelism > self.task_managers * self.task_slots:
            raise _rule(
                "parallelism",
                f" ({self.parallelism}) needs that many slots: flink.taskManagers x flink.taskSlots is "
                f"{self.task_managers * self.task_slots}",
            )
        return self


class TrinoSettings(_Section):
    """`trino`: Trino on the lake, and the dbt image that runs through it."""

    enabled: Switch = Field(
        True, description="run Trino and build the dbt image; false: neither (dbt runs through Trino)"
    )
    port: Port = Field(8080, description="host port of Trino's HTTP endpoint: the CLI, JDBC and the Web UI")
    memory_mb: _int("a memory limit in MiB", 1024, 65536) = Field(
        2560, description="Trino's container memory limit (MiB)"
    )
    # Trino's default heap is 80 % of the machine's memory, whatever the container's limit: always bounded.
    heap_mb: _int("a JVM heap size in MiB", 512, 32768) = Field(
        1536,
        description=(
            "Trino's JVM heap (MiB); must leave 512 of `memoryMb` free. Queries may use 3/8 of it, and 1/4 is kept as "
            "headroom"
        ),
    )

    @model_validator(mode="after")
    def _heap_fits(self) -> TrinoSettings:
        if self.heap_mb > self.memory_mb - 512:
            raise _rule("heapMb", f" ({self.heap_mb}) must leave 512 MiB of trino.memoryMb ({self.memory_mb}) free")
        return self


Duration = _text("a duration such as 500ms, 10s, 2m or 24h", _DURATION)
Cron = _text("a cron expression of five fields such as '0 3 * * *'", r"^\S+( \S+){4}$")
# Trino refuses shorter retentions (iceberg.expire-snapshots.min-retention and
# iceberg.remove-orphan-files.min-retention in images/trino); an orphan-file retention near the Flink
# checkpoint interval would delete the files of a commit still in flight.
_MIN_RETENTION_S = 3600


class MaintenanceSettings(_Section):
    """`dagster.maintenance`: the table maintenance of every streaming-written table (Trino's `optimize`,
    `optimize_manifests`, `expire_snapshots`, `remove_orphan_files`), run by `table_maintenance_job`."""

    schedule: Cron = Field("0 3 * * *", description="when `table_maintenance_job` runs (cron, UTC)")
    snapshot_retention: Duration = Field(
        "24h", description="snapshots older than this are expired (time travel reaches this far back); at least 1h"
    )
    orphan_file_retention: Duration = Field(
        "24h",
        description=(
            "files no snapshot references, older than this, are deleted; at least 1h (well above the checkpoint "
            "interval, so a commit in flight keeps its files)"
        ),
    )

    @model_validator(mode="after")
    def _retentions_safe(self) -> MaintenanceSettings:
        for field, value in (
            ("snapshotRetention", self.snapshot_retention),
            ("orphanFileRetention", self.orphan_file_retention),
        ):
            if duration_seconds(value) < _MIN_RETENTION_S:
                raise _rule(field, f" ({value}) must be at least 1h")
        return self


class DagsterSettings(_Section):
    """`dagster`: orchestration and data-quality monitoring (components/dagster.py). On with Trino, as it
    queries and runs dbt through it."""

    enabled: Switch = Field(
        True,
        description=(
            "run Dagster; unset: as `trino.enabled` (it queries and runs dbt through Trino, so true needs "
            "`trino.enabled: true`)"
        ),
    )
    port: Port = Field(3000, description="host port of the Dagster UI and its GraphQL API")
    memory_mb: _int("a memory limit in MiB", 768, 65536) = Field(
        1536, description="memory limit of the code server, where runs execute (MiB)"
    )
    schedules_running: Switch = Field(
        True, description="schedules run from the start; false starts them stopped (turn them on in the UI)"
    )
    quarantine_max_per_hour: _int("a record count", 0, 1_000_000_000) = Field(
        100,
        description=(
            "the quarantine-volume check fails when a quarantine table got more records than this in the last hour"
        ),
    )
    # The generators' injected problems alone send 5-15 % of a type's events to quarantine.
    dq_score_floor: Fraction = Field(
        0.8,
        description=(
            "the data-quality score check fails below it: valid / (valid + quarantined) per event type over the last "
            "hour"
        ),
    )
    suspicious_rate_max: Fraction = Field(
        0.2,
        description=(
            "the suspicious-flag check fails when more of a silver table's last-hour rows than this carry a flag"
        ),
    )
    freshness_max_age: Duration = Field(
        "5m", description="the freshness check fails when the newest bronze row of a type whose generator runs is older"
    )
    maintenance: MaintenanceSettings = Field(default_factory=MaintenanceSettings, description="table maintenance")


class ValidationConfig(_Section):
    """`validation`: the settings of the validation job's rules (the rules: flink_jobs/README.md)."""

    currencies: Annotated[list[Currency], Field(min_length=1), Form("a list of 3-letter ISO currency codes")] = Field(
        list(ValidationSettings().currencies),
        description="accepted currencies (matched case-insensitively); others are quarantined as `INVALID_CURRENCY`",
    )
    max_amount: Annotated[
        Decimal,
        Field(gt=0, lt=_AMOUNT_BOUND, allow_inf_nan=False),
        Form(f"a positive amount below {_AMOUNT_BOUND} (bronze holds DECIMAL(10, 2))"),
    ] = Field(
        ValidationSettings().max_amount,
        description=(
            "amounts above it, as sent (`1000000.004` is above), are quarantined as `INVALID_AMOUNT_TOO_LARGE`; bronze"
            " rounds amounts half-up to cents"
        ),
    )


class GeneratorConfig(_Section):
    """`generators.<type>`: the JR generator of one event type."""

    enabled: Switch = Field(True, description="run this generator; refunds and disputes need charges on")
    interval: _text("a duration such as 500ms, 2s or 1m", _DURATION) | None = Field(
        None, description="time between batches; unset: the event type's interval"
    )
    events_per_interval: _int("an event count", 1, 100_000) = Field(1, description="events per batch")


@dataclass(frozen=True)
class GeneratorSettings:
    event_type: str  # payment_charges
    enabled: bool
    interval: str  # JR frequency between events, e.g. 500ms
    events_per_interval: int


class _Generators(_Section):
    """`generators`: one entry per event type, named as the type is."""

    unknown: ClassVar[str] = "no generator for {names}"

    @model_validator(mode="after")
    def _referenced_types_generated(self) -> _Generators:
        # A type that refers to emitted events of another (refunds to charges) needs that one's generator.
        for event in EVENT_TYPES:
            for target in event.references:
                if getattr(self, event.name).enabled and not getattr(self, target.name).enabled:
                    raise _rule(
                        f"{event.name}.enabled",
                        f": {event.name} references emitted {target.entity}s, so it needs"
                        f" generators.{target.name}.enabled: true (or set this one to false too)",
                    )
        return self


Generators = create_model(
    "Generators",
    __base__=_Generators,
    **{e.name: (GeneratorConfig, Field(default_factory=GeneratorConfig, alias=e.name)) for e in EVENT_TYPES},
)
# `problemRates`: each template problem's rate by its camelCase name (nullVariation for NULL_VARIATION).
ProblemRates = create_model(
    "ProblemRates",
    __base__=_Section,
    __doc__="`problemRates`: how often the generators inject each data-quality problem, drawn per event.",
    **{
        key.lower(): (Fraction, Field(default, description="fraction of events with this problem"))
        for key, default in DEFAULT_RATES.items()
    },
)


class StackConfig(_Section):
    """The whole `streaming-lakehouse:` namespace, as `load` reads it."""

    name_prefix: _text(
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
    generators: Generators = Field(default_factory=Generators, description="the JR generators")  # type: ignore[valid-type]
    problem_rates: ProblemRates = Field(default_factory=ProblemRates, description="injected problems")  # type: ignore[valid-type]

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
            raise _rule("dagster.enabled", ": needs trino.enabled: true (Dagster queries and runs dbt through Trino)")
        return self

    @model_validator(mode="after")
    def _ports_distinct(self) -> StackConfig:
        """Every host port a section publishes (a field of type Port) is used once; an external or switched
        off service publishes none."""
        seen: dict[int, str] = {}
        for section_name, section_info in type(self).model_fields.items():
            section = getattr(self, section_name)
            if (
                not isinstance(section, BaseModel)
                or getattr(section, "external", None)
                or not getattr(section, "enabled", True)
            ):
                continue
            for name, info in type(section).model_fields.items():
                if _field_form(info) != _form(Port):
                    continue
                key, port = f"{section_info.alias}.{info.alias}", getattr(section, name)
                if port in seen:
                    raise _rule(key, f": port {port} is already used by {NAMESPACE}:{seen[port]}")
                seen[port] = key
        return self


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    name_prefix: str  # prefix of every Docker object name, so stacks never collide
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

    def runs_containers(self) -> bool:
        """Whether the stack runs any container of its own (else it needs no network and no images)."""
        managed = [self.kafka.external, self.minio.external, self.catalog.external, self.flink.external]
        return any(m is None for m in managed) or self.trino.enabled or any(g.enabled for g in self.generators)

    def docker_name(self, suffix: str) -> str:
        return f"{self.name_prefix}-{suffix}"

    def image_labels(self) -> dict[str, str]:
        # No stack label: images are a build cache that stacks share.
        return {"com.pulumi.project": self.project}

    def labels(self, component: str) -> dict[str, str]:
        return {
            "com.pulumi.project": self.project,
            "com.pulumi.stack": self.stack,
            "io.streaming-lakehouse.component": component,
        }


_UNIONS = (Union, types.UnionType)


def _form(annotation: Any) -> str | None:
    """The Form a type carries: on it, or on a member of its union (`Duration | None`)."""
    if get_origin(annotation) is Annotated:
        return next((m.text for m in annotation.__metadata__ if isinstance(m, Form)), None) or _form(
            get_args(annotation)[0]
        )
    return next(filter(None, map(_form, get_args(annotation))), None) if get_origin(annotation) in _UNIONS else None


def _field_form(info: FieldInfo) -> str | None:
    return next((m.text for m in info.metadata if isinstance(m, Form)), None) or _form(info.annotation)


def _models_below(annotation: Any) -> tuple[type[BaseModel] | None, Any]:
    """The section a field holds, or, for a mapping of names to sections, that section and the type of
    the names (then the next step of an error's path is a name)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None
    if get_origin(annotation) in _UNIONS:  # an optional section: `external: KafkaExternal | None`
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return _models_below(inner[0])
    if get_origin(annotation) is dict:
        key, value = get_args(annotation)
        if isinstance(value, type) and issubclass(value, BaseModel):
            return value, key
    return None, None


def _message(error: Any, raw: dict[str, Any]) -> str:
    """One pydantic error as `<key>: <what is wrong>`: its loc walked down the models to the dotted
    camelCase key of the field at fault, then that field's expected form and the value given."""
    loc, path = list(error["loc"]), []
    model: type[BaseModel] | None = StackConfig
    field: FieldInfo | None = None
    value: Any = raw
    while loc and model is not None:
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == loc[0]), None)
        if field is None:  # loc[0] is an unknown field of `model`
            break
        path.append(loc.pop(0))
        value = value.get(path[-1]) if isinstance(value, dict) else None
        inner, names = _models_below(field.annotation)
        if inner is None or not loc:
            break
        if names is not None:
            if loc[1:] == ["[key]"]:
                return f"{'.'.join(path)}: {loc[0]!r} is not {_form(names)}"
            path.append(loc.pop(0))
            value = value.get(path[-1]) if isinstance(value, dict) else None
        model, field = inner, None
    key = ".".join(path)
    if error["type"] == "rule":
        return ".".join([*path, error["ctx"]["field"]]) + error["ctx"]["message"]
    if error["type"] == "extra_forbidden" and model is not None:
        known = ", ".join(sorted(f.alias or n for n, f in model.model_fields.items()))
        # {names} is filled in by _config_error: one line for all the unknown fields of a section.
        return f"{key}: " + model.unknown.replace("{known}", known)
    form = _field_form(field) if field is not None else None
    if error["type"] == "missing":
        return f"{key}: required ({form or 'an object with fields'})"
    got = value if loc else error["input"]  # a list's or mapping's whole value, not the item at fault
    return f"{key}: expected {form or 'an object with fields'}, got {got!r}"


def _config_error(exc: ValidationError, raw: dict[str, Any]) -> ConfigError:
    """All of a validation's errors, one line each; the unknown fields of one section on one line."""
    lines: dict[str, list[str]] = {}
    for error in exc.errors():
        unknown = [str(error["loc"][-1])] if error["type"] == "extra_forbidden" else []
        lines.setdefault(_message(error, raw), []).extend(unknown)
    return ConfigError(
        "\n".join(
            f"{NAMESPACE}:{line.replace('{names}', ', '.join(sorted(names))) if names else line}"
            for line, names in lines.items()
        )
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
        raise _config_error(exc, raw) from None

    topics = tuple(
        TopicSettings(
            name,
            t.partitions,
            t.replication_factor,
            {**DEFAULT_TOPIC_CONFIG, **{k: str(v) for k, v in t.config.items()}},
        )
        for name in [*TOPICS, *sorted(set(c.topics) - set(TOPICS))]
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
    )
