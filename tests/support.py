"""Shared helpers and session fixtures for tests that use the real Docker engine.

Every object these tests make carries a per-run stack label and is removed at the end of the session,
whatever happened; services get free host ports, so a dev stack on the usual ports never collides.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import docker
import pytest

from providers.docker import base_image as base_image_mod
from providers.docker._client import LABEL_STACK, client, digest_context, digest_tree, project_root, remove_labelled
from providers.docker.image import ImageProvider

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


def project_image(name: str, base_image: str, **args: str) -> str:
    """Build (or reuse) one of the project's images/<name> as the stack would."""
    context = f"images/{name}"
    image = ImageProvider().create(
        {
            "image_name": f"lakehouse-{name}",
            "build": {"context": context, "dockerfile": "Dockerfile", "args": {"BASE_IMAGE": base_image, **args}},
            "labels": {"com.pulumi.project": PROJECT},
            "context_digest": digest_context(os.path.join(project_root(), context)),
        }
    )
    return image.outs["image_ref"]
