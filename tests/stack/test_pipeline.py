"""End to end: crafted events of every kind go through Kafka, the validation job and Iceberg.

The ground truth is the golden cases (tests/flink_jobs/golden), sent to the four topics: every event must
land in exactly one table, bronze when valid, quarantine with the expected reason otherwise, and nothing
may be lost or written twice. Not in steady state, and not across a rule change applied by `pulumi up`
while events flow, a killed TaskManager, or a Flink cluster destroyed and created again.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
import requests
from confluent_kafka import Producer
from pulumi import automation as auto

from providers.docker._client import client
from tests.flink_jobs.cases import cases, event_names, valid_event
from tests.stack.conftest import ThrowawayStack
from tools.lake import Key, Lake

TOPICS = event_names()
LAND_TIMEOUT_S = 60  # the promise: every event in its table within a minute


class Sender:
    """Produces events and remembers, by the offset Kafka gave each, where it must land (None: bronze)."""

    def __init__(self, bootstrap: str) -> None:
        self.producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
        self.expected: dict[Key, str | None] = {}
        self.lock = threading.Lock()

    def send(self, topic: str, payload: str | None, reason: str | None) -> None:
        def delivered(err, msg) -> None:
            assert err is None, f"Kafka refused an event: {err}"
            with self.lock:
                self.expected[(msg.topic(), msg.partition(), msg.offset())] = reason

        try:
            key = json.loads(payload)["event_id"] if payload else None
        except (ValueError, TypeError, KeyError):
            key = None
        self.producer.produce(topic, value=payload, key=key if isinstance(key, str) else None, on_delivery=delivered)
        self.producer.poll(0)

    def send_golden(self) -> None:
        """Every golden case of every type, once, each with a fresh event id."""
        batch = uuid.uuid4().hex[:8]
        for topic in TOPICS:
            for case in cases(topic, event_id=f"{batch}-{topic}"):
                self.send(topic, case.payload, case.reasons[0] if case.reasons else None)
        self.flush()

    def flush(self) -> None:
        assert self.producer.flush(30) == 0, "events still unsent after 30 s"

    def keys(self) -> set[Key]:
        with self.lock:
            return set(self.expected)


class Flow:
    """Valid charges sent continuously from a thread while something else happens."""

    def __init__(self, sender: Sender, interval_s: float = 0.02) -> None:
        self.sender, self.interval_s = sender, interval_s
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.sent = 0

    def _run(self) -> None:
        while not self.stop_event.is_set():
            self.sender.send("payment_charges", valid_event("payment_charges", f"flow-{uuid.uuid4()}"), None)
            self.sent += 1
            time.sleep(self.interval_s)

    def __enter__(self) -> Flow:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop_event.set()
        self.thread.join()
        self.sender.flush()


def wait_for(lake: Lake, keys: set[Key], timeout_s: float = LAND_TIMEOUT_S) -> dict[Key, list[tuple[str, str | None]]]:
    deadline = time.monotonic() + timeout_s
    while True:
        landed = lake.landed()
        if not keys - set(landed) or time.monotonic() > deadline:
            return landed
        time.sleep(2)


def assert_exactly_once(sender: Sender, landed: dict[Key, list[tuple[str, str | None]]]) -> None:
    problems = []
    for key, reason in sorted(sender.expected.items()):
        topic = key[0]
        want = (topic, None) if reason is None else (f"quarantine_{topic}", reason)
        rows = landed.get(key, [])
        if rows != [want]:
            problems.append(f"{key}: landed as {rows or 'nothing'}, expected {want}")
    duplicated = {k: v for k, v in landed.items() if len(v) > 1}
    assert not problems, f"{len(problems)} of {len(sender.expected)} events wrong:\n" + "\n".join(problems[:30])
    assert not duplicated, f"rows written twice: {list(duplicated.items())[:10]}"


@pytest.fixture(scope="module")
def pipeline(throwaway_stack) -> tuple[ThrowawayStack, dict[str, auto.OutputValue]]:
    # No generators: only the events the tests send, so every row has a known expected outcome.
    s = throwaway_stack({"generators": {t: {"enabled": False} for t in TOPICS}})
    return s, s.up().outputs


@pytest.fixture(scope="module")
def sender(pipeline) -> Sender:
    return Sender(pipeline[1]["kafka_bootstrap_servers"].value)


@pytest.fixture(scope="module")
def lake(pipeline) -> Lake:
    return Lake({k: v.value for k, v in pipeline[1].items()})


def test_every_event_lands_once_in_its_table_with_its_reason(pipeline, sender, lake):
    rest = pipeline[1]["flink_ui_url"].value
    jobs = requests.get(f"{rest}/jobs/overview", timeout=10).json()["jobs"]
    running = [j for j in jobs if j["state"] == "RUNNING"]
    assert [j["name"] for j in running] == ["payments-validation"], "one job runs all four streams"
    job = requests.get(f"{rest}/jobs/{running[0]['jid']}", timeout=10).json()
    vertices = " ".join(v["name"] for v in job["vertices"])
    assert all(f"raw_{topic}" in vertices for topic in TOPICS), vertices

    sender.send_golden()
    assert len(sender.expected) > 60
    assert_exactly_once(sender, wait_for(lake, sender.keys()))


def test_a_rule_change_applied_while_events_flow_loses_and_duplicates_nothing(pipeline, sender, lake):
    s, _ = pipeline
    before = [f"rule-before-{uuid.uuid4()}" for _ in range(3)]
    for event_id in before:  # 700 is within the default bound of 1,000,000
        sender.send("payment_charges", valid_event("payment_charges", event_id, amount=700.0), None)
    sender.flush()
    wait_for(lake, sender.keys())

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
    assert_exactly_once(sender, wait_for(lake, sender.keys()))
    job = s.resources("FlinkSqlJob")[0]["outputs"]
    assert "/savepoints/" in job["restored_from"], "the updated job resumes from the savepoint of the old one"

    s.stack.remove_config("streaming-lakehouse:validation.maxAmount", path=True)
    s.up()


def test_a_killed_taskmanager_loses_and_duplicates_nothing(pipeline, sender, lake):
    s, _ = pipeline
    with Flow(sender):
        sender.send_golden()
        wait_for(lake, sender.keys(), timeout_s=30)  # kill a job that has been writing
        client().containers.get(f"{s.prefix}-flink-taskmanager1").kill()
        time.sleep(5)
    # Docker does not restart a killed container; `pulumi up` does, and Flink restores the job.
    s.up()
    assert_exactly_once(sender, wait_for(lake, sender.keys(), timeout_s=LAND_TIMEOUT_S + 60))


def test_flink_destroyed_and_created_again_resumes_where_it_stopped(pipeline, sender, lake):
    s, _ = pipeline
    sender.send_golden()
    wait_for(lake, sender.keys())

    flink = [r["urn"] for r in s.resources("") if "FlinkCluster" in r["urn"]]
    s.destroy(targets=flink)  # and what depends on it: the job, stopped with a savepoint
    assert not s.resources("FlinkSqlJob")
    assert not [c.name for c in client().containers.list(all=True) if c.name.startswith(f"{s.prefix}-flink")]

    sender.send_golden()  # while no Flink runs
    with Flow(sender):
        s.up()
    job = s.resources("FlinkSqlJob")[0]["outputs"]
    assert "/savepoints/" in job["restored_from"], "the new job resumes from the savepoint the old one left"
    assert_exactly_once(sender, wait_for(lake, sender.keys()))
