"""Shared helpers and session fixtures for tests that use the real Docker engine.

Every object these tests make carries a per-run stack label and is removed at the end of the session,
whatever happened; services get free host ports, so a dev stack on the usual ports never collides.
"""

from __future__ import annotations

import os
import random
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docker
import pytest

from components.service import build_service_image
from providers.docker import base_image as base_image_mod
from providers.docker.client import LABEL_STACK, client, digest_tree, project_root, remove_labelled
from providers.docker.container import ContainerProvider

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


def _ephemeral_range() -> range:
    """The ports the kernel hands to outgoing connections (Linux's default when it cannot be read)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def published_ports(count: int) -> list[int]:
    """Distinct free ports outside the kernel's ephemeral range, for a stack's published ports: a port of a
    stopped container stays free until it starts again, whereas one in the ephemeral range can be taken
    meanwhile by any outgoing connection (a Docker daemon restart or `docker-down` then `docker-up`)."""
    ephemeral = _ephemeral_range()
    candidates = [p for p in range(10_000, 30_000) if p not in ephemeral]
    random.shuffle(candidates)
    chosen: list[int] = []
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"fewer than {count} free ports outside the ephemeral range {ephemeral}")


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


SASL_USER, SASL_PASSWORD = "lakehouse", "sasl-test-password"
PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"  # the broker's, unshaded


def sasl_kafka(image: str, name: str, host: str, port: int, auto_create: bool = False, **container: Any) -> Any:
    """A broker from images/kafka whose EXTERNAL listener (container port 9092, advertised as host:port)
    takes only SASL/PLAIN clients, user SASL_USER; through the entrypoint's KAFKA_CFG_* overrides.
    `auto_create`: topics are made when first named (a metadata request for a deleted one makes it again).
    More container props (ports, networks_advanced) in `container`. Returns the provider's CreateResult."""
    jaas = f'{PLAIN_LOGIN_MODULE} required username="admin" password="admin" user_{SASL_USER}="{SASL_PASSWORD}";'
    return ContainerProvider().create(
        {
            "name": name,
            "image": image,
            "labels": LABELS,
            "envs": {
                "KAFKA_EXTERNAL_HOST": host,
                "KAFKA_EXTERNAL_PORT": str(port),
                "KAFKA_HEAP_OPTS": "-Xms256m -Xmx256m",
                "KAFKA_AUTO_CREATE_TOPICS": str(auto_create).lower(),
                "KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP": (
                    "INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"
                ),
                "KAFKA_CFG_SASL_ENABLED_MECHANISMS": "PLAIN",
                "KAFKA_CFG_LISTENER_NAME_EXTERNAL_PLAIN_SASL_JAAS_CONFIG": jaas,
            },
            "memory": 768,
            "healthcheck": healthcheck("/opt/kafka/bin/healthcheck"),  # on the INTERNAL listener
            "wait_timeout": 180,
            **container,
        }
    )
