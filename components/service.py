"""What every service component shares: its arguments from the stack, its image from images/<service>
on the stack's base image, and its named data volume."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

import pulumi

from components.build_env import host_go_env
from config import StackSettings
from providers.docker import (
    Container,
    ContainerArgs,
    ContainerVolume,
    DockerBuild,
    Healthcheck,
    Image,
    ImageArgs,
    NetworkAttachment,
    Volume,
    VolumeArgs,
)
from providers.docker.client import digest_context, project_root
from providers.docker.image import ImageProvider
from providers.iceberg.catalog import s3_io_properties
from providers.kafka import KafkaClientSecurity
from providers.random import RandomPassword

T = TypeVar("T")


def when_ready(container: Container, value: T) -> pulumi.Output[T]:
    """`value` (an endpoint, a name) as an output known once `container` runs and is healthy (its provider
    waits for that), so every resource that takes it waits for the service too."""
    return container.container_id.apply(lambda _: value)


@dataclass
class ServiceArgs:
    """What every service needs from the stack: its settings, network and base image."""

    settings: StackSettings
    network_name: pulumi.Input[str]
    base_image_ref: pulumi.Input[str]


@dataclass
class S3Credentials:
    """One engine's own object-storage key (the object store issues one per engine: `ObjectStore.credentials`)."""

    access_key_id: pulumi.Output[str]
    secret_access_key: pulumi.Output[str]


@dataclass
class S3Access:
    """How one engine reaches the warehouse bucket (`ObjectStore.access(engine)`)."""

    endpoint: pulumi.Input[str]  # as the engines' containers reach the S3 service
    bucket: pulumi.Input[str]
    credentials: S3Credentials  # the engine's own key
    region: str = "us-east-1"
    path_style: bool = True  # `http://host/bucket/key`, else virtual-host style

    def iceberg_io_properties(self) -> pulumi.Output[dict[str, str]]:
        """Iceberg (Java) catalog properties for S3FileIO at this endpoint (`s3_io_properties`)."""
        return pulumi.Output.from_input(self.endpoint).apply(
            lambda endpoint: s3_io_properties(endpoint, self.region, self.path_style)
        )


# Images built from Go sources take this machine's Go client settings (see build_env.py).
_GO_BUILDS = frozenset({"minio", "jr"})
# Images that bake in this repository's code build from its root; each Dockerfile's own ignore file
# (images/<service>/Dockerfile.dockerignore, which takes over the root's .dockerignore) lets in only what
# that Dockerfile copies, so a change only one of them copies rebuilds only that one. Every other image's
# context is its own directory.
_FROM_ROOT = frozenset({"dagster", "webhooks"})


def image_build(service: str, base_image_ref: pulumi.Input[str]) -> DockerBuild:
    """How images/<service> is built, by every stack and by the tests: context, Dockerfile, build args."""
    args = {"BASE_IMAGE": base_image_ref, **(host_go_env() if service in _GO_BUILDS else {})}
    if service in _FROM_ROOT:
        return DockerBuild(context=".", dockerfile=f"images/{service}/Dockerfile", args=args)
    return DockerBuild(context=f"images/{service}", args=args)


def build_service_image(service: str, base_image: str, labels: dict[str, str]) -> str:
    """Build (or reuse) images/<service> outside `pulumi up` exactly as a stack builds it: same context and
    build args, so the same tag. Returns the image reference; raises `ImageBuildError` when the build fails."""
    build = image_build(service, base_image)
    image = ImageProvider().create(
        {
            "image_name": f"lakehouse-{service}",
            "build": {"context": build.context, "dockerfile": build.dockerfile, "args": build.args},
            "labels": labels,
            "context_digest": digest_context(os.path.join(project_root(), build.context), build.dockerfile),
        }
    )
    return image.outs["image_ref"]


def kafka_client_envs(security: KafkaClientSecurity) -> tuple[dict[str, str], dict[str, str]]:
    """(envs, secret envs) with which a librdkafka client in a container (images/jr, images/webhooks) connects:
    KAFKA_CA_PEM, the CA it writes to a file for `ssl.ca.location`, and the secret KAFKA_EXTRA_PROPERTIES,
    the other properties as `key=value` lines; both empty for PLAINTEXT."""
    client = "\n".join(f"{k}={v}" for k, v in security.librdkafka(ca_inline=False).items())
    return (
        {"KAFKA_CA_PEM": security.ca_pem} if security.ca_pem else {},
        {"KAFKA_EXTRA_PROPERTIES": client} if client else {},
    )


def service_image(
    name: str,
    service: str,
    settings: StackSettings,
    base_image_ref: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> Image:
    return Image(
        f"{name}-image",
        ImageArgs(
            image_name=f"lakehouse-{service}",
            build=image_build(service, base_image_ref),
            labels=settings.image_labels(),
        ),
        opts,
    )


def data_volume(name: str, service: str, settings: StackSettings, opts: pulumi.ResourceOptions) -> Volume:
    return Volume(
        f"{name}-data", VolumeArgs(name=settings.docker_name(f"{service}-data"), labels=settings.labels(service)), opts
    )


@dataclass
class Database:
    """A service's own PostgreSQL (images/postgres): one database and one role, both named `name`."""

    container: Container
    host: str  # as containers reach it, port 5432
    name: str  # the database and its role
    password: pulumi.Output[str]  # the role's, generated


def postgres_database(
    name: str, args: ServiceArgs, component: str, db_name: str, volume: str, memory_mb: int, parent: pulumi.Resource
) -> Database:
    """`<name>-db`: PostgreSQL for one component, on the stack network as `<component>-db`, its data in the
    volume `<namePrefix>-<volume>-data`. Resources: `<name>-db-password`, `<name>-db-image`, `<name>-data`,
    `<name>-db`, parented to `parent`."""
    s = args.settings
    child = pulumi.ResourceOptions(parent=parent)
    host = f"{component}-db"
    password = RandomPassword(f"{name}-db-password", length=32, opts=child).result
    image = service_image(f"{name}-db", "postgres", s, args.base_image_ref, child)
    data = data_volume(name, volume, s, child)
    container = Container(
        f"{name}-db",
        ContainerArgs(
            name=s.docker_name(host),
            image=image.image_ref,
            labels=s.labels(component),
            hostname=host,
            envs={"POSTGRES_USER": db_name, "POSTGRES_DB": db_name},
            secret_envs={"POSTGRES_PASSWORD": password},
            volumes=[ContainerVolume(container_path="/var/lib/postgresql/data", volume_name=data.name)],
            networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[host])],
            memory=memory_mb,
            healthcheck=Healthcheck(tests=["CMD", "/usr/local/bin/healthcheck"]),
        ),
        child,
    )
    return Database(container, host, db_name, password)
