"""Fixtures for provider tests against the real Docker engine: every object they make carries a
per-run stack label and is removed at the end, whatever happened."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import docker
import pytest

from providers.docker import base_image as base_image_mod
from providers.docker._client import LABEL_STACK, client, digest_tree
from providers.docker.image import ImageProvider

RUN = uuid.uuid4().hex[:8]
PROJECT = "streaming-lakehouse"
STACK = f"providers-{RUN}"
TINY_IMAGE_CONTEXT = os.path.join(os.path.dirname(__file__), "tiny_image")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/providers/" in str(item.fspath):
            item.add_marker(pytest.mark.docker)


@pytest.fixture(scope="session")
def dc() -> Iterator[docker.DockerClient]:
    c = client()
    yield c
    # Whatever a test left behind (failures included) goes.
    only_ours = {"label": f"{LABEL_STACK}={STACK}"}
    for container in c.containers.list(all=True, filters=only_ours):
        container.remove(force=True)
    for network in c.networks.list(filters=only_ours):
        network.remove()
    for volume in c.volumes.list(filters=only_ours):
        volume.remove(force=True)


@pytest.fixture
def labels() -> dict[str, str]:
    return {"com.pulumi.project": PROJECT, LABEL_STACK: STACK}


@pytest.fixture
def name() -> str:
    """A Docker object name unique to this test run and test."""
    return f"lhtest-{RUN}-{uuid.uuid4().hex[:6]}"


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


@pytest.fixture(scope="session")
def tiny_image(base_image: str) -> str:
    props = {
        "image_name": "lakehouse-provider-test",
        "build": {"context": TINY_IMAGE_CONTEXT, "dockerfile": "Dockerfile", "args": {"BASE_IMAGE": base_image}},
        "labels": {"com.pulumi.project": PROJECT},
        "context_digest": digest_tree(TINY_IMAGE_CONTEXT),
    }
    return ImageProvider().create(props).outs["image_ref"]
