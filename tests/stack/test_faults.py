"""Faults while events flow: a ground-truth producer sends the golden cases of all four types before and after
each fault, and valid charges all along, with the generators running; afterwards every sent event is in
exactly one table with its expected outcome (none lost, none doubled, by Kafka topic, partition and offset)
and the validation job is RUNNING, with no command run: the stack heals itself.

They run on the package's shared stack. `make test-faults` runs them all; `make test` runs the ones
marked `representative`.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from lakehouse.dagster_run import run_job
from lakehouse.lake import Lake
from providers.docker.client import LABEL_STACK, client
from tests.stack.conftest import ThrowawayStack, trino_query
from tests.stack.ground_truth import Flow, Sender, assert_exactly_once, landed_once_caught_up

ROOT = Path(__file__).resolve().parents[2]
BACK_WITHIN_S = 180  # the job RUNNING again after the fault, by itself


def _container(s: ThrowawayStack, name: str):
    return client().containers.get(f"{s.prefix}-{name}")


def restart(*names: str) -> Callable[[ThrowawayStack], None]:
    def fault(s: ThrowawayStack) -> None:
        for name in names:
            _container(s, name).restart(timeout=30)

    return fault


def restart_everything(s: ThrowawayStack) -> None:
    """Every container of the stack restarted at once."""
    containers = client().containers.list(filters={"label": f"{LABEL_STACK}={s.name}"})
    with ThreadPoolExecutor(max_workers=len(containers)) as pool:
        list(pool.map(lambda c: c.restart(timeout=30), containers))


def catalog_paused_while_the_taskmanager_restarts(s: ThrowawayStack) -> None:
    """A commit the catalog may apply but whose answer never reaches the TaskManager, which then restarts:
    the restored job must see that commit and not make it twice."""
    catalog = _container(s, "catalog")
    catalog.pause()
    try:
        time.sleep(15)  # past the next checkpoint (10 s): its Iceberg commits hang on the paused catalog
        _container(s, "flink-taskmanager1").restart(timeout=30)
    finally:
        catalog.unpause()


def docker_daemon_restart(_: ThrowawayStack) -> None:
    """Stop and start the Docker daemon: containers stop, and come back by their restart policy."""
    if shutil.which("systemctl") and subprocess.run(["systemctl", "is-active", "--quiet", "docker"]).returncode == 0:
        subprocess.run(["systemctl", "restart", "docker"], check=True, timeout=300)
        return
    # Started by `make bootstrap` (no init system): stop it, then let bootstrap start it again.
    subprocess.run(["pkill", "-TERM", "-x", "dockerd"], check=True)
    deadline = time.monotonic() + 120
    while subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "dockerd did not stop within 120 s"
        time.sleep(1)
    subprocess.run(["bash", str(ROOT / "tools" / "bootstrap.sh")], check=True, timeout=600)


FAULTS = {
    "kafka restarted": pytest.param(restart("kafka"), marks=pytest.mark.representative),
    "catalog restarted": restart("catalog"),
    "catalog database restarted": restart("catalog-db"),
    "object store restarted": restart("minio"),
    "catalog paused across a commit while the TaskManager restarts": catalog_paused_while_the_taskmanager_restarts,
    "every container restarted at once": restart_everything,
    "Docker daemon restarted": docker_daemon_restart,
}


pytestmark = [pytest.mark.docker, pytest.mark.stack, pytest.mark.faults]  # a fault in a real stack


@pytest.fixture(scope="module")
def sender(shared_stack) -> Sender:
    return Sender(shared_stack[1].outputs["kafka_bootstrap_servers"].value)


@pytest.fixture(scope="module")
def landed(shared_stack, sender):
    """Every row by record, once the job has caught up with everything `sender` sent."""
    _, result = shared_stack
    outputs = {k: v.value for k, v in result.outputs.items()}
    lake, group_id = Lake(outputs), outputs["validation_consumer_group"]
    return lambda: landed_once_caught_up(lake, outputs["kafka_bootstrap_servers"], group_id, sender.keys())


def _job_running(rest: str) -> bool:
    try:
        jobs = requests.get(f"{rest}/jobs/overview", timeout=10).json()["jobs"]
    except (requests.RequestException, KeyError, ValueError):
        return False
    return [j["name"] for j in jobs if j["state"] == "RUNNING"] == ["payments-validation"]


@pytest.mark.parametrize("fault", list(FAULTS.values()), ids=list(FAULTS))
def test_nothing_lost_nothing_doubled_and_the_job_runs_again(shared_stack, sender, landed, fault):
    s, result = shared_stack
    rest = result.outputs["flink_ui_url"].value
    with Flow(sender):  # valid charges all along, while the fault happens and the stack heals
        sender.send_golden()
        time.sleep(5)
        fault(s)
        # Counted from the moment the fault is over (the Docker daemon back, for that one).
        deadline = time.monotonic() + BACK_WITHIN_S
        while not _job_running(rest):
            assert time.monotonic() < deadline, f"the job is not RUNNING {BACK_WITHIN_S} s after the fault"
            time.sleep(2)
        sender.send_golden()  # the producer retries while Kafka is still away
    rows = landed()
    assert_exactly_once(sender, rows)
    # The figures a reader of the run wants (`make test-faults` shows them): what this fault put through.
    print(f"{len(sender.expected)} events sent so far on this stack, each landed exactly once; {len(rows)} rows in all")


def test_a_taskmanager_killed_right_after_maintenance_commits_loses_and_duplicates_nothing(
    shared_stack, sender, landed
):
    """Compaction makes a snapshot the Flink committer did not write the current one; the job restored
    after the kill must still find its own last commit in the table's history (not commit it again), and
    the snapshot before maintenance stays readable."""
    s, result = shared_stack
    outputs = {k: v.value for k, v in result.outputs.items()}
    t = f'iceberg."{outputs["iceberg_namespace"]}"."payment_charges'
    table, snapshots = f'{t}"', f'{t}$snapshots"'
    with trino_query(outputs) as query, Flow(sender), ThreadPoolExecutor(max_workers=1) as pool:
        sender.send_golden()
        landed()  # the job has been writing
        ((before_snapshot, started),) = query(
            f"select max_by(snapshot_id, committed_at), current_timestamp from {snapshots}"
        )
        before = set(
            map(tuple, query(f"select kafka_partition, kafka_offset from {table} for version as of {before_snapshot}"))
        )
        maintenance = pool.submit(run_job, outputs, "table_maintenance_job")
        deadline = time.monotonic() + 600
        while not query(
            f"select 1 from {snapshots} where operation = 'replace' and committed_at > timestamp '{started}'"
        ):
            assert not maintenance.done(), "the maintenance run ended and never compacted the table"
            assert time.monotonic() < deadline, "no compaction within 10 minutes"
            time.sleep(0.5)
        _container(s, "flink-taskmanager1").kill()
        run = maintenance.result()
        assert run.exit_code == 0, run.log[-5000:]
        sender.send_golden()
    s.up()  # Docker does not restart a killed container; `pulumi up` does, and Flink restores the job
    assert_exactly_once(sender, landed())
    with trino_query(outputs) as query:
        doubled = query(f"select kafka_partition, kafka_offset from {table} group by 1, 2 having count(*) > 1")
        assert not doubled, f"records in the table twice: {doubled[:10]}"
        travelled = query(f"select kafka_partition, kafka_offset from {table} for version as of {before_snapshot}")
    assert set(map(tuple, travelled)) == before, "time travel to the snapshot before maintenance"
