"""Dagster on the shared stack, after the serving tests built silver: the code location loads with every
table's checks and the three jobs and schedules; `payment_dq_monitoring_job` runs from the host as the README
says, and its data-quality score is the one an independent count of the tables gives; a burst of 500
invalid charges fails the quarantine-volume check with the counts per reason; the table maintenance job
compacts a table the streaming job keeps committing to, and every Kafka record is still there once.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from pyiceberg.expressions import GreaterThan

from lakehouse.dagster_checks import CheckOutcome, latest_checks, line
from lakehouse.dagster_run import JobRun, run_job
from lakehouse.lake import Lake
from payments.cases import valid_event
from payments.events import EVENT_TYPES
from providers.docker.client import client
from tests.stack.conftest import trino_query
from tests.stack.ground_truth import Sender, landed_once_caught_up

pytestmark = [pytest.mark.docker, pytest.mark.stack]

DQ_JOB = "payment_dq_monitoring_job"
BURST = 500
BURST_REASON = "INVALID_AMOUNT_NEGATIVE"  # a negative amount (payments/golden/payment_charges.yaml)


@pytest.fixture(scope="module")
def outputs(shared_stack) -> dict[str, Any]:
    return {k: v.value for k, v in shared_stack[1].outputs.items()}


@pytest.fixture(scope="module")
def query(outputs):
    with trino_query(outputs) as run:
        yield run


def _by_check(run: JobRun) -> dict[tuple[str, str], CheckOutcome]:
    return {(c.asset, c.check): c for c in run.checks}


# The code location's own description of itself, printed from inside its container.
DESCRIBE = """
import json
from orchestration.definitions import defs
graph = defs.resolve_asset_graph()
print(json.dumps({
    "jobs": sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__")),
    "schedules": {s.name: [s.job_name, s.cron_schedule, s.default_status.value] for s in defs.schedules},
    "checks": sorted("/".join(k.asset_key.path) + ":" + k.name for k in graph.asset_check_keys),
    "assets": sorted("/".join(k.path) for k in graph.get_all_asset_keys()),
}))
"""


def test_the_code_location_has_every_tables_checks_and_its_schedules_run_from_the_start(outputs):
    code = client().containers.get(outputs["dagster_code_server_container"])
    # As a stack with the default config runs it (this test stack starts its schedules stopped).
    result = code.exec_run(["python3", "-c", DESCRIBE], environment={"LAKEHOUSE_SCHEDULES_RUNNING": "true"})
    assert result.exit_code == 0, result.output.decode()[-3000:]
    found = json.loads(result.output.decode().strip().splitlines()[-1])
    assert found["jobs"] == ["dbt_build_job", DQ_JOB, "table_maintenance_job"]
    assert found["schedules"] == {
        "hourly_data_quality": [DQ_JOB, "0 * * * *", "RUNNING"],
        "dbt_build_every_15_minutes": ["dbt_build_job", "*/15 * * * *", "RUNNING"],
        "daily_table_maintenance": ["table_maintenance_job", "0 3 * * *", "RUNNING"],
    }
    for e in EVENT_TYPES:
        assert f"payments/{e.bronze_table}" in found["assets"]
        assert f"payments/{e.quarantine_table}" in found["assets"]
        assert f"payments/{e.quarantine_table}:quarantine_volume" in found["checks"]
        assert f"payments/{e.bronze_table}:data_quality_score" in found["checks"]
        assert f"payments/{e.bronze_table}:freshness" in found["checks"]
    for table in ("charges", "refunds", "disputes", "subscriptions"):
        assert f"silver/{table}:suspicious_flag_rate" in found["checks"]
    assert "silver/charges" in found["assets"]
    assert "gold/daily_data_quality" in found["assets"]
    # dbt's tests are checks too: every silver model's unique event_id, for one.
    assert any(c.startswith("silver/charges:unique_") for c in found["checks"])


def test_the_webserver_serves_the_ui_and_lists_the_assets(outputs):
    url = outputs["dagster_url"]
    assert requests.get(url, timeout=30).status_code == 200
    answer = requests.post(
        f"{url}/graphql",
        json={"query": "{ assetNodes { assetKey { path } } workspaceOrError { ... on Workspace { locationEntries"
              " { name locationOrLoadError { __typename } } } } }"},
        timeout=60,
    ).json()  # fmt: skip
    entries = answer["data"]["workspaceOrError"]["locationEntries"]
    assert [(e["name"], e["locationOrLoadError"]["__typename"]) for e in entries] == [
        ("lakehouse", "RepositoryLocation")
    ]
    keys = {"/".join(n["assetKey"]["path"]) for n in answer["data"]["assetNodes"]}
    assert {f"payments/{e.bronze_table}" for e in EVENT_TYPES} <= keys


def _independent_counts(lake: Lake, since: datetime, as_of: datetime) -> dict[str, int]:
    """Rows per table whose Kafka timestamp is after `since`, in the table as it was at `as_of` (its
    snapshot then), read with pyiceberg rather than through Trino."""
    out = {}
    for e in EVENT_TYPES:
        for name in (e.bronze_table, e.quarantine_table):
            table = lake.table(name)
            snapshot = table.snapshot_as_of_timestamp(int(as_of.timestamp() * 1000))
            if snapshot is None:  # nothing committed yet at that moment
                out[name] = 0
                continue
            where = GreaterThan("kafka_timestamp", since.isoformat())
            scan = table.scan(row_filter=where, selected_fields=("kafka_offset",), snapshot_id=snapshot.snapshot_id)
            out[name] = scan.to_arrow().num_rows
    return out


@pytest.fixture(scope="module")
def dbt_job(outputs) -> JobRun:
    """dbt_build_job, as its schedule runs it: silver and gold through dagster-dbt, dbt's tests as checks."""
    return run_job(outputs, "dbt_build_job")


