"""`IcebergCatalog`: the Iceberg REST catalog (Project Nessie, its state in PostgreSQL) and the tables the
validation job writes, declared from the event schemas so a schema change shows in preview.

Polaris cannot be built from the registries reachable here (docs/catalog.md); clients speak only the
Iceberg REST protocol to this component, so Polaris can replace Nessie behind the same outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.service import S3Credentials, ServiceArgs, data_volume, service_image
from payments.events import EVENT_TYPES
from payments.tables import NAMESPACE, TableSpec, bronze, quarantine
from providers.docker import Container, ContainerArgs, ContainerPort, ContainerVolume, Healthcheck, NetworkAttachment
from providers.iceberg import Column, Namespace, NamespaceArgs, PartitionField, Table, TableArgs
from providers.random import RandomPassword

CATALOG_HOST = "nessie"
DB_HOST = "catalog-db"
REST_PORT = 19120
REST_PATH = "/iceberg/"
# Nessie's name for the one warehouse it serves (its location is the bucket).
WAREHOUSE = "warehouse"
# Table properties every table gets: format v2 (row-level deletes for dbt merges), compressed Parquet.
TABLE_PROPERTIES = {"format-version": "2", "write.parquet.compression-codec": "zstd"}


@dataclass
class IcebergCatalogArgs(ServiceArgs):
    s3_endpoint: pulumi.Input[str]  # as containers reach it
    bucket: pulumi.Input[str]
    s3_credentials: S3Credentials  # the catalog's own key: it writes table metadata


class IcebergCatalog(pulumi.ComponentResource):
    uri: str  # Iceberg REST endpoint as this machine reaches it
    internal_uri: str  # as containers reach it
    warehouse: str
    namespace: pulumi.Output[str]
    tables: dict[str, Table]

    def __init__(self, name: str, args: IcebergCatalogArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:IcebergCatalog", name, None, opts)
        s = args.settings
        c = s.catalog
        child = pulumi.ResourceOptions(parent=self)

        db_password = RandomPassword(f"{name}-db-password", length=32, opts=child).result
        db_image = service_image(f"{name}-db", "postgres", s, args.base_image_ref, child)
        db_data = data_volume(name, "catalog-db", s, child)
        self.database = Container(
            f"{name}-db",
            ContainerArgs(
                name=s.docker_name("catalog-db"),
                image=db_image.image_ref,
                labels=s.labels("catalog"),
                hostname=DB_HOST,
                envs={"POSTGRES_USER": "nessie", "POSTGRES_DB": "nessie"},
                secret_envs={"POSTGRES_PASSWORD": db_password},
                volumes=[ContainerVolume(container_path="/var/lib/postgresql/data", volume_name=db_data.name)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[DB_HOST])],
                memory=c.postgres_memory_mb,
                healthcheck=Healthcheck(tests=["CMD", "/usr/local/bin/healthcheck"]),
            ),
            child,
        )

        image = service_image(name, "nessie", s, args.base_image_ref, child)
        s3_endpoint = pulumi.Output.from_input(args.s3_endpoint)
        self.server = Container(
            f"{name}-server",
            ContainerArgs(
                name=s.docker_name("nessie"),
                image=image.image_ref,
                labels=s.labels("catalog"),
                hostname=CATALOG_HOST,
                envs={
                    "JDBC_URL": f"jdbc:postgresql://{DB_HOST}:5432/nessie",
                    "JDBC_USER": "nessie",
                    "WAREHOUSE_LOCATION": pulumi.Output.concat("s3://", args.bucket, "/"),
                    "S3_ENDPOINT": s3_endpoint,
                    "AWS_ACCESS_KEY_ID": args.s3_credentials.access_key_id,
                    # The heap stays well inside the container's limit.
                    "JAVA_TOOL_OPTIONS": f"-Xms128m -Xmx{c.memory_mb * 3 // 5}m -XX:+ExitOnOutOfMemoryError",
                },
                secret_envs={
                    "JDBC_PASSWORD": db_password,
                    "AWS_SECRET_ACCESS_KEY": args.s3_credentials.secret_access_key,
                },
                ports=[ContainerPort(internal=REST_PORT, external=c.port, ip=s.bind_address)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[CATALOG_HOST])],
                memory=c.memory_mb,
                healthcheck=Healthcheck(tests=["CMD", "/usr/local/bin/healthcheck"]),
                wait_timeout=240,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=[self.database]),
        )
        # Plain strings, not outputs of the container: a new Nessie container serves the same catalog, so
        # the tables and the job that name it have nothing to change.
        self.uri = f"http://{s.bind_address}:{c.port}{REST_PATH}"
        self.internal_uri = f"http://{CATALOG_HOST}:{REST_PORT}{REST_PATH}"
        self.warehouse = WAREHOUSE

        ns = Namespace(
            f"{name}-{NAMESPACE}",
            NamespaceArgs(name=NAMESPACE, catalog_uri=self.uri, warehouse=WAREHOUSE),
            pulumi.ResourceOptions(parent=self, depends_on=[self.server]),
        )
        self.namespace = ns.name
        after_ns = pulumi.ResourceOptions(parent=self, depends_on=[ns])
        self.tables = {
            spec.name: self._table(name, spec, after_ns)
            for event in EVENT_TYPES
            for spec in (bronze(event), quarantine(event))
        }
        self.register_outputs({"uri": self.uri, "internal_uri": self.internal_uri, "namespace": self.namespace})

    def _table(self, name: str, spec: TableSpec, opts: pulumi.ResourceOptions) -> Table:
        return Table(
            f"{name}-{spec.name}",
            TableArgs(
                namespace=self.namespace,
                name=spec.name,
                columns=[Column(name=n, type=t, doc=doc) for n, t, doc in spec.columns],
                partition=[PartitionField(column=col, transform=tr) for col, tr in spec.partition],
                properties=TABLE_PROPERTIES,
                catalog_uri=self.uri,
                warehouse=WAREHOUSE,
            ),
            opts,
        )
