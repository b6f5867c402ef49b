"""Table maintenance of every table the streaming job writes, through Trino's Iceberg procedures: compact
small data files (`optimize`), rewrite manifests (`optimize_manifests`), expire old snapshots
(`expire_snapshots`) and delete files no snapshot references (`remove_orphan_files`). Runs while the job
keeps committing: a lost commit race is retried (`TrinoResource.commit`).

Procedures: Trino's Iceberg connector documentation, "ALTER TABLE EXECUTE"."""

from dataclasses import asdict, dataclass

import dagster as dg

from orchestration.settings import LakehouseSettings
from orchestration.trino import TrinoResource


@dataclass(frozen=True)
class TableFiles:
    data_files: int
    data_bytes: int
    snapshots: int


def table_files(trino: TrinoResource, settings: LakehouseSettings, name: str) -> TableFiles:
    """The data files of the table's current snapshot (count, bytes) and how many snapshots it keeps."""
    ((files, size),) = trino.query(
        f"select count(*), coalesce(sum(file_size_in_bytes), 0) from {settings.table(name, 'files')} where content = 0"
    )
    ((snapshots,),) = trino.query(f"select count(*) from {settings.table(name, 'snapshots')}")
    return TableFiles(files, size, snapshots)


def maintain(trino: TrinoResource, settings: LakehouseSettings, name: str) -> tuple[TableFiles, TableFiles]:
    """Run the four procedures on the table `name`; its files before and after."""
    table = settings.table(name)
    before = table_files(trino, settings, name)
    trino.commit(f"alter table {table} execute optimize")
    trino.commit(f"alter table {table} execute optimize_manifests")
    trino.commit(
        f"alter table {table} execute expire_snapshots(retention_threshold => '{settings.snapshot_retention}')"
    )
    trino.commit(
        f"alter table {table} execute remove_orphan_files(retention_threshold => '{settings.orphan_file_retention}')"
    )
    return before, table_files(trino, settings, name)


def maintenance_op(table: str, key: dg.AssetKey, settings: LakehouseSettings) -> dg.OpDefinition:
    @dg.op(
        name=f"maintain_{table}",
        description=f"optimize, optimize_manifests, expire_snapshots and remove_orphan_files on {table}",
        retry_policy=dg.RetryPolicy(max_retries=2, delay=30),
    )
    def _maintain(context: dg.OpExecutionContext, trino: TrinoResource) -> dg.Output[dict[str, int]]:
        before, after = maintain(trino, settings, table)
        figures = {
            **{f"{k}_before": v for k, v in asdict(before).items()},
            **{f"{k}_after": v for k, v in asdict(after).items()},
        }
        # On the table's own page too, so its file history sits beside its row counts.
        context.log_event(dg.AssetObservation(asset_key=key, metadata={"maintenance": "done", **figures}))
        context.log.info(
            f"{table}: {before.data_files} -> {after.data_files} data files, "
            f"{before.data_bytes} -> {after.data_bytes} bytes, {before.snapshots} -> {after.snapshots} snapshots"
        )
        return dg.Output(figures, metadata=figures)

    return _maintain


def table_maintenance_job(
    tables: dict[str, dg.AssetKey], settings: LakehouseSettings, tags: dict[str, str]
) -> dg.JobDefinition:
    """One op per table, one after another in one process: Trino has two cores to give."""
    ops = [maintenance_op(table, key, settings) for table, key in tables.items()]

    @dg.job(
        name="table_maintenance_job",
        description="Compaction, manifest rewrite, snapshot expiry and orphan-file removal of the streaming tables",
        executor_def=dg.in_process_executor,
        tags=tags,
    )
    def _job() -> None:
        for op in ops:
            op()

    return _job
