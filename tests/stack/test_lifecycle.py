"""A real up / refresh / destroy cycle of a throwaway stack: what `make up` and `make down` promise."""

from __future__ import annotations

import json
import time

import pytest
import requests
from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient
from pulumi import automation as auto

from providers.docker.client import LABEL_STACK, client

pytestmark = [pytest.mark.docker, pytest.mark.stack]  # drives a real stack


def _labelled(stack_name: str) -> dict[str, list[str]]:
    dc = client()
    only = {"label": f"{LABEL_STACK}={stack_name}"}
    return {
        "containers": sorted(c.name for c in dc.containers.list(all=True, filters=only)),
        "networks": sorted(n.name for n in dc.networks.list(filters=only)),
        "volumes": sorted(v.name for v in dc.volumes.list(filters=only)),
    }


def _broker_answers(bootstrap: str) -> list[str]:
    """A real request, not a port probe: the broker's metadata."""
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=20)
    assert metadata.brokers, "no broker in the metadata"
    return sorted(t for t in metadata.topics if not t.startswith("__"))


def _keyed_events(bootstrap: str, topic: str, seconds: float = 15, enough: int = 0) -> int:
    """How many events arrive on the topic within the time (or until `enough`), every one keyed by its event id."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"t-{time.time()}", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    count = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(1)
            if message is None or message.error():
                continue
            try:
                event = json.loads(message.value())
            except json.JSONDecodeError:
                continue  # an injected malformed payload: the validation job's business, not this test's
            assert message.key().decode() == event["event_id"]
            count += 1
            if count == enough:
                break
    finally:
        consumer.close()
    return count


def test_bad_config_fails_at_preview_naming_the_key(throwaway_stack):
    s = throwaway_stack({"kafka": {"hostPort": "not-a-port"}})
    with pytest.raises(auto.CommandError) as err:
        s.preview()
    assert "streaming-lakehouse:kafka.hostPort: expected a TCP port number" in str(err.value)
    assert "Traceback" not in str(err.value)  # a message for people, not a stack dump
    assert _labelled(s.name) == {"containers": [], "networks": [], "volumes": []}


def test_up_brings_every_service_up_healthy_with_its_endpoints(shared_stack):
    s, result = shared_stack
    port = s.config["kafka"]["hostPort"]
    bootstrap = result.outputs["kafka_bootstrap_servers"].value
    assert bootstrap == f"127.0.0.1:{port}"
    assert sorted(_broker_answers(bootstrap)) == [
        "payment_charges",
        "payment_disputes",
        "payment_refunds",
        "payment_subscriptions",
        "webhooks_adyen",
        "webhooks_braintree",
        "webhooks_checkout",
        "webhooks_rejected",
        "webhooks_stripe",
    ]
    assert result.outputs["s3_endpoint"].value == f"http://127.0.0.1:{s.config['minio']['apiPort']}"
    overview = requests.get(result.outputs["flink_ui_url"].value + "/overview", timeout=10).json()
    assert (overview["taskmanagers"], overview["slots-total"]) == (1, 4)
    gateway = requests.get(result.outputs["flink_sql_gateway_url"].value + "/v1/info", timeout=10).json()
    assert gateway["productName"] == "Apache Flink"
    for topic in ("payment_charges", "payment_refunds", "payment_disputes", "payment_subscriptions"):
        assert _keyed_events(bootstrap, topic, enough=3) > 0, f"the {topic} generator produces, keyed by event id"
    assert _labelled(s.name) == _owned(s)


def test_up_shows_what_each_wait_is_doing_on_the_waiting_resource(shared_stack):
    """`creating (95s)` alone tells a user nothing: the line of a container waiting for its health check and
    of the job waiting for its tasks says what it waits for and for how long."""
    s, _ = shared_stack
    types = {r["urn"]: r["type"] for r in s.stack.export_stack().deployment["resources"]}
    shown = [e.diagnostic_event for e in s.events if e.diagnostic_event and e.diagnostic_event.ephemeral]
    strays = {d.urn for d in shown} - set(types)
    assert not strays, f"status messages on URNs the stack does not have: {strays}"
    on = {types[d.urn].rsplit(":", 1)[-1] for d in shown}
    assert {"Container", "FlinkSqlJob"} <= on, f"status messages only on {on}"
    kafka = [d.message for d in shown if d.urn.endswith("::kafka-broker")]
    assert any(m.startswith(f"waiting for {s.prefix}-kafka to be healthy: ") for m in kafka), kafka[:5]
    job = [d.message for d in shown if types[d.urn].endswith("FlinkSqlJob")]
    assert any(m.startswith("waiting for job ") and " tasks running, " in m for m in job), job[:5]


def _owned(s) -> dict[str, list[str]]:
    return {
        "containers": [
            f"{s.prefix}-catalog",
            f"{s.prefix}-catalog-db",
            f"{s.prefix}-dagster-code",
            f"{s.prefix}-dagster-daemon",
            f"{s.prefix}-dagster-db",
            f"{s.prefix}-dagster-webserver",
            f"{s.prefix}-flink-jobmanager",
            f"{s.prefix}-flink-sql-gateway",
            f"{s.prefix}-flink-taskmanager1",
            f"{s.prefix}-flink-zookeeper",
            f"{s.prefix}-jr-payment_subscriptions",
            f"{s.prefix}-jr-payments",
            f"{s.prefix}-kafka",
            f"{s.prefix}-minio",
            f"{s.prefix}-trino",
            f"{s.prefix}-webhook-generators",
            f"{s.prefix}-webhook-receiver",
        ],
        "networks": [f"{s.prefix}-net"],
        "volumes": [
            f"{s.prefix}-catalog-jdbc-data",
            f"{s.prefix}-dagster-data",
            f"{s.prefix}-kafka-data",
            f"{s.prefix}-minio-data",
            f"{s.prefix}-webhook-generators-data",
            f"{s.prefix}-zookeeper-data",
        ],
    }


def test_a_second_up_changes_nothing_and_a_rate_change_replaces_one_generator(shared_stack):
    s, _ = shared_stack
    again = s.up()
    assert set(again.summary.resource_changes) == {"same"}, again.summary.resource_changes

    key = "streaming-lakehouse:generators.payment_refunds.interval"
    s.stack.set_config(key, auto.ConfigValue("1s"), path=True)
    try:
        events: list[auto.EngineEvent] = []
        preview = s.stack.preview(on_event=events.append)
    finally:
        s.stack.remove_config(key, path=True)
    steps = [e.resource_pre_event.metadata for e in events if e.resource_pre_event]
    resources = [m for m in steps if not m.type.startswith("pulumi:providers:")]  # not the default provider
    changed = {(m.urn.rsplit("::", 1)[-1], m.op) for m in resources if m.op != auto.OpType.SAME}
    assert {name for name, _ in changed} == {"generators-payments"}, (changed, preview.change_summary)
    assert auto.OpType.UPDATE not in {op for _, op in changed}, changed  # a new container, not an update


def test_a_container_removed_behind_pulumis_back_is_seen_and_recreated(shared_stack):
    s, result = shared_stack
    bootstrap = result.outputs["kafka_bootstrap_servers"].value
    client().containers.get(f"{s.prefix}-kafka").remove(force=True)
    refreshed = s.refresh()
    assert refreshed.summary.resource_changes.get("delete") == 1, refreshed.summary.resource_changes
    preview = s.preview()
    assert preview.change_summary.get(auto.OpType.CREATE) == 1, preview.change_summary
    s.up()
    _broker_answers(bootstrap)
    assert _labelled(s.name) == _owned(s)


@pytest.mark.destroys_stack
def test_destroy_leaves_nothing_with_the_stacks_labels(shared_stack):
    s, _ = shared_stack
    s.destroy()
    assert _labelled(s.name) == {"containers": [], "networks": [], "volumes": []}
