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

    schedule: Cron = "0 3 * * *"  # daily, at 03:00 UTC
    snapshot_retention: Duration = "24h"  # snapshots older than this are expired (time travel reaches back this far)
    orphan_file_retention: Duration = "24h"  # files no snapshot references, older than this, are deleted

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

    enabled: Switch = True
    port: Port = 3000  # the web UI and its GraphQL API on the host
    memory_mb: int_field("a memory limit in MiB", 768, 65536) = 1536  # the code server, where runs execute
    schedules_running: Switch = True  # false: schedules start stopped (test stacks that trigger runs themselves)
    # Per quarantine table and hour: more is an operational alert (a broken producer, not noise).
    quarantine_max_per_hour: int_field("a record count", 0, 1_000_000_000) = 100
    # valid / (valid + quarantined) per event type over the last hour; the generators' injected problems
    # alone send 5-15 % of a type's events to quarantine.
    dq_score_floor: Fraction = 0.8
    suspicious_rate_max: Fraction = 0.2  # flagged / all rows per silver table over the last hour
    freshness_max_age: Duration = "5m"  # newest bronze row of a generated type, at most this old
    maintenance: MaintenanceSettings = Field(default_factory=MaintenanceSettings)
