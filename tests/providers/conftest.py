"""Fixtures for provider tests: tiny stand-in images and real Kafka, MinIO and Iceberg REST servers.

The servers live as long as this package's tests (package scope): they are gone before the stack tests
start, so no two sets of services compete for the machine's cores.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import docker
import pytest

from providers.docker.client import LABEL_STACK, digest_context
from providers.docker.container import ContainerProvider
from providers.docker.image import ImageProvider
from providers.kafka import KafkaClientSecurity
from tests.support import PROJECT, RUN, SASL_PASSWORD, SASL_USER, STACK, free_port, healthcheck, sasl_kafka

TINY_IMAGE_CONTEXT = os.path.join(os.path.dirname(__file__), "tiny_image")


@pytest.fixture
def labels() -> dict[str, str]:
    return {"com.pulumi.project": PROJECT, LABEL_STACK: STACK}


@pytest.fixture
def name() -> str:
    """A Docker object name unique to this test run and test."""
    return f"lhtest-{RUN}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def tiny_image(base_image: str) -> str:
    props = {
        "image_name": "lakehouse-provider-test",
        "build": {"context": TINY_IMAGE_CONTEXT, "dockerfile": "Dockerfile", "args": {"BASE_IMAGE": base_image}},
        "labels": {"com.pulumi.project": PROJECT},
        "context_digest": digest_context(TINY_IMAGE_CONTEXT),
    }
    return ImageProvider().create(props).outs["image_ref"]


@pytest.fixture(scope="package")
def kafka_bootstrap(dc: docker.DockerClient, project_images: dict[str, str]) -> Iterator[str]:
    """A real broker from images/kafka, for the Kafka providers; its host bootstrap address."""
    image_ref = project_images["kafka"]
    network = dc.networks.create(f"lhtest-{RUN}-kafka-net", labels={LABEL_STACK: STACK})
    port = free_port()
    broker = ContainerProvider().create(
        {
            "name": f"lhtest-{RUN}-kafka",
            "image": image_ref,
            "labels": {"com.pulumi.project": PROJECT, LABEL_STACK: STACK},
            "envs": {"KAFKA_EXTERNAL_PORT": str(port), "KAFKA_HEAP_OPTS": "-Xms256m -Xmx256m"},
            "ports": [{"internal": 9092, "external": port, "ip": "127.0.0.1"}],
            "networks_advanced": [{"name": network.name, "aliases": ["kafka"]}],
            "memory": 768,
            "healthcheck": healthcheck("/opt/kafka/bin/healthcheck"),
            "wait_timeout": 180,
        }
    )
    yield f"127.0.0.1:{port}"
    ContainerProvider().delete(broker.id, broker.outs)
    network.remove()


@pytest.fixture(scope="package")
def kafka_sasl(project_images: dict[str, str]) -> Iterator[tuple[str, KafkaClientSecurity]]:
    """A broker whose host listener takes only SASL/PLAIN clients: its host bootstrap address and the
    client settings that authenticate."""
    port = free_port()
    broker = sasl_kafka(
        project_images["kafka"],
        f"lhtest-{RUN}-kafka-sasl",
        "127.0.0.1",
        port,
        ports=[{"internal": 9092, "external": port, "ip": "127.0.0.1"}],
    )
    yield f"127.0.0.1:{port}", KafkaClientSecurity("SASL_PLAINTEXT", "PLAIN", SASL_USER, SASL_PASSWORD)
    ContainerProvider().delete(broker.id, broker.outs)


@pytest.fixture(scope="package")
def minio_connection(dc: docker.DockerClient, project_images: dict[str, str]) -> Iterator[dict[str, str]]:
    """A real MinIO from images/minio; the provider connection props (root credentials)."""
    image_ref = project_images["minio"]
    port = free_port()
    password = uuid.uuid4().hex
    server = ContainerProvider().create(
        {
            "name": f"lhtest-{RUN}-minio",
            "image": image_ref,
            "labels": {"com.pulumi.project": PROJECT, LABEL_STACK: STACK},
            "envs": {"MINIO_ROOT_USER": "test-admin", "MINIO_ROOT_PASSWORD": password},
            "ports": [{"internal": 9000, "external": port, "ip": "127.0.0.1"}],
            "memory": 512,
            "healthcheck": healthcheck("/usr/local/bin/healthcheck"),
            "wait_timeout": 120,
        }
    )
    yield {"minio_server": f"127.0.0.1:{port}", "minio_user": "test-admin", "minio_password": password}
    ContainerProvider().delete(server.id, server.outs)


@pytest.fixture(scope="package")
def iceberg_catalog(dc: docker.DockerClient, project_images: dict[str, str]) -> Iterator[dict[str, str]]:
    """A real Iceberg REST catalog (images/iceberg-rest on an in-memory H2 database) on a MinIO of its own;
    the providers' connection props (`catalog_uri`, `warehouse`)."""
    network = dc.networks.create(f"lhtest-{RUN}-iceberg-net", labels={LABEL_STACK: STACK})
    labels = {"com.pulumi.project": PROJECT, LABEL_STACK: STACK}
    password, port = uuid.uuid4().hex, free_port()
    made = []
    try:
        made.append(
            ContainerProvider().create(
                {
                    "name": f"lhtest-{RUN}-iceberg-minio",
                    "image": project_images["minio"],
                    "labels": labels,
                    "envs": {"MINIO_ROOT_USER": "test-admin", "MINIO_ROOT_PASSWORD": password},
                    "networks_advanced": [{"name": network.name, "aliases": ["minio"]}],
                    "memory": 512,
                    "healthcheck": healthcheck("/usr/local/bin/healthcheck"),
                    "wait_timeout": 120,
                }
            )
        )
        # The bucket, from inside the network (MinIO publishes no port here).
        mc = f"mc alias set t http://127.0.0.1:9000 test-admin {password} >/dev/null && mc mb t/warehouse"
        assert dc.containers.get(made[0].id).exec_run(["sh", "-c", mc]).exit_code == 0
        made.append(
            ContainerProvider().create(
                {
                    "name": f"lhtest-{RUN}-iceberg-rest",
                    "image": project_images["iceberg-rest"],
                    "labels": labels,
                    "envs": {
                        "CATALOG_URI": "jdbc:h2:mem:iceberg;DB_CLOSE_DELAY=-1",
                        "CATALOG_JDBC_STRICT__MODE": "true",
                        "CATALOG_WAREHOUSE": "s3://warehouse/",
                        "CATALOG_IO__IMPL": "org.apache.iceberg.aws.s3.S3FileIO",
                        "CATALOG_S3_ENDPOINT": "http://minio:9000",
                        "CATALOG_S3_PATH__STYLE__ACCESS": "true",
                        "CATALOG_S3_ACCESS__KEY__ID": "test-admin",
                        "CATALOG_S3_SECRET__ACCESS__KEY": password,
                        "CATALOG_CLIENT_REGION": "us-east-1",
                    },
                    "ports": [{"internal": 8181, "external": port, "ip": "127.0.0.1"}],
                    "networks_advanced": [{"name": network.name, "aliases": ["catalog"]}],
                    "memory": 512,
                    "healthcheck": healthcheck("/usr/local/bin/healthcheck"),
                    "wait_timeout": 180,
                }
            )
        )
        yield {"catalog_uri": f"http://127.0.0.1:{port}/", "warehouse": "warehouse"}
    finally:
        for container in reversed(made):
            ContainerProvider().delete(container.id, container.outs)
        network.remove()
