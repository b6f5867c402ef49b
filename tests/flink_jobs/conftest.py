"""A throwaway Flink (JobManager, TaskManager, SQL Gateway) from images/flink for the SQL golden tests."""

from __future__ import annotations

from collections.abc import Iterator

import docker
import pytest

from providers.docker.container import ContainerProvider
from tests.support import LABELS, RUN, free_port, healthcheck


@pytest.fixture(scope="package")
def flink_network(dc: docker.DockerClient) -> Iterator[str]:
    """The throwaway Flink's network, where services its jobs reach join it."""
    network = dc.networks.create(f"lhtest-{RUN}-flink-net", labels=LABELS)
    yield network.name
    network.remove()


@pytest.fixture(scope="package")
def flink_gateway(flink_network: str, project_images: dict[str, str]) -> Iterator[str]:
    """The SQL Gateway's URL on this machine."""
    image = project_images["flink"]
    port = free_port()
    provider = ContainerProvider()
    made = []
    for role, mode, ports in (
        ("jobmanager", "jobmanager", []),
        ("taskmanager", "taskmanager", []),
        ("sql-gateway", "sql-gateway", [{"internal": 8083, "external": port, "ip": "127.0.0.1"}]),
    ):
        made.append(
            provider.create(
                {
                    "name": f"lhtest-{RUN}-flink-{role}",
                    "image": image,
                    "command": [mode],
                    "labels": LABELS,
                    "hostname": role,
                    "envs": {"FLINK_JM_PROCESS_MEMORY": "1024m", "FLINK_TM_PROCESS_MEMORY": "1280m"},
                    "ports": ports,
                    "networks_advanced": [{"name": flink_network, "aliases": [role]}],
                    "memory": 1536 if mode == "taskmanager" else 1280,
                    "healthcheck": healthcheck("/opt/flink/bin/healthcheck"),
                    "wait_timeout": 240,
                }
            )
        )
    yield f"http://127.0.0.1:{port}"
    for container in reversed(made):
        provider.delete(container.id, container.outs)
