"""The assets: the eight tables the validation job writes, observed (rows, last commit), and the dbt
project's seeds, models and snapshots (silver and gold), its tests surfaced as asset checks."""

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets, get_asset_key_for_model

from orchestration.settings import LakehouseSettings
from orchestration.trino import TrinoResource

# Built into the image with its manifest (`dbt parse` at build time: images/dagster/Dockerfile).
DBT_PROJECT = DbtProject(project_dir=Path(__file__).resolve().parents[1] / "dbt")
DBT_SOURCE = "payments"  # the dbt source of the validation job's tables (dbt/models/sources.yml)


@dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, name="lakehouse_dbt_models")
def lakehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):  # noqa: ANN201 (a generator of events)
    """`dbt build` of the selected seeds, models and snapshots, with their tests. Run for its tests alone
    (`payment_dq_monitoring_job`), a failed test is that check's outcome, not a failed run."""
    materializing = bool(context.selected_asset_keys)
    yield from dbt.cli(["build"], context=context, raise_on_error=materializing).stream()


def source_key(table: str) -> dg.AssetKey:
    """The asset key dagster-dbt gives the dbt source table `table`, so lineage joins up."""
    return dg.AssetKey([DBT_SOURCE, table])


def table_observation(table: str, group: str, s: LakehouseSettings) -> dg.SourceAsset:
    """An observable source asset for a table the streaming job writes: its rows and its last commit; the
    data version is the current snapshot's id, so a new commit is a new version."""

    # Beta in 1.13 (a warning each time the code loads); the pinned version is what the tests ran.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _observation(table, group, s)


def _observation(table: str, group: str, s: LakehouseSettings) -> dg.SourceAsset:
    @dg.observable_source_asset(
        key=source_key(table),
        group_name=group,
        description=f"{s.table(table)}, written by the Flink validation job",
    )
    def _observe(trino: TrinoResource) -> dg.ObserveResult:
        ((rows,),) = trino.query(f"select count(*) from {s.table(table)}")
        current = trino.query(
            f"select snapshot_id, committed_at from {s.table(table, 'snapshots')} order by committed_at desc limit 1"
        )
        metadata: dict[str, object] = {"dagster/row_count": rows}
        if current:
            snapshot_id, committed_at = current[0]
            metadata |= {"snapshot_id": str(snapshot_id), "last_commit_time": dg.MetadataValue.timestamp(committed_at)}
        return dg.ObserveResult(
            data_version=dg.DataVersion(str(current[0][0]) if current else "empty"), metadata=metadata
        )

    return _observe


@dataclass(frozen=True)
class SilverTable:
    model: str  # the dbt model
    relation: str  # as Trino names it: iceberg.silver.charges
    key: dg.AssetKey


def flagged_silver_tables() -> list[SilverTable]:
    """The silver models that flag suspicious rows (an `is_flagged` column in their contract), from the
    manifest, so a new such model is monitored without a change here."""
    manifest = json.loads(Path(DBT_PROJECT.manifest_path).read_text())
    return [
        SilverTable(
            node["name"],
            f"{node['database']}.{node['schema']}.{node['alias']}",
            get_asset_key_for_model([lakehouse_dbt_models], node["name"]),
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "silver" and "is_flagged" in node["columns"]
    ]