def test_the_dbt_job_builds_silver_and_gold_with_its_tests_as_checks(dbt_job, query):
    assert dbt_job.exit_code == 0, dbt_job.log[-5000:]
    assert "RUN_SUCCESS" in dbt_job.log
    for model in ("silver.charges", "silver.subscription_status_history", "gold.daily_data_quality"):
        assert query(f"select count(*) from {model}")[0][0] > 0, model
    dbt_tests = [c for c in dbt_job.checks if c.check != "suspicious_flag_rate"]
    assert len(dbt_tests) > 100
    # Errors none; warnings only where the project means to warn (flagged rows counted, not dropped).
    assert not [c for c in dbt_tests if c.failed], [c for c in dbt_tests if c.failed][:5]
    assert all(c.check.startswith("relationships_") for c in dbt_tests if c.warned)


@pytest.fixture(scope="module")
def dq_run(outputs, dbt_job) -> tuple[JobRun, float, float]:
    """The job run as `make dq` runs it, with the wall-clock bounds of the run (seconds since the epoch)."""
    started = time.time()
    run = run_job(outputs, DQ_JOB)
    return run, started, time.time()


def test_the_dq_job_runs_from_the_host_and_ends_with_every_checks_outcome(dq_run):
    run, *_ = dq_run
    assert run.exit_code == 0, run.log[-5000:]
    checks = _by_check(run)
    for e in EVENT_TYPES:
        for key in (
            (f"payments/{e.quarantine_table}", "quarantine_volume"),
            (f"payments/{e.bronze_table}", "data_quality_score"),
            (f"payments/{e.bronze_table}", "freshness"),
        ):
            assert checks[key].status in ("SUCCEEDED", "FAILED"), checks[key]  # judged, not crashed
    assert checks[("silver/charges", "suspicious_flag_rate")].metadata["rows"] > 0
    # dbt's tests ran in the same job, as checks.
    assert any(asset.startswith("silver/") and not name.endswith("_rate") for asset, name in checks)
    assert not [c for c in run.checks if c.status == "EXECUTION_FAILED"], [c for c in run.checks if c.failed][:5]


