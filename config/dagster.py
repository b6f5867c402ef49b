"""The `dagster` section: orchestration, data-quality thresholds and table maintenance. These are the
only defaults of the code location's settings (`orchestration/settings.py` has none of its own)."""

from __future__ import annotations

from pydantic import Field, model_validator

from config.fields import Cron, Duration, Fraction, Port, Section, Switch, duration_seconds, int_field, rule

# Trino refuses shorter retentions (iceberg.expire-snapshots.min-retention and
# iceberg.remove-orphan-files.min-retention in images/trino); an orphan-file retention near the Flink
# checkpoint interval would delete the files of a commit still in flight.
_MIN_RETENTION_S = 3600


class MaintenanceSettings(Section):
    """`dagster.maintenance`: the table maintenance of every streaming-written table (Trino's `optimize`,
    `optimize_manifests`, `expire_snapshots`, `remove_orphan_files`), run by `table_maintenance_job`."""

    schedule: Cron = Field("0 3 * * *", description="when `table_maintenance_job` runs (cron, UTC)")
    snapshot_retention: Duration = Field(
        "24h", description="snapshots older than this are expired (time travel reaches this far back); at least 1h"
    )
    orphan_file_retention: Duration = Field(
        "24h",
        description=(
            "files no snapshot references, older than this, are deleted; at least 1h (well above the checkpoint"
            " interval, so a commit in flight keeps its files)"
        ),
    )

    @model_validator(mode="after")
    def _retentions_safe(self) -> MaintenanceSettings:
        for field, value in (
            ("snapshotRetention", self.snapshot_retention),
            ("orphanFileRetention", self.orphan_file_retention),
        ):
            if duration_seconds(value) < _MIN_RETENTION_S:
                raise rule(field, f" ({value}) must be at least 1h")
        return self


class DagsterSettings(Section):
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
    memory_mb: int_field("a memory limit in MiB", 768, 65536) = Field(
        1536, description="memory limit of the code server, where runs execute (MiB)"
    )
    schedules_running: Switch = Field(
        True, description="schedules run from the start; false starts them stopped (turn them on in the UI)"
    )
    # Per quarantine table and hour: more is an operational alert (a broken producer, not noise).
    quarantine_max_per_hour: int_field("a record count", 0, 1_000_000_000) = Field(
        100,
        description=(
            "the quarantine-volume check fails when a quarantine table got more records than this in the last hour"
        ),
    )
    # valid / (valid + quarantined) per event type over the last hour; the generators' injected problems
    # alone send 5-15 % of a type's events to quarantine.
    dq_score_floor: Fraction = Field(
        0.8,
        description=(
            "the data-quality score check fails below it: valid / (valid + quarantined) per event type over the"
            " last hour"
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
