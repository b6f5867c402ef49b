"""End to end: crafted events of every kind go through Kafka, the validation job and Iceberg.

The ground truth is the golden cases (payments/golden), sent to the four topics: every event must
land in exactly one table, bronze when valid, quarantine with the expected reason otherwise, and nothing
may be lost or written twice. Not in steady state, and not across a rule change applied by `pulumi up`
while events flow, a killed TaskManager, or a Flink cluster destroyed and created again.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from pulumi import automation as auto

from lakehouse.lake import Lake
from payments.cases import valid_event
from providers.docker.client import client
from tests.stack.conftest import ThrowawayStack
from tests.stack.ground_truth import TOPICS, Flow, Sender, assert_exactly_once, landed_once_caught_up

pytestmark = [pytest.mark.docker, pytest.mark.stack]  # drives a real stack


@pytest.fixture(scope="module")
def pipeline(shared_stack) -> tuple[ThrowawayStack, dict[str, auto.OutputValue]]:
    # The generators run too: their events land beside these tests', which know the outcome of their own.
    s, result = shared_stack
    return s, result.outputs


@pytest.fixture(scope="module")
def sender(pipeline) -> Sender:
    return Sender(pipeline[1]["kafka_bootstrap_servers"].value)


@pytest.fixture(scope="module")
def lake(pipeline) -> Lake:
    return Lake({k: v.value for k, v in pipeline[1].items()})


@pytest.fixture(scope="module")
def landed(pipeline, sender, lake):
    """Every row by record, once the job has caught up with everything `sender` sent."""
    _, outputs = pipeline
    group_id = outputs["validation_consumer_group"].value
    return lambda: landed_once_caught_up(lake, outputs["kafka_bootstrap_servers"].value, group_id, sender.keys())


def _jobs(rest: str) -> list[dict]:
    return requests.get(f"{rest}/jobs/overview", timeout=30).json()["jobs"]


def test_every_event_lands_once_in_its_table_with_its_reason(pipeline, sender, landed):
    rest = pipeline[1]["flink_ui_url"].value
    deadline = time.monotonic() + 300  # an earlier test took Kafka away: the job may still be restarting
    while not (running := [j for j in _jobs(rest) if j["state"] == "RUNNING"]) and time.monotonic() < deadline:
        time.sleep(2)
    assert [j["name"] for j in running] == ["payments-validation"], "one job runs all four streams"
    job = requests.get(f"{rest}/jobs/{running[0]['jid']}", timeout=10).json()
    vertices = " ".join(v["name"] for v in job["vertices"])
    assert all(f"raw_{topic}" in vertices for topic in TOPICS), vertices

    sender.send_golden()
    assert len(sender.expected) > 60
    assert_exactly_once(sender, landed())


def test_a_rule_change_applied_while_events_flow_loses_and_duplicates_nothing(pipeline, sender, landed):
    s, _ = pipeline
    before = [f"rule-before-{uuid.uuid4()}" for _ in range(3)]
    for event_id in before:  # 700 is within the default bound of 1,000,000
        sender.send("payment_charges", valid_event("payment_charges", event_id, amount=700.0), None)
    sender.flush()
    landed()

    with Flow(sender) as flow:
        s.stack.set_config("streaming-lakehouse:validation.maxAmount", auto.ConfigValue("500"), path=True)
        s.up()
        time.sleep(3)
    assert flow.sent > 50, "events must be flowing while the job is updated"

    for i in range(3):  # now over the bound
        sender.send(
            "payment_charges",
            valid_event("payment_charges", f"rule-after-{i}-{uuid.uuid4()}", amount=700.0),
            "INVALID_AMOUNT_TOO_LARGE",
        )
    sender.flush()
    assert_exactly_once(sender, landed())
    job = s.resources("FlinkSqlJob")[0]["outputs"]
    assert "/savepoints/" in job["restored_from"], "the updated job resumes from the savepoint of the old one"

    s.stack.remove_config("streaming-lakehouse:validation.maxAmount", path=True)
    s.up()


def test_a_killed_taskmanager_loses_and_duplicates_nothing(pipeline, sender, landed):
    s, _ = pipeline
    with Flow(sender):
        sender.send_golden()
        landed()  # kill a job that has been writing
        client().containers.get(f"{s.prefix}-flink-taskmanager1").kill()
        time.sleep(5)
    # Docker does not restart a killed container; `pulumi up` does, and Flink restores the job.
    s.up()
    assert_exactly_once(sender, landed())


def test_a_restarted_jobmanager_takes_its_job_back_by_itself(pipeline, sender, landed):
    s, outputs = pipeline
    rest = outputs["flink_ui_url"].value
    job_id = s.resources("FlinkSqlJob")[0]["outputs"]["job_id"]
    with Flow(sender):
        sender.send_golden()
        client().containers.get(f"{s.prefix}-flink-jobmanager").restart(timeout=30)
        # No `pulumi up`: high availability brings the same job back from its latest checkpoint.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not _running(rest, job_id):
            time.sleep(2)
    assert _running(rest, job_id), f"job {job_id} did not come back by itself within 300 s"
    assert_exactly_once(sender, landed())
    changes = s.preview().change_summary
    assert set(changes) == {auto.OpType.SAME}, f"nothing for `up` to do: {changes}"


def _running(rest: str, job_id: str) -> bool:
    try:
        return any(j["jid"] == job_id and j["state"] == "RUNNING" for j in _jobs(rest))
    except (requests.RequestException, KeyError, ValueError):
        return False  # the JobManager is still starting


def test_flink_destroyed_and_created_again_resumes_where_it_stopped(pipeline, sender, landed):
    s, _ = pipeline
    sender.send_golden()
    landed()

    flink = [r["urn"] for r in s.resources("") if "FlinkCluster" in r["urn"]]
    s.destroy(targets=flink)  # and what depends on it: the job, stopped with a savepoint
    assert not s.resources("FlinkSqlJob")
    assert not [c.name for c in client().containers.list(all=True) if c.name.startswith(f"{s.prefix}-flink")]

    sender.send_golden()  # while no Flink runs
    with Flow(sender):
        s.up()
    job = s.resources("FlinkSqlJob")[0]["outputs"]
    assert "/savepoints/" in job["restored_from"], "the new job resumes from the savepoint the old one left"
    assert_exactly_once(sender, landed())
