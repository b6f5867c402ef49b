"""The worst input on a live stack: a payload of about 1 MiB of the worst shape for each family of bad input
(`payments.cases.worst_cases`) neither stalls nor fails the validation job, and each lands in quarantine
with its reason; and timestamps outside any real range never reach bronze, so a plain scan of every bronze
table still works (the quadratic null-like check once stopped every commit for minutes on two 150 KB
messages, and one year-0000 row made a table unreadable for pyarrow).
"""

from __future__ import annotations

import uuid

import pytest
import requests
from confluent_kafka.admin import AdminClient, ConfigResource

from lakehouse.lake import Lake
from payments.cases import TOPIC_MAX_MESSAGE_BYTES, WORST_CASE_BYTES, valid_event, worst_cases
from payments.events import EVENT_TYPES
from providers.polling import poll_until
from tests.stack.ground_truth import Sender, assert_exactly_once, landed_once_caught_up

pytestmark = [pytest.mark.docker, pytest.mark.stack]  # drives a real stack

CHECKPOINTS_AFTER = 2  # checkpoints that must complete once the worst cases were consumed
CHECKPOINT_WAIT_S = 300


@pytest.fixture(scope="module")
def outputs(shared_stack) -> dict:
    return {k: v.value for k, v in shared_stack[1].outputs.items()}


@pytest.fixture(scope="module")
def lake(outputs) -> Lake:
    return Lake(outputs)


def _job(rest: str) -> str:
    """The id of the running validation job (waiting for it: an earlier test may have restarted it)."""

    def running() -> str | None:
        jobs = requests.get(f"{rest}/jobs/overview", timeout=30).json()["jobs"]
        return next((j["jid"] for j in jobs if j["state"] == "RUNNING"), None)

    job_id = poll_until(running, timeout_s=300, interval_s=2)
    assert job_id is not None, "no validation job running within 300 s"
    return job_id


def _checkpoints(rest: str, job_id: str) -> dict[str, int]:
    return requests.get(f"{rest}/jobs/{job_id}/checkpoints", timeout=30).json()["counts"]


def test_the_topics_take_a_worst_case_payload(outputs):
    admin = AdminClient({"bootstrap.servers": outputs["kafka_bootstrap_servers"]})
    resources = [ConfigResource(ConfigResource.Type.TOPIC, e.topic) for e in EVENT_TYPES]
    for resource, future in admin.describe_configs(resources).items():
        limit = int(future.result(timeout=30)["max.message.bytes"].value)
        # A record batch holds the payload, its key and some 100 bytes of framing.
        assert limit >= WORST_CASE_BYTES + 512, f"{resource}: max.message.bytes {limit}"


def test_a_worst_case_of_each_family_neither_stalls_nor_fails_the_job(outputs, lake):
    rest, bootstrap = outputs["flink_ui_url"], outputs["kafka_bootstrap_servers"]
    job_id = _job(rest)
    before = _checkpoints(rest, job_id)
    # The client's own limit (librdkafka: 1,000,000 bytes by default) must not refuse what the topic takes.
    sender = Sender(bootstrap, {"message.max.bytes": TOPIC_MAX_MESSAGE_BYTES})
    tag = uuid.uuid4().hex[:8]
    for case in worst_cases(f"worst-{tag}"):
        sender.send(case.event_name, case.payload, case.reason)
    sender.send("payment_charges", valid_event("payment_charges", f"worst-{tag}-ordinary"), None)
    sender.flush()

    assert_exactly_once(
        sender, landed_once_caught_up(lake, bootstrap, outputs["validation_consumer_group"], sender.keys())
    )
    # Still the same job, never restarted, and its checkpoints keep completing.
    wanted = _checkpoints(rest, job_id)["completed"] + CHECKPOINTS_AFTER

    def completed() -> dict[str, int] | None:
        counts = _checkpoints(rest, job_id)
        return counts if counts["completed"] >= wanted else None

    after = poll_until(completed, timeout_s=CHECKPOINT_WAIT_S, interval_s=2)
    assert after is not None, f"checkpoints stopped completing: {_checkpoints(rest, job_id)}"
    assert _job(rest) == job_id
    assert requests.get(f"{rest}/jobs/{job_id}", timeout=30).json()["state"] == "RUNNING"
    assert after["failed"] == before["failed"], f"checkpoints failed: {before} -> {after}"


@pytest.mark.parametrize("created_at", ["0000-01-01 00:00:00.000", "10000-01-01 00:00:00.000"])
def test_a_timestamp_outside_any_real_range_leaves_every_bronze_table_readable(outputs, lake, created_at):
    bootstrap = outputs["kafka_bootstrap_servers"]
    sender = Sender(bootstrap)
    for event in EVENT_TYPES:
        payload = valid_event(event.name, f"year-{uuid.uuid4().hex[:8]}", created_at=created_at)
        sender.send(event.topic, payload, "INVALID_TIMESTAMP")
    sender.flush()
    assert_exactly_once(
        sender, landed_once_caught_up(lake, bootstrap, outputs["validation_consumer_group"], sender.keys())
    )
    for event in EVENT_TYPES:  # every column, every row, as a Python client reads them
        rows = lake.table(event.bronze_table).scan().to_arrow().to_pylist()
        assert all(row["created_at"].year >= 1970 for row in rows), event.bronze_table
