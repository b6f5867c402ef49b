"""The code location: `dagster code-server start -m orchestration.definitions` (components/dagster.py).

Assets, checks, jobs and schedules of the lakehouse, built from the stack's settings in the environment
(`settings.py`). Jobs:
- `payment_dq_monitoring_job`: observe the eight tables and run every data-quality check (hourly);
- `dbt_build_job`: `dbt build` of silver and gold, tests included (every 15 minutes);
- `table_maintenance_job`: compaction and cleanup of the streaming-written tables (daily).
"""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets import (
    DBT_PROJECT,
    flagged_silver_tables,
    lakehouse_dbt_models,
    source_key,
    table_observation,
)
from orchestration.checks import (
    data_quality_score_check,
    freshness_check,
    quarantine_volume_check,
    suspicious_flag_rate_check,
)
from orchestration.maintenance import table_maintenance_job
from orchestration.settings import LakehouseSettings
from orchestration.trino import TrinoResource
from payments.events import EVENT_TYPES

# Queued runs with this tag run one at a time (images/dagster/dagster.yaml: tag_concurrency_limits).
WRITES_TABLES = {"lakehouse/writes": "tables"}


def build_definitions(s: LakehouseSettings) -> dg.Definitions:
    observations = [
        table_observation(table, group, s)
        for event in EVENT_TYPES
        for table, group in ((event.bronze_table, "bronze"), (event.quarantine_table, "quarantine"))
    ]
    checks = [
        *(quarantine_volume_check(e.quarantine_table, source_key(e.quarantine_table), s) for e in EVENT_TYPES),
        *(data_quality_score_check(e, source_key(e.bronze_table), s) for e in EVENT_TYPES),
        *(freshness_check(e, source_key(e.bronze_table), s) for e in EVENT_TYPES),
        *(suspicious_flag_rate_check(t.relation, t.key, s) for t in flagged_silver_tables()),
    ]
    monitoring = dg.define_asset_job(
        "payment_dq_monitoring_job",
        selection=dg.AssetSelection.assets(*(o.key for o in observations))
        | dg.AssetSelection.checks(*checks)
        | dg.AssetSelection.checks_for_assets(lakehouse_dbt_models),
        description="Observe the eight tables, then every data-quality check: the monitors' and dbt's tests",
        executor_def=dg.in_process_executor,
    )
    dbt_build = dg.define_asset_job(
        "dbt_build_job",
        selection=dg.AssetSelection.assets(lakehouse_dbt_models),
        description="dbt build: seeds, silver, gold and snapshots, each model's tests right after it",
        executor_def=dg.in_process_executor,
        tags=WRITES_TABLES,
    )
    maintenance = table_maintenance_job(
        {t: source_key(t) for e in EVENT_TYPES for t in (e.bronze_table, e.quarantine_table)}, s, WRITES_TABLES
    )
    status = dg.DefaultScheduleStatus.RUNNING if s.schedules_running else dg.DefaultScheduleStatus.STOPPED
    return dg.Definitions(
        assets=[*observations, lakehouse_dbt_models],
        asset_checks=checks,
        jobs=[monitoring, dbt_build, maintenance],
        schedules=[
            dg.ScheduleDefinition(
                name="hourly_data_quality", job=monitoring, cron_schedule="0 * * * *", default_status=status
            ),
            dg.ScheduleDefinition(
                name="dbt_build_every_15_minutes", job=dbt_build, cron_schedule="*/15 * * * *", default_status=status
            ),
            dg.ScheduleDefinition(
                name="daily_table_maintenance", job=maintenance, cron_schedule=s.maintenance_cron, default_status=status
            ),
        ],
        resources={
            "trino": TrinoResource(host=s.trino_host, port=s.trino_port, catalog=s.trino_catalog),
            "dbt": DbtCliResource(project_dir=DBT_PROJECT),
        },
    )


defs = build_definitions(LakehouseSettings.from_env())
