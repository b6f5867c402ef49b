"""The asset checks of Layer 3 (monitoring), on the tables the validation job writes and
on silver. Each queries its counts through Trino and judges them with a rule of `quality.py`; the result
carries the counts as metadata. A failed check is an ERROR: red in the UI, listed by `make status`."""

from collections.abc import Callable
from datetime import UTC, datetime

import dagster as dg
from trino.exceptions import TrinoQueryError

from orchestration.quality import Outcome, data_quality_score, freshness, quarantine_volume, suspicious_flag_rate
from orchestration.settings import LakehouseSettings
from orchestration.trino import TrinoResource
from payments.events import EventType

# Every count is over the records that reached Kafka in the last hour (their Kafka timestamp): the same
# window for bronze, quarantine and silver, whatever the events' own times say.
LAST_HOUR = "kafka_timestamp > current_timestamp - interval '1' hour"


def _result(outcome: Outcome) -> dg.AssetCheckResult:
    metadata = {k: dg.MetadataValue.json(v) if isinstance(v, dict) else v for k, v in outcome.metadata.items()}
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description,
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


def _check(name: str, asset: dg.AssetKey, description: str) -> Callable:
    return dg.asset_check(asset=asset, name=name, description=description, blocking=False)


def quarantine_volume_check(table: str, key: dg.AssetKey, s: LakehouseSettings) -> dg.AssetChecksDefinition:
    @_check("quarantine_volume", key, f"At most {s.quarantine_max_per_hour} records quarantined in the last hour")
    def _quarantine_volume(trino: TrinoResource) -> dg.AssetCheckResult:
        rows = trino.query(f"select rejection_reason, count(*) from {s.table(table)} where {LAST_HOUR} group by 1")
        return _result(quarantine_volume({reason: n for reason, n in rows}, s.quarantine_max_per_hour))

    return _quarantine_volume


def data_quality_score_check(event: EventType, key: dg.AssetKey, s: LakehouseSettings) -> dg.AssetChecksDefinition:
    @_check("data_quality_score", key, f"valid / (valid + quarantined) over the last hour, at least {s.dq_score_floor}")
    def _data_quality_score(trino: TrinoResource) -> dg.AssetCheckResult:
        ((valid, quarantined),) = trino.query(
            f"select (select count(*) from {s.table(event.bronze_table)} where {LAST_HOUR}),"
            f" (select count(*) from {s.table(event.quarantine_table)} where {LAST_HOUR})"
        )
        return _result(data_quality_score(valid, quarantined, s.dq_score_floor))

    return _data_quality_score


def freshness_check(event: EventType, key: dg.AssetKey, s: LakehouseSettings) -> dg.AssetChecksDefinition:
    @_check("freshness", key, f"The newest row at most {s.freshness_max_age_s:.0f} s old while its generator runs")
    def _freshness(trino: TrinoResource) -> dg.AssetCheckResult:
        ((newest, now),) = trino.query(
            f"select max(kafka_timestamp), current_timestamp from {s.table(event.bronze_table)}"
        )
        generated = event.name in s.generated_event_types
        return _result(freshness(newest, now or datetime.now(UTC), s.freshness_max_age_s, generated))

    return _freshness


def suspicious_flag_rate_check(table: str, key: dg.AssetKey, s: LakehouseSettings) -> dg.AssetChecksDefinition:
    """`table`: the silver table as Trino names it (`iceberg.silver.charges`)."""

    @_check("suspicious_flag_rate", key, f"At most {s.suspicious_rate_max:.0%} of the last hour's rows flagged")
    def _suspicious_flag_rate(trino: TrinoResource) -> dg.AssetCheckResult:
        try:
            ((flagged, total),) = trino.query(f"select count_if(is_flagged), count(*) from {table} where {LAST_HOUR}")
        except TrinoQueryError as exc:
            if exc.error_name != "TABLE_NOT_FOUND":
                raise
            return _result(Outcome(False, f"{table} does not exist yet: dbt_build_job builds it"))
        return _result(suspicious_flag_rate(flagged, total, s.suspicious_rate_max))

    return _suspicious_flag_rate
