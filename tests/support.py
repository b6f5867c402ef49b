"""Shared helpers and session fixtures for tests that use the real Docker engine.

Every object these tests make carries a per-run stack label and is removed at the end of the session,
whatever happened; services get free host ports, so a dev stack on the usual ports never collides.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import docker
import pytest

from components.service import build_service_image
from providers.docker import base_image as base_image_mod
from providers.docker._client import LABEL_STACK, client, digest_tree, project_root, remove_labelled

RUN = uuid.uuid4().hex[:8]
PROJECT = "streaming-lakehouse"
STACK = f"tests-{RUN}"
LABELS = {"com.pulumi.project": PROJECT, LABEL_STACK: STACK}


def healthcheck(*command: str) -> dict[str, object]:
    """A container's health check as the stack sets them: quick probes while it starts, rare ones after."""
    return {"tests": ["CMD", *command], "interval": "30s", "start_period": "240s", "start_interval": "1s"}


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all held open while choosing, since a closed one may be handed out again."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


@pytest.fixture(scope="session")
def dc() -> Iterator[docker.DockerClient]:
    c = client()
    yield c
    remove_labelled(STACK)  # whatever a test left behind, failures included


@pytest.fixture(scope="session")
def base_image(dc: docker.DockerClient) -> str:
    ca_dir = base_image_mod.DEFAULT_CA_DIR
    props = {
        "labels": {"com.pulumi.project": PROJECT},
        "name": "lakehouse-base",
        "suite": "trixie",
        "packages": ["ca-certificates"],
        "ca_dir": ca_dir,
        "ca_digest": digest_tree(ca_dir) if os.path.isdir(ca_dir) else "",
    }
    return base_image_mod.BaseImageProvider().create(props).outs["image_ref"]


# Every images/<name> a stack builds: images/kafka-connect is the benchmark's peer (bench/peer.py), which
# no stack runs, so the tests do not build it.
IMAGES = sorted(set(os.listdir(os.path.join(project_root(), "images"))) - {"kafka-connect"})


def project_image(name: str, base_image: str) -> str:
    return build_service_image(name, base_image, {"com.pulumi.project": PROJECT})


@pytest.fixture(scope="session")
def project_images(base_image: str) -> dict[str, str]:
    """Every project image by name, built side by side on first use: on a machine that has none, the Go
    builds (CPU) overlap the Maven and apt ones (downloads) instead of running one after another."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(project_image, name, base_image) for name in IMAGES}
    return {name: future.result() for name, future in futures.items()}
