"""The docker-compose-style make verbs (lakehouse/verbs.py) on the shared stack: each names what `make up`
declared, checks that it answers and fails when it does not; `flink-submit-jobs` resubmits only a job
that is not running, `docker-jr` starts a stopped generator, `docker-restart` brings a service back
healthy. `docker-down` then `docker-up` (`make up`) is a fault test: it stops the whole stack.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests
from tenacity import retry, retry_if_result, stop_after_delay, wait_fixed

from components.generators import SHARED
from config import DEFAULT_TOPIC_CONFIG
from lakehouse import verbs
from lakehouse.status import job_state
from payments.events import EVENT_TYPES
from providers.docker.client import LABEL_STACK, client

pytestmark = [pytest.mark.docker, pytest.mark.stack]

JOB_BACK_WITHIN_S = 240  # as the fault tests give a restarted stack


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack[0]


@pytest.fixture(scope="module")
def outputs(shared_stack) -> dict[str, Any]:
    return {k: v.value for k, v in shared_stack[1].outputs.items()}


def _container(stack, suffix: str):
    (container,) = [c for c in client().containers.list(all=True, filters={"label": f"{LABEL_STACK}={stack.name}"})
                    if c.name.endswith(f"-{suffix}")]  # fmt: skip
    return container


def _updates(stack) -> int:
    return len(stack.stack.history())


@retry(retry=retry_if_result(lambda state: state != "RUNNING"), stop=stop_after_delay(JOB_BACK_WITHIN_S),
       wait=wait_fixed(2), retry_error_callback=lambda r: r.outcome.result())  # fmt: skip
def _job_running(outputs: dict[str, Any]) -> str:
    return job_state(outputs["flink_ui_url"], outputs["validation_job_name"])


def _live_jobs(outputs: dict[str, Any]) -> list[str]:
    """The ids of the cluster's live jobs of the validation job's name: two would land every event twice."""
    jobs = requests.get(f"{outputs['flink_ui_url']}/jobs/overview", timeout=10).json()["jobs"]
    alive = ("INITIALIZING", "CREATED", "RUNNING", "RESTARTING")
    return [j["jid"] for j in jobs if j["name"] == outputs["validation_job_name"] and j["state"] in alive]


def test_polaris_init_names_the_warehouse_and_namespace_and_finds_every_table(outputs, capsys):
    assert verbs.check_catalog(outputs)
    out = capsys.readouterr().out
    assert f"warehouse  {outputs['iceberg_warehouse']}" in out
    assert f"namespace {outputs['iceberg_namespace']}: exists" in out
    tables = 2 * len(EVENT_TYPES)
    assert f"{tables} of the {tables} the job writes" in out
    # The request a Polaris user would try, and the one that replaces it here, answers.
    assert requests.get(f"{outputs['iceberg_catalog_uri']}v1/config", timeout=10).ok
    assert f"{outputs['iceberg_catalog_uri']}v1/config" in out


def test_polaris_init_fails_on_a_namespace_the_catalog_does_not_have(outputs, capsys):
    assert not verbs.check_catalog({**outputs, "iceberg_namespace": "no_such_namespace"})
    assert "no_such_namespace" in capsys.readouterr().out.split("FAILED")[-1]


def test_polaris_init_fails_when_the_catalog_does_not_answer(outputs, capsys):
    assert not verbs.check_catalog({**outputs, "iceberg_catalog_uri": "http://127.0.0.1:9/"})
    assert "FAILED" in capsys.readouterr().out


def test_create_topics_lists_every_declared_topic_with_its_partitions_and_configs(outputs, capsys):
    assert verbs.check_topics(outputs)
    out = capsys.readouterr().out
    for topic in outputs["kafka_topics"]:
        (line,) = re.findall(rf"^  {topic}\s+partitions 1, replicas 1, .*$", out, re.MULTILINE)
        # What the stack sets on every topic, shown even where it equals the broker's default.
        for key, value in DEFAULT_TOPIC_CONFIG.items():
            assert f"{key}={value}" in line


def test_create_topics_fails_when_a_declared_topic_is_missing(outputs, capsys):
    assert not verbs.check_topics({**outputs, "kafka_topics": [*outputs["kafka_topics"], "no_such_topic"]})
    assert re.search(r"no_such_topic\s+MISSING", capsys.readouterr().out)


def test_submit_jobs_leaves_a_running_job_alone(stack, outputs, capsys):
    assert _job_running(outputs) == "RUNNING"
    assert len(_live_jobs(outputs)) == 1
    before = _updates(stack)
    assert verbs.ensure_job(stack.stack, stack.on_output)
    assert "RUNNING, nothing to submit" in capsys.readouterr().out
    assert _updates(stack) == before, "a running job needs no `pulumi up`"


def test_submit_jobs_resubmits_a_cancelled_job_alone_from_its_newest_checkpoint(stack, outputs, capsys):
    rest, name = outputs["flink_ui_url"], outputs["validation_job_name"]
    (cancelled,) = [j["jid"] for j in requests.get(f"{rest}/jobs/overview", timeout=10).json()["jobs"]
                    if j["name"] == name and j["state"] == "RUNNING"]  # fmt: skip
    requests.patch(f"{rest}/jobs/{cancelled}?mode=cancel", timeout=10).raise_for_status()
    deadline = time.monotonic() + 60
    while job_state(rest, name) != "CANCELED":
        assert time.monotonic() < deadline
        time.sleep(1)

    assert verbs.ensure_job(stack.stack, stack.on_output)
    out = capsys.readouterr().out
    assert f"{name}: CANCELED. Resubmitting" in out
    (running,) = _live_jobs(outputs)
    assert running != cancelled
    assert re.search(r"restored from s3://\S+", out), out  # continued, not started over
    # Only the job changed: the targeted update touched no other resource.
    changes = stack.stack.history(page_size=1)[0].resource_changes or {}
    assert {k: v for k, v in changes.items() if k != "same"} == {"update": 1}


def test_docker_jr_shows_each_generator_running_with_its_rate_and_latest_event(stack, capsys):
    assert verbs.ensure_generators(stack.stack, stack.on_output)
    out = capsys.readouterr().out
    assert "switched off" not in out
    for event in EVENT_TYPES:
        assert re.search(rf"{event.topic}\s+\d+\.\d\d events/s", out), out
        assert re.search(rf"{event.topic}: {{", out), f"no latest event of {event.topic}:\n{out}"


def test_docker_jr_starts_a_stopped_generator(stack, capsys):
    alone = next(e.name for e in EVENT_TYPES if e.name not in SHARED)  # a generator with a container of its own
    container = _container(stack, f"jr-{alone}")
    container.stop(timeout=10)
    assert verbs.ensure_generators(stack.stack, stack.on_output, latest_events=0)
    assert f"starting {container.name} (exited)" in capsys.readouterr().out
    container.reload()
    assert container.status == "running"


def test_docker_restart_of_one_service_brings_it_back_healthy_and_the_job_running(stack, outputs, capsys):
    container = _container(stack, "catalog")
    before = container.attrs["State"]["StartedAt"]
    assert verbs.restart(stack.stack, "catalog", stack.on_output)
    container.reload()
    assert container.attrs["State"]["StartedAt"] != before
    # Healthy as the provider judges it (its own probe: Docker's status says `starting` until its next interval).
    assert requests.get(f"{outputs['iceberg_catalog_uri']}v1/config", timeout=10).ok
    assert job_state(outputs["flink_ui_url"], outputs["validation_job_name"]) == "RUNNING"
    assert len(_live_jobs(outputs)) == 1
    assert re.search(rf"started {container.name}: healthy after \d+ s", capsys.readouterr().out)


# A fault test: the whole stack stops and its host ports are free meanwhile. The throwaway stack's lie
# outside the kernel's ephemeral range (tests/support.published_ports), so no outgoing connection takes one
# before `up` starts the containers again.
@pytest.mark.faults
def test_docker_down_stops_every_container_and_docker_up_brings_back_the_stack_and_its_job(stack, outputs):
    only = {"label": f"{LABEL_STACK}={stack.name}"}
    names = sorted(c.name for c in client().containers.list(filters=only))
    assert verbs.stop(stack.stack)
    assert {c.status for c in client().containers.list(all=True, filters=only)} == {"exited"}

    result = stack.up()  # `make docker-up` is `make up`
    # Nothing created or replaced: the same containers, started again, with their volumes.
    assert not {"create", "replace", "delete"} & set(result.summary.resource_changes or {})
    running = client().containers.list(filters=only)
    assert sorted(c.name for c in running) == names
    assert not [c.name for c in running if c.attrs["State"].get("Health", {}).get("Status") == "unhealthy"]
    assert _job_running(outputs) == "RUNNING"
    assert len(_live_jobs(outputs)) == 1