def test_the_data_quality_score_is_the_one_an_independent_count_gives(outputs, dq_run):
    run, started, ended = dq_run
    lake = Lake(outputs)
    # Each check counted the last hour of what had landed at some moment of the run: no fewer rows than
    # the tables held at its start that are within the hour before its end, no more than they held at its
    # end within the hour before its start.
    start, end = datetime.fromtimestamp(started, UTC), datetime.fromtimestamp(ended, UTC)
    fewest = _independent_counts(lake, since=end - timedelta(hours=1), as_of=start)
    most = _independent_counts(lake, since=start - timedelta(hours=1), as_of=end)
    checks = _by_check(run)
    for e in EVENT_TYPES:
        score = checks[(f"payments/{e.bronze_table}", "data_quality_score")].metadata
        valid, quarantined = score["valid"], score["quarantined"]
        assert fewest[e.bronze_table] <= valid <= most[e.bronze_table], (e.name, score, fewest, most)
        assert fewest[e.quarantine_table] <= quarantined <= most[e.quarantine_table], (e.name, score)
        assert valid + quarantined > 0, e.name
        assert score["score"] == pytest.approx(valid / (valid + quarantined), abs=1e-6)


def test_a_burst_of_invalid_charges_fails_the_quarantine_volume_check_with_counts_per_reason(outputs):
    sender, tag = Sender(outputs["kafka_bootstrap_servers"]), uuid.uuid4().hex[:8]
    for i in range(BURST):
        sender.send("payment_charges", valid_event("payment_charges", f"burst-{tag}-{i}", amount=-5.0), BURST_REASON)
    sender.flush()
    sent = sender.keys()
    landed = landed_once_caught_up(
        Lake(outputs), outputs["kafka_bootstrap_servers"], outputs["validation_consumer_group"], sent
    )
    assert all(landed.get(k) == [("quarantine_payment_charges", BURST_REASON)] for k in sent)
    run = run_job(outputs, DQ_JOB)
    assert run.exit_code == 0, run.log[-5000:]
    volume = _by_check(run)[("payments/quarantine_payment_charges", "quarantine_volume")]
    assert volume.status == "FAILED", volume
    assert volume.metadata["by_reason"][BURST_REASON] >= BURST
    assert volume.metadata["quarantined_last_hour"] == sum(volume.metadata["by_reason"].values()) > BURST
    score = _by_check(run)[("payments/payment_charges", "data_quality_score")].metadata
    assert score["quarantined"] >= BURST
    # What `make status` prints under "failed asset checks".
    failed = [line(c) for c in latest_checks(outputs["dagster_url"]) if c.failed]
    assert any("payments/quarantine_payment_charges:quarantine_volume" in f for f in failed), failed


MAINTAINED = "payment_charges"


def test_table_maintenance_compacts_a_streaming_table_while_it_commits_and_keeps_every_record_once(outputs, query):
    t = f'iceberg."{outputs["iceberg_namespace"]}"."{MAINTAINED}'
    table, snapshots, files = f'{t}"', f'{t}$snapshots"', f'{t}$files"'
    ((first_commit,),) = query(f"select min(committed_at) from {snapshots}")
    ((before_snapshot,),) = query(f"select max_by(snapshot_id, committed_at) from {snapshots}")
    ((before_files,),) = query(f"select count(*) from {files} where content = 0")
    before = set(
        map(tuple, query(f"select kafka_partition, kafka_offset from {table} for version as of {before_snapshot}"))
    )
    ((started,),) = query("select current_timestamp")

    run = run_job(outputs, "table_maintenance_job")
    assert run.exit_code == 0, run.log[-5000:]
    ((ended,),) = query("select current_timestamp")
    during = query(
        f"select operation, summary['total-data-files'] from {snapshots}"
        f" where committed_at between timestamp '{started}' and timestamp '{ended}' order by committed_at"
    )  # fmt: skip
    compacted = [int(n) for op, n in during if op == "replace"]
    assert compacted, f"no compaction snapshot between {started} and {ended}: {during}"
    written_for = started - first_commit
    assert compacted[0] <= before_files / 10, (
        f"{before_files} data files before, {compacted[0]} after compaction (table written for {written_for})"
    )
    assert any(op == "append" for op, _ in during), f"the streaming job committed nothing while it ran: {during}"
    # Nothing lost, nothing doubled: the records of the snapshot before are all there, once.
    after = query(f"select kafka_partition, kafka_offset, count(*) from {table} group by 1, 2")
    assert not [r for r in after if r[2] != 1], "rows written twice"
    assert before <= {(p, o) for p, o, _ in after}
    # And the snapshot before maintenance is still there to travel to, with the rows of that moment.
    travelled = query(f"select kafka_partition, kafka_offset from {table} for version as of {before_snapshot}")
    assert set(map(tuple, travelled)) == before
