"""`IcebergCatalog`: the Iceberg REST catalog (Project Nessie, its state in PostgreSQL) and the tables the
validation job writes, declared from the event schemas so a schema change shows in preview.

Polaris cannot be built from the registries reachable here (docs/catalog.md); clients speak only the
Iceberg REST protocol to this component, so Polaris can replace Nessie behind the same outputs.

With `catalog.external` it runs nothing: the namespace and tables are declared in that catalog, through
OAuth2 client credentials when the secret `catalogCredential` is set, and engines get the same settings
(`client_properties`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import external
from components.service import S3Access, ServiceArgs, data_volume, service_image
from payments.events import EVENT_TYPES
from payments.tables import TableSpec, bronze, quarantine
from providers.docker import Container, ContainerArgs, ContainerPort, ContainerVolume, Healthcheck, NetworkAttachment
from providers.iceberg import Column, Namespace, NamespaceArgs, PartitionField, Table, TableArgs
from providers.iceberg.catalog import oauth2_properties
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
    s3: S3Access  # the catalog's own key: it writes table metadata


class IcebergCatalog(pulumi.ComponentResource):
    uri: str  # Iceberg REST endpoint as this machine reaches it
    internal_uri: str  # as containers reach it
    warehouse: str
    # More REST client properties every client sets (OAuth2's; `oauth2_properties`): a secret when not empty.
    client_properties: pulumi.Output[dict[str, str]]
    namespace: pulumi.Output[str]
    tables: dict[str, Table]

    def __init__(self, name: str, args: IcebergCatalogArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:IcebergCatalog", name, None, opts)
        s = args.settings
        c = s.catalog
        depends_on: list[pulumi.Resource] = []
        properties: dict[str, str] = {}
        if c.external:
            ext = c.external
            credential = c.credential.get_secret_value() if c.credential else None
            properties = oauth2_properties(credential, ext.scope, ext.oauth2_server_uri)
            external.probe_catalog("catalog.external.uri", ext.uri, ext.warehouse, properties)
            self.uri, self.internal_uri, self.warehouse = ext.uri, ext.engine_uri or ext.uri, ext.warehouse
        else:
            depends_on.append(self._nessie(name, args))
        self.client_properties = (
            pulumi.Output.secret(properties) if properties else pulumi.Output.from_input(properties)
        )

        ns = Namespace(
            f"{name}-{c.namespace}",
            NamespaceArgs(
                name=c.namespace,
                catalog_uri=self.uri,
                warehouse=self.warehouse,
                catalog_properties=self.client_properties if properties else None,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.namespace = ns.name
        after_ns = pulumi.ResourceOptions(parent=self, depends_on=[ns])
        self.tables = {
            spec.name: self._table(name, spec, bool(properties), after_ns)
            for event in EVENT_TYPES
            for spec in (bronze(event), quarantine(event))
        }
        self.register_outputs({"uri": self.uri, "internal_uri": self.internal_uri, "namespace": self.namespace})

    def _nessie(self, name: str, args: IcebergCatalogArgs) -> Container:
        """Nessie and its PostgreSQL; returns Nessie's container."""
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
        # Set only where they differ from the image's defaults (images/nessie/config: MinIO's).
        s3_options = {
            **({"AWS_REGION": args.s3.region} if args.s3.region != "us-east-1" else {}),
            **({} if args.s3.path_style else {"S3_PATH_STYLE_ACCESS": "false"}),
        }
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
                    "WAREHOUSE_LOCATION": pulumi.Output.concat("s3://", args.s3.bucket, "/"),
                    "S3_ENDPOINT": args.s3.endpoint,
                    "AWS_ACCESS_KEY_ID": args.s3.credentials.access_key_id,
                    **s3_options,
                    # The heap stays well inside the container's limit.
                    "JAVA_TOOL_OPTIONS": f"-Xms128m -Xmx{c.memory_mb * 3 // 5}m -XX:+ExitOnOutOfMemoryError",
                },
                secret_envs={
                    "JDBC_PASSWORD": db_password,
                    "AWS_SECRET_ACCESS_KEY": args.s3.credentials.secret_access_key,
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
        return self.server

    def _table(self, name: str, spec: TableSpec, authenticated: bool, opts: pulumi.ResourceOptions) -> Table:
        return Table(
            f"{name}-{spec.name}",
            TableArgs(
                namespace=self.namespace,
                name=spec.name,
                columns=[Column(name=n, type=t, doc=doc) for n, t, doc in spec.columns],
                partition=[PartitionField(column=col, transform=tr) for col, tr in spec.partition],
                properties=TABLE_PROPERTIES,
                catalog_uri=self.uri,
                warehouse=self.warehouse,
                catalog_properties=self.client_properties if authenticated else None,
            ),
            opts,
        )
