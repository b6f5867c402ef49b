"""Stack configuration: read once, validated up front, typed.

Every knob lives in `Pulumi.<stack>.yaml` under the `streaming-lakehouse:` namespace, with defaults
here. A bad value fails `pulumi preview` with a `ConfigError` that names the key and the expected form.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pulumi

from flink_jobs.render import ValidationSettings
from jr_templates.render import DEFAULT_RATES

NAMESPACE = "streaming-lakehouse"
_DOCKER_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,40}$")


class ConfigError(pulumi.RunError):
    """A stack config value is missing, of the wrong type, or out of range. The message names the key."""


class _Section:
    """One structured config key (`streaming-lakehouse:kafka`), read field by field, unknown fields refused."""

    def __init__(self, key: str, raw: Any) -> None:
        self.key = f"{NAMESPACE}:{key}"
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{self.key}: expected an object with fields, got {raw!r}")
        self.raw: dict[str, Any] = raw
        self.read: set[str] = set()

    def value(self, name: str, default: Any) -> Any:
        self.read.add(name)
        return self.raw.get(name, default)

    def integer(self, name: str, default: int, low: int, high: int, what: str = "an integer") -> int:
        value = self.value(name, default)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{self.key}.{name}: expected {what} in {low}..{high}, got {value!r}")
        return value

    def port(self, name: str, default: int) -> int:
        return self.integer(name, default, 1, 65535, what="a TCP port number")

    def string(self, name: str, default: str, pattern: re.Pattern[str] | None = None, form: str = "") -> str:
        value = self.value(name, default)
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            raise ConfigError(f"{self.key}.{name}: expected {form or 'a string'}, got {value!r}")
        return value

    def finish(self) -> None:
        unknown = sorted(set(self.raw) - self.read)
        if unknown:
            raise ConfigError(
                f"{self.key}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(self.read))}"
            )


@dataclass(frozen=True)
class BaseImageSettings:
    suite: str
    ca_dir: str


@dataclass(frozen=True)
class TopicSettings:
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str]


@dataclass(frozen=True)
class KafkaSettings:
    host_port: int
    memory_mb: int
    heap_mb: int
    topics: tuple[TopicSettings, ...]


# The seed's four event streams; a stack can tune each and add its own.
DEFAULT_TOPICS = ("payment_charges", "payment_refunds", "payment_disputes", "payment_subscriptions")
DEFAULT_TOPIC_CONFIG = {"retention.ms": str(7 * 24 * 3600 * 1000), "cleanup.policy": "delete"}
# One generator per event type, at the seed's intervals.
GENERATOR_DEFAULTS = {
    "payment_charges": "500ms",
    "payment_refunds": "2s",
    "payment_disputes": "5s",
    "payment_subscriptions": "3s",
}
# Refunds and disputes reference charges that were emitted, so they need the charges generator.
NEEDS_CHARGES = ("payment_refunds", "payment_disputes")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_DURATION = re.compile(r"^[1-9][0-9]*(ms|s|m|h)$")
_ACCESS_KEY = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


@dataclass(frozen=True)
class MinioSettings:
    api_port: int
    console_port: int
    memory_mb: int
    root_user: str
    bucket: str
    # From the secret `minioRootPassword` if set; otherwise a generated one, kept secret in the state.
    root_password: pulumi.Output[str] | None


@dataclass(frozen=True)
class CatalogSettings:
    port: int  # Iceberg REST catalog (Nessie) on the host
    memory_mb: int
    postgres_memory_mb: int


@dataclass(frozen=True)
class FlinkSettings:
    rest_port: int
    sql_gateway_port: int
    task_managers: int
    task_slots: int
    jobmanager_memory_mb: int
    taskmanager_memory_mb: int
    checkpoint_interval: str


@dataclass(frozen=True)
class GeneratorSettings:
    event_type: str  # payment_charges
    enabled: bool
    interval: str  # JR frequency between events, e.g. 500ms
    events_per_interval: int


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
    validation: ValidationSettings
    generators: tuple[GeneratorSettings, ...]
    problem_rates: dict[str, float]

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


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _object(cfg: pulumi.Config, key: str) -> Any:
    try:
        return cfg.get_object(key)
    except (ValueError, pulumi.ConfigTypeError) as exc:
        raise ConfigError(f"{NAMESPACE}:{key}: expected an object (YAML mapping), got {cfg.get(key)!r}") from exc


def _topics(raw: Any) -> tuple[TopicSettings, ...]:
    """`topics` maps a topic name to {partitions, replicationFactor, config}; defaults fill the seed's four."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{NAMESPACE}:topics: expected a mapping of topic name to settings, got {raw!r}")
    topics = []
    for name in [*DEFAULT_TOPICS, *sorted(set(raw) - set(DEFAULT_TOPICS))]:
        if not _TOPIC_NAME.match(name):
            raise ConfigError(f"{NAMESPACE}:topics: {name!r} is not a valid Kafka topic name")
        t = _Section(f"topics.{name}", raw.get(name))
        partitions = t.integer("partitions", 1, 1, 1000, "a partition count")
        replication = t.integer("replicationFactor", 1, 1, 1, "a replication factor (single broker)")
        extra = t.value("config", {})
        if not isinstance(extra, dict) or not all(isinstance(v, (str, int)) for v in extra.values()):
            raise ConfigError(
                f"{t.key}.config: expected a mapping of Kafka topic config names to values, got {extra!r}"
            )
        t.finish()
        config = {**DEFAULT_TOPIC_CONFIG, **{k: str(v) for k, v in extra.items()}}
        topics.append(TopicSettings(name, partitions, replication, config))
    return tuple(topics)


