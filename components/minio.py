"""`ObjectStore`: MinIO with the private warehouse bucket and one access key per engine.

The root credentials stay with Pulumi (they create the bucket, policies and users); every engine gets
its own key limited by policy to the warehouse bucket, read-write or read-only as it needs.

With `minio.external` it runs nothing and creates no bucket: the bucket must exist in that S3 service,
and every engine uses the one key given (the stack cannot make users there). The outputs are the same.
"""

from __future__ import annotations

import pulumi

from components import external
from components.service import S3Access, S3Credentials, ServiceArgs, data_volume, service_image, when_ready
from config import MinioSettings
from providers.docker import (
    Container,
    ContainerArgs,
    ContainerPort,
    ContainerVolume,
    Healthcheck,
    NetworkAttachment,
)
from providers.minio import IamPolicy, IamPolicyArgs, IamUser, IamUserArgs, MinioConnection, S3Bucket, S3BucketArgs
from providers.minio.iam import bucket_policy
from providers.random import RandomPassword

INTERNAL_HOST = "minio"
API_PORT = 9000
CONSOLE_PORT = 9001
DATA_DIR = "/data"
# Which engines get a key, and whether they write to the warehouse. `reader` is for what reads the tables
# from this machine (lakehouse/lake.py: tests, benchmarks, make targets), never the root credentials.
ENGINE_ACCESS = {"catalog": "rw", "flink": "rw", "trino": "rw", "dagster": "ro", "reader": "ro"}
REGION = "us-east-1"  # MinIO's default region


class ObjectStoreArgs(ServiceArgs):
    """The stack's settings, network and base image; nothing else."""


class ObjectStore(pulumi.ComponentResource):
    s3_endpoint: pulumi.Output[str]  # as this machine reaches it
    internal_s3_endpoint: pulumi.Output[str]  # as the engines' containers reach it
    console_url: pulumi.Output[str]  # empty for an external S3
    bucket: pulumi.Output[str]
    region: str
    path_style: bool  # `http://host/bucket/key`, else virtual-host style
    credentials: dict[str, S3Credentials]  # by engine (ENGINE_ACCESS)

    def __init__(self, name: str, args: ObjectStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:ObjectStore", name, None, opts)
        m = args.settings.minio
        if m.external:
            self._external(m)
        else:
            self._minio(name, args, pulumi.ResourceOptions(parent=self))
        self.register_outputs(
            {
                "s3_endpoint": self.s3_endpoint,
                "internal_s3_endpoint": self.internal_s3_endpoint,
                "console_url": self.console_url,
                "bucket": self.bucket,
            }
        )

    def access(self, engine: str) -> S3Access:
        """How `engine` (a key of ENGINE_ACCESS) reaches the bucket from its containers, with its own key."""
        return S3Access(self.internal_s3_endpoint, self.bucket, self.credentials[engine], self.region, self.path_style)

    def _external(self, m: MinioSettings) -> None:
        ext, key_secret = m.external, m.secret_access_key
        if ext is None or key_secret is None:  # config.load requires both together
            raise ValueError("minio.external needs s3SecretAccessKey")
        secret = key_secret.get_secret_value()
        external.probe_s3("minio.external.endpoint", ext.endpoint, ext.region, ext.bucket, ext.access_key_id, secret)
        key = S3Credentials(
            access_key_id=pulumi.Output.from_input(ext.access_key_id),
            secret_access_key=pulumi.Output.secret(secret),
        )
        self.credentials = dict.fromkeys(ENGINE_ACCESS, key)
        self.s3_endpoint = pulumi.Output.from_input(ext.endpoint)
        self.internal_s3_endpoint = pulumi.Output.from_input(ext.engine_endpoint or ext.endpoint)
        self.console_url = pulumi.Output.from_input("")
        self.bucket = pulumi.Output.from_input(ext.bucket)
        self.region, self.path_style = ext.region, ext.path_style
        self.root_user: str | None = None
        self.root_password: pulumi.Output[str] | None = None

    def _minio(self, name: str, args: ObjectStoreArgs, child: pulumi.ResourceOptions) -> None:
        s = args.settings
        m = s.minio
        root_password = m.root_password or RandomPassword(f"{name}-root-password", length=32, opts=child).result
        self.image = service_image(name, "minio", s, args.base_image_ref, child)
        self.data = data_volume(name, "minio", s, child)
        self.container = Container(
            f"{name}-server",
            ContainerArgs(
                name=s.docker_name("minio"),
                image=self.image.image_ref,
                labels=s.labels("minio"),
                hostname=INTERNAL_HOST,
                envs={"MINIO_ROOT_USER": m.root_user, "MINIO_BROWSER_REDIRECT": "off"},
                secret_envs={"MINIO_ROOT_PASSWORD": root_password},
                ports=[
                    ContainerPort(internal=API_PORT, external=m.api_port, ip=s.bind_address),
                    ContainerPort(internal=CONSOLE_PORT, external=m.console_port, ip=s.bind_address),
                ],
                volumes=[ContainerVolume(container_path=DATA_DIR, volume_name=self.data.name)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[INTERNAL_HOST])],
                memory=m.memory_mb,
                healthcheck=Healthcheck(tests=["CMD", "/usr/local/bin/healthcheck"]),
            ),
            child,
        )
        # The providers run on this machine, so they use the published port; it resolves once MinIO is healthy.
        server = when_ready(self.container, f"{s.bind_address}:{m.api_port}")
        connection = MinioConnection(minio_server=server, minio_user=m.root_user, minio_password=root_password)

        self.warehouse = S3Bucket(
            f"{name}-warehouse", S3BucketArgs(bucket=m.bucket, connection=connection, force_destroy=True), child
        )
        policies = {
            mode: IamPolicy(
                f"{name}-policy-warehouse-{mode}",
                IamPolicyArgs(
                    name=f"{m.bucket}-{mode}",
                    policy=bucket_policy(m.bucket, read_only=mode == "ro"),
                    connection=connection,
                ),
                pulumi.ResourceOptions(parent=self, depends_on=[self.warehouse]),
            )
            for mode in ("rw", "ro")
        }
        self.credentials = {}
        for engine, mode in ENGINE_ACCESS.items():
            secret = RandomPassword(f"{name}-{engine}-secret-key", length=40, opts=child).result
            user = IamUser(
                f"{name}-user-{engine}",
                IamUserArgs(name=f"{engine}", secret=secret, connection=connection, policy_names=[policies[mode].name]),
                child,
            )
            self.credentials[engine] = S3Credentials(access_key_id=user.name, secret_access_key=user.secret)

        self.s3_endpoint = server.apply(lambda hostport: f"http://{hostport}")
        self.internal_s3_endpoint = when_ready(self.container, f"http://{INTERNAL_HOST}:{API_PORT}")
        self.console_url = when_ready(self.container, f"http://{s.bind_address}:{m.console_port}")
        self.bucket = self.warehouse.bucket
        self.region, self.path_style = REGION, True
        self.root_user = m.root_user
        self.root_password = pulumi.Output.secret(root_password)
