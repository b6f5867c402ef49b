"""`make docker-down` and `make docker-restart` on stand-in containers: the order follows the stack's
dependencies (the state's order), only the chosen service restarts, and a container that does not become
healthy again fails the verb."""

from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace

import pytest

from lakehouse import verbs
from tests.support import LABELS, RUN, STACK

pytestmark = pytest.mark.docker
# PID 1 of a shell ignores SIGTERM unless it traps it: without this `docker stop` would wait its full timeout.
SERVE = ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]


class StandInStack:
    """What the verbs read of a `pulumi.automation.Stack`: its name and its state's containers, in order."""

    def __init__(self, containers: list, wait_timeout: int = 30) -> None:
        self.name = STACK
        resources = [
            {"type": "pulumi-python:dynamic/docker:Container", "id": c.id, "outputs": {"wait_timeout": wait_timeout}}
            for c in containers
        ]
        self._deployment = SimpleNamespace(deployment={"resources": resources})

    def export_stack(self) -> SimpleNamespace:
        return self._deployment


@pytest.fixture
def run(dc, base_image):
    """Start a stand-in container of the test stack named lhtest-<run>-<suffix>; removed after the test."""
    made = []

    def start(suffix: str, **options):
        container = dc.containers.run(
            base_image, SERVE, name=f"lhtest-{RUN}-{uuid.uuid4().hex[:4]}-{suffix}", labels=LABELS, detach=True,
            **options,
        )  # fmt: skip
        made.append(container)
        return container

    yield start
    for container in made:
        container.remove(force=True)


def _state(container) -> dict:
    container.reload()
    return container.attrs["State"]


def _at(container, event: str) -> datetime:
    """When the container last started or finished (Docker's StartedAt, FinishedAt)."""
    return datetime.fromisoformat(_state(container)[event])


def test_docker_down_stops_dependents_first_and_removes_nothing(run, capsys):
    database, server = run("db"), run("server")  # the server depends on the database: it comes after it
    assert verbs.stop(StandInStack([database, server]))
    assert _state(database)["Status"] == _state(server)["Status"] == "exited"
    assert _at(server, "FinishedAt") < _at(database, "FinishedAt")
    out = capsys.readouterr().out
    assert out.index(f"stopped {server.name}") < out.index(f"stopped {database.name}")
    assert "`make docker-up` starts them again" in out


def test_docker_restart_of_one_service_leaves_the_others_running(run):
    database, server = run("db"), run("server")
    database_started, server_started = _state(database)["StartedAt"], _state(server)["StartedAt"]
    assert verbs.restart_containers(StandInStack([database, server]), "server")
    assert _state(database)["StartedAt"] == database_started
    assert _state(server)["StartedAt"] != server_started
    assert _state(server)["Running"]


def test_docker_restart_starts_each_container_after_what_it_depends_on(run):
    database, server = run("db"), run("server")
    assert verbs.restart_containers(StandInStack([database, server]))
    assert _at(server, "FinishedAt") < _at(database, "FinishedAt")  # stopped first
    assert _at(database, "StartedAt") < _at(server, "StartedAt")  # started after
    assert _state(database)["Running"]
    assert _state(server)["Running"]


def test_docker_restart_fails_when_a_container_does_not_become_healthy_again(run, capsys):
    never_healthy = run("sick", healthcheck={"test": ["CMD", "false"], "interval": 1_000_000_000})
    assert not verbs.restart_containers(StandInStack([never_healthy], wait_timeout=5))
    assert f"container {never_healthy.name} not healthy after 5s" in capsys.readouterr().out


def test_docker_restart_of_an_unknown_service_says_so(run, capsys):
    assert not verbs.restart_containers(StandInStack([run("db")]), "no-such-service")
    assert "named *-no-such-service" in capsys.readouterr().out
