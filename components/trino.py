"""`Trino`: SQL on the lakehouse. One coordinator that also runs its own tasks, with the Iceberg connector on
the stack's REST catalog (catalog `iceberg` in Trino), reading and writing the warehouse with its own key.

dbt builds the silver and gold layers through it; users query it with `make trino`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.service import S3Access, ServiceArgs, service_image, when_ready
from config import StackSettings
from providers.docker import Container, ContainerArgs, ContainerPort, Healthcheck, NetworkAttachment

INTERNAL_HOST = "trino"
HTTP_PORT = 8080
CATALOG = "iceberg"  # the Trino catalog name of the Iceberg connector (images/trino/bin/docker-entrypoint)


@dataclass
class TrinoArgs(ServiceArgs):
    catalog_uri: pulumi.Input[str]  # the Iceberg REST endpoint as containers reach it
    warehouse: pulumi.Input[str]  # the catalog's warehouse name
    s3: S3Access  # Trino's own key: dbt writes silver and gold through it
    depends_on: list[pulumi.Resource]  # what must exist before queries make sense (the tables)


def iceberg_properties(settings: StackSettings, s3_path_style: bool) -> str:
    """Lines Trino's entrypoint adds to its Iceberg catalog's properties: OAuth2 client credentials for an
    external catalog that needs them (the credential read from the environment), virtual-host S3 access.
    Property names: Trino's Iceberg connector documentation, "REST catalog" and "S3 file system support"."""
    lines = [] if s3_path_style else ["s3.path-style-access=false"]
    ext = settings.catalog.external
    if ext and settings.catalog.credential:
        lines += [
            "iceberg.rest-catalog.security=OAUTH2",
            "iceberg.rest-catalog.oauth2.credential=${ENV:ICEBERG_OAUTH2_CREDENTIAL}",
            *([f"iceberg.rest-catalog.oauth2.scope={ext.scope}"] if ext.scope else []),
            *([f"iceberg.rest-catalog.oauth2.server-uri={ext.oauth2_server_uri}"] if ext.oauth2_server_uri else []),
        ]
    return "\n".join(lines)


class Trino(pulumi.ComponentResource):
    url: str  # HTTP endpoint as this machine reaches it (CLI, JDBC, web UI)
    internal_url: str  # as containers reach it
    # What clients in the stack's containers need (Dagster, dbt), each known once Trino answers queries.
    internal_host: pulumi.Output[str]
    http_port: pulumi.Output[int]
    catalog: pulumi.Output[str]  # the Trino catalog of the Iceberg tables
    container_name: pulumi.Output[str]

    def __init__(self, name: str, args: TrinoArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Trino", name, None, opts)
        s = args.settings
        t = s.trino
        child = pulumi.ResourceOptions(parent=self)

        image = service_image(name, "trino", s, args.base_image_ref, child)
        extra = iceberg_properties(s, args.s3.path_style)
        credential = s.catalog.credential if s.catalog.external else None
        self.container = Container(
            f"{name}-server",
            ContainerArgs(
                name=s.docker_name("trino"),
                image=image.image_ref,
                labels=s.labels("trino"),
                hostname=INTERNAL_HOST,
                envs={
                    "TRINO_HEAP_MB": str(t.heap_mb),
                    "ICEBERG_REST_URI": args.catalog_uri,
                    "ICEBERG_WAREHOUSE": args.warehouse,
                    "S3_ENDPOINT": args.s3.endpoint,
                    "AWS_ACCESS_KEY_ID": args.s3.credentials.access_key_id,
                    # Only where they differ from the image's defaults, so a default stack's Trino never changes.
                    **({"S3_REGION": args.s3.region} if args.s3.region != "us-east-1" else {}),
                    **({"ICEBERG_PROPERTIES_EXTRA": extra} if extra else {}),
                },
                secret_envs={
                    "AWS_SECRET_ACCESS_KEY": args.s3.credentials.secret_access_key,
                    **(
                        {"ICEBERG_OAUTH2_CREDENTIAL": pulumi.Output.secret(credential.get_secret_value())}
                        if credential
                        else {}
                    ),
                },
                ports=[ContainerPort(internal=HTTP_PORT, external=t.port, ip=s.bind_address)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[INTERNAL_HOST])],
                memory=t.memory_mb,
                # Healthy once it answers a query, not when the JVM is merely up: up to 3 min on a loaded
                # 2-core machine (measured 99-176 s at load 20-30), so it gets 5.
                healthcheck=Healthcheck(
                    tests=["CMD", "/opt/trino/bin/healthcheck"], timeout="25s", start_period="300s"
                ),
                wait_timeout=360,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=args.depends_on),
        )
        self.url = f"http://{s.bind_address}:{t.port}"
        self.internal_url = f"http://{INTERNAL_HOST}:{HTTP_PORT}"
        self.internal_host = when_ready(self.container, INTERNAL_HOST)
        self.http_port = when_ready(self.container, HTTP_PORT)
        self.catalog = when_ready(self.container, CATALOG)
        # Known once the container runs: `make trino` execs the CLI in it.
        self.container_name = when_ready(self.container, s.docker_name("trino"))
        self.register_outputs({"url": self.url, "internal_url": self.internal_url})
