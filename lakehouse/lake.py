"""Reading the lakehouse's Iceberg tables from this machine (tests, benchmarks, ad-hoc checks).

The catalog tells clients the storage endpoint containers use (`http://minio:9000`); from here the
published one is used instead, with the given key.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.expressions import BooleanExpression, GreaterThanOrEqual
from pyiceberg.table import Table

from payments.events import EVENT_TYPES

Key = tuple[str, int, int]  # Kafka topic, partition, offset: the record a row came from


class Lake:
    def __init__(self, outputs: dict[str, Any]) -> None:
        """`outputs`: the stack's outputs as plain values (`pulumi stack output --json --show-secrets`)."""
        self.io = {
            "s3.endpoint": outputs["s3_endpoint"],
            # The read-only key: reading the lake never needs more.
            "s3.access-key-id": outputs["s3_reader_access_key_id"],
            "s3.secret-access-key": outputs["s3_reader_secret_access_key"],
            "s3.region": outputs["s3_region"],
            "s3.force-virtual-addressing": str(not outputs["s3_path_style"]).lower(),
        }
        self.catalog = RestCatalog(
            "lakehouse",
            uri=outputs["iceberg_catalog_uri"],
            warehouse=outputs["iceberg_warehouse"],
            **(outputs.get("iceberg_catalog_client_properties") or {}),
        )
        self.namespace = outputs["iceberg_namespace"]

    def table(self, name: str) -> Table:
        table = self.catalog.load_table(f"{self.namespace}.{name}")
        table.io.properties.update(self.io)
        return table

    def landed(self, min_offset: int = 0) -> dict[Key, list[tuple[str, str | None]]]:
        """Every row of the eight tables by the Kafka record it came from: (table, rejection reason or None)."""
        out: dict[Key, list[tuple[str, str | None]]] = defaultdict(list)
        where: BooleanExpression = GreaterThanOrEqual("kafka_offset", min_offset)
        for event in EVENT_TYPES:
            for name, quarantined in ((event.bronze_table, False), (event.quarantine_table, True)):
                fields = ("kafka_topic", "kafka_partition", "kafka_offset", "rejection_reason")
                scan = self.table(name).scan(row_filter=where, selected_fields=fields[: 4 if quarantined else 3])
                for row in scan.to_arrow().to_pylist():
                    key = (row["kafka_topic"], row["kafka_partition"], row["kafka_offset"])
                    out[key].append((name, row.get("rejection_reason")))
        return out
