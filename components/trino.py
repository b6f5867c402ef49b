"""`Trino`: SQL on the lakehouse. One coordinator that also runs its own tasks, with the Iceberg connector on
the stack's REST catalog (catalog `iceberg` in Trino), reading and writing the warehouse with its own key.

dbt builds the silver and gold layers through it; users query it with `make trino`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.service import S3Credentials, ServiceArgs, service_image
from providers.docker import Container, ContainerArgs, ContainerPort, Healthcheck, NetworkAttachment

INTERNAL_HOST = "trino"
HTTP_PORT = 8080
CATALOG = "iceberg"  # the Trino catalog name of the Iceberg connector (images/trino/bin/docker-entrypoint)


@dataclass
class TrinoArgs(ServiceArgs):
    catalog_uri: pulumi.Input[str]  # the Iceberg REST endpoint as containers reach it
    warehouse: pulumi.Input[str]  # the catalog's warehouse name
    s3_endpoint: pulumi.Input[str]  # as containers reach it
    s3_credentials: S3Credentials  # Trino's own key: dbt writes silver and gold through it
    depends_on: list[pulumi.Resource]  # what must exist before queries make sense (the tables)


class Trino(pulumi.ComponentResource):
    url: str  # HTTP endpoint as this machine reaches it (CLI, JDBC, web UI)
    internal_url: str  # as containers reach it
    container_name: pulumi.Output[str]

    def __init__(self, name: str, args: TrinoArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Trino", name, None, opts)
        s = args.settings
        t = s.trino
        child = pulumi.ResourceOptions(parent=self)

        image = service_image(name, "trino", s, args.base_image_ref, child)
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
                    "S3_ENDPOINT": args.s3_endpoint,
                    "AWS_ACCESS_KEY_ID": args.s3_credentials.access_key_id,
                },
                secret_envs={"AWS_SECRET_ACCESS_KEY": args.s3_credentials.secret_access_key},
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
        # Known once the container runs: `make trino` execs the CLI in it.
        self.container_name = self.container.container_id.apply(lambda _: s.docker_name("trino"))
        self.register_outputs({"url": self.url, "internal_url": self.internal_url})
