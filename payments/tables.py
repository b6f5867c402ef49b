"""The Iceberg tables the job writes, derived from the event schemas: bronze (typed, one row per valid
event) and quarantine (the payload as received, what could be read of it, and why it was rejected)."""

from __future__ import annotations

from dataclasses import dataclass

from payments.events import BOOLEAN, INT, JSON, MONEY, STRING, TIMESTAMP, EventType

NAMESPACE = "payments_db"  # the Iceberg namespace of every table
# Flink SQL type -> Iceberg type.
ICEBERG_TYPES = {
    STRING: "string",
    JSON: "string",
    MONEY: "decimal(10, 2)",
    TIMESTAMP: "timestamp",
    INT: "int",
    BOOLEAN: "boolean",
}
# Where each row came from: with these a row can be traced to its Kafka record, and duplicates told apart
# from records that were really sent twice.
LINEAGE = (
    ("kafka_topic", "string", "Kafka topic the event was read from"),
    ("kafka_partition", "int", "Kafka partition"),
    ("kafka_offset", "long", "Kafka offset within the partition"),
    ("kafka_timestamp", "timestamptz", "Kafka record timestamp"),
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[tuple[str, str, str], ...]  # (name, Iceberg type, doc)
    partition: tuple[tuple[str, str], ...]  # (column, transform)

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]


def bronze(event: EventType) -> TableSpec:
    fields = tuple((f.name, ICEBERG_TYPES[f.type], "") for f in event.fields)
    # Partitioned by the day the event happened, as the queries filter on it.
    return TableSpec(event.bronze_table, fields + LINEAGE, (("created_at", "day"),))


def quarantine(event: EventType) -> TableSpec:
    return TableSpec(
        event.quarantine_table,
        (
            ("payload", "string", "the Kafka record value exactly as received (NULL for a tombstone)"),
            *((f.name, "string", "") for f in event.fields),
            *LINEAGE,
            ("quarantine_timestamp", "timestamptz", "when the validation job rejected the record"),
            ("rejection_reason", "string", "the first failed rule, in the documented precedence"),
            ("rejection_reasons", "string", "every failed rule, comma-separated, in precedence order"),
        ),
        (("quarantine_timestamp", "day"),),
    )