def load(cfg: pulumi.Config | None = None, project: str | None = None, stack: str | None = None) -> StackSettings:
    cfg = cfg or pulumi.Config(NAMESPACE)
    project = project or pulumi.get_project()
    stack = stack or pulumi.get_stack()

    name_prefix = cfg.get("namePrefix") or f"lakehouse-{stack}".lower()
    if not _DOCKER_NAME.match(name_prefix):
        raise ConfigError(
            f"{NAMESPACE}:namePrefix: expected lower-case letters, digits, '.', '_' or '-' "
            f"(at most 41 characters), got {name_prefix!r}"
        )
    bind_address = cfg.get("bindAddress") or "127.0.0.1"
    try:
        ipaddress.ip_address(bind_address)
    except ValueError:
        raise ConfigError(
            f"{NAMESPACE}:bindAddress: expected an IP address such as 127.0.0.1, got {bind_address!r}"
        ) from None

    base = _Section("baseImage", _object(cfg, "baseImage"))
    base_image = BaseImageSettings(
        suite=base.string("suite", "trixie", re.compile(r"^[a-z]+$"), "a Debian suite name such as trixie"),
        ca_dir=base.string(
            "caDir", "/usr/local/share/ca-certificates", re.compile(r"^/"), "an absolute directory path"
        ),
    )
    base.finish()

    k = _Section("kafka", _object(cfg, "kafka"))
    host_port = k.port("hostPort", 9092)
    memory_mb = k.integer("memoryMb", 1024, 256, 65536, "a memory limit in MiB")
    heap_mb = k.integer("heapMb", 512, 128, 32768, "a JVM heap size in MiB")
    k.finish()
    if heap_mb >= memory_mb:
        raise ConfigError(f"{NAMESPACE}:kafka.heapMb ({heap_mb}) must be below kafka.memoryMb ({memory_mb})")
    kafka = KafkaSettings(host_port, memory_mb, heap_mb, _topics(_object(cfg, "topics")))

    m = _Section("minio", _object(cfg, "minio"))
    minio = MinioSettings(
        api_port=m.port("apiPort", 9000),
        console_port=m.port("consolePort", 9001),
        memory_mb=m.integer("memoryMb", 1024, 256, 65536, "a memory limit in MiB"),
        root_user=m.string(
            "rootUser", "lakehouse-admin", re.compile(r"^[A-Za-z0-9_-]{3,64}$"), "3-64 letters or digits"
        ),
        bucket=m.string("bucket", "warehouse", re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"), "an S3 bucket name"),
        root_password=cfg.get_secret("minioRootPassword"),
    )
    m.finish()

    c = _Section("catalog", _object(cfg, "catalog"))
    catalog = CatalogSettings(
        port=c.port("port", 19120),
        memory_mb=c.integer("memoryMb", 1024, 512, 65536, "a memory limit in MiB"),
        postgres_memory_mb=c.integer("postgresMemoryMb", 512, 128, 65536, "a memory limit in MiB"),
    )
    c.finish()

    f = _Section("flink", _object(cfg, "flink"))
    flink = FlinkSettings(
        rest_port=f.port("restPort", 8081),
        sql_gateway_port=f.port("sqlGatewayPort", 8083),
        task_managers=f.integer("taskManagers", 1, 1, 16, "a TaskManager count"),
        task_slots=f.integer("taskSlots", 4, 1, 64, "a slot count per TaskManager"),
        jobmanager_memory_mb=f.integer("jobManagerMemoryMb", 1600, 768, 65536, "a process memory size in MiB"),
        taskmanager_memory_mb=f.integer("taskManagerMemoryMb", 1600, 1024, 65536, "a process memory size in MiB"),
        checkpoint_interval=f.string("checkpointInterval", "10s", _DURATION, "a duration such as 500ms, 10s or 2m"),
    )
    f.finish()

    v = _Section("validation", _object(cfg, "validation"))
    currencies = v.value("currencies", ["USD", "CAD", "GBP", "EUR", "JPY"])
    if not isinstance(currencies, list) or not currencies or not all(_CURRENCY.match(str(c)) for c in currencies):
        raise ConfigError(f"{v.key}.currencies: expected a list of 3-letter ISO currency codes, got {currencies!r}")
    max_amount = v.value("maxAmount", 1_000_000)
    try:
        max_amount = Decimal(str(max_amount))
    except ArithmeticError:
        max_amount = Decimal(-1)
    # Bronze stores DECIMAL(10, 2): a larger bound would let through amounts it cannot hold.
    if not 0 < max_amount < Decimal("100000000"):
        raise ConfigError(
            f"{v.key}.maxAmount: expected a positive amount below 100000000 (bronze holds DECIMAL(10, 2)), "
            f"got {v.raw.get('maxAmount')!r}"
        )
    v.finish()
    validation = ValidationSettings(tuple(str(c).upper() for c in currencies), max_amount)

    generators = []
    for event_type, interval in GENERATOR_DEFAULTS.items():
        g = _Section(f"generators.{event_type}", (_object(cfg, "generators") or {}).get(event_type))
        enabled = g.value("enabled", True)
        enabled = {"true": True, "false": False}.get(enabled, enabled) if isinstance(enabled, str) else enabled
        if not isinstance(enabled, bool):
            raise ConfigError(f"{g.key}.enabled: expected true or false, got {enabled!r}")
        generators.append(
            GeneratorSettings(
                event_type=event_type,
                enabled=enabled,
                interval=g.string("interval", interval, _DURATION, "a duration such as 500ms, 2s or 1m"),
                events_per_interval=g.integer("eventsPerInterval", 1, 1, 100_000, "an event count"),
            )
        )
        g.finish()
    unknown = sorted(set(_object(cfg, "generators") or {}) - set(GENERATOR_DEFAULTS))
    if unknown:
        raise ConfigError(f"{NAMESPACE}:generators: no generator for {', '.join(unknown)}")
    enabled = {g.event_type for g in generators if g.enabled}
    for event_type in NEEDS_CHARGES:
        if event_type in enabled and "payment_charges" not in enabled:
            raise ConfigError(
                f"{NAMESPACE}:generators.{event_type}.enabled: {event_type} references emitted charges, so it "
                "needs generators.payment_charges.enabled: true (or set this one to false too)"
            )

    rates = _Section("problemRates", _object(cfg, "problemRates"))
    problem_rates = {}
    for key, default in DEFAULT_RATES.items():
        name = "".join(part.capitalize() if i else part.lower() for i, part in enumerate(key.split("_")))
        value = rates.value(name, default)
        if isinstance(value, str):  # `pulumi config set --path` stores text
            value = _number(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(f"{rates.key}.{name}: expected a fraction between 0 and 1, got {value!r}")
        problem_rates[key] = float(value)
    rates.finish()

    ports = {
        "kafka.hostPort": kafka.host_port,
        "minio.apiPort": minio.api_port,
        "minio.consolePort": minio.console_port,
        "catalog.port": catalog.port,
        "flink.restPort": flink.rest_port,
        "flink.sqlGatewayPort": flink.sql_gateway_port,
    }
    seen: dict[int, str] = {}
    for key, port in ports.items():
        if port in seen:
            raise ConfigError(f"{NAMESPACE}:{key}: port {port} is already used by {NAMESPACE}:{seen[port]}")
        seen[port] = key

    return StackSettings(
        project=project,
        stack=stack,
        name_prefix=name_prefix,
        bind_address=bind_address,
        base_image=base_image,
        kafka=kafka,
        minio=minio,
        catalog=catalog,
        flink=flink,
        validation=validation,
        generators=tuple(generators),
        problem_rates=problem_rates,
    )
