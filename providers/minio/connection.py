"""How the providers reach MinIO: the official provider's `minioServer`, `minioUser`, `minioPassword`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from minio import Minio
from minio.credentials import StaticProvider
from minio.minioadmin import MinioAdmin

from providers.props import to_props

# The connection's password is secret: it must stay secret in the outputs too.
SECRET_OUTPUTS = ["minio_password"]


@dataclass
class MinioConnection:
    minio_server: pulumi.Input[str]  # host:port of the S3 API as seen from this machine
    minio_user: pulumi.Input[str]
    minio_password: pulumi.Input[str]


def s3(props: dict[str, Any]) -> Minio:
    return Minio(
        props["minio_server"], access_key=props["minio_user"], secret_key=props["minio_password"], secure=False
    )


def admin(props: dict[str, Any]) -> MinioAdmin:
    creds = StaticProvider(props["minio_user"], props["minio_password"])
    return MinioAdmin(endpoint=props["minio_server"], credentials=creds, secure=False)


CONNECTION_KEYS = ("minio_server", "minio_user", "minio_password")


def resource_inputs(
    args: Any, opts: pulumi.ResourceOptions | None, *secret_outputs: str
) -> tuple[dict[str, Any], pulumi.ResourceOptions]:
    """A MinIO resource's property bag (connection fields at top level, as pulumi-minio's provider config
    would be) and its options with the secret outputs marked."""
    props = to_props(args)
    props.update(props.pop("connection"))
    secrets = pulumi.ResourceOptions(additional_secret_outputs=[*SECRET_OUTPUTS, *secret_outputs])
    return props, pulumi.ResourceOptions.merge(opts, secrets)
