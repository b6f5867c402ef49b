"""`IcebergCatalog`: the Iceberg REST catalog (Apache Iceberg's own REST server on a JDBC catalog, its
state in PostgreSQL) and the tables the validation job writes, declared from the event schemas so a
schema change shows in preview.

It keeps every table's snapshot history (time travel; the Flink committer's recovery check), which
Nessie, the catalog before it, cannot; Polaris cannot be built from the registries reachable here
(docs/decisions/0001-iceberg-rest-catalog.md). Clients speak only the Iceberg REST protocol to this
component, so another REST catalog can replace it behind the same outputs.

With `catalog.external` it runs nothing: the namespace and tables are declared in that catalog, through
OAuth2 client credentials when the secret `catalogCredential` is set, and engines get the same settings
(`client_properties`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import external
from components.service import S3Access, ServiceArgs, postgres_database, service_image
from payments.events import EVENT_TYPES
from payments.tables import TableSpec, bronze, quarantine
from providers.docker import Container, ContainerArgs, ContainerPort, Healthcheck, NetworkAttachment
from providers.iceberg import Column, Namespace, NamespaceArgs, PartitionField, Table, TableArgs
from providers.iceberg.catalog import oauth2_properties

CATALOG_HOST = "catalog"
DB_NAME = "iceberg"  # database and role of the JDBC catalog
REST_PORT = 8181
# What clients name as the warehouse; the server serves one, at the bucket's root.
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
            depends_on.append(self._server(name, args))
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

    def _server(self, name: str, args: IcebergCatalogArgs) -> Container:
        """The REST server and its PostgreSQL; returns the server's container."""
        s = args.settings
        c = s.catalog
        child = pulumi.ResourceOptions(parent=self)
        # A volume of its own name: the JDBC catalog's database is not the Nessie one that came before it.
        db = postgres_database(name, args, "catalog", DB_NAME, "catalog-jdbc", c.postgres_memory_mb, self)
        self.database = db.container

        image = service_image(name, "iceberg-rest", s, args.base_image_ref, child)
        self.server = Container(
            f"{name}-server",
            ContainerArgs(
                name=s.docker_name("catalog"),
                image=image.image_ref,
                labels=s.labels("catalog"),
                hostname=CATALOG_HOST,
                # Every CATALOG_* variable is a catalog property (images/iceberg-rest/README.md).
                envs={
                    "CATALOG_URI": f"jdbc:postgresql://{db.host}:5432/{db.name}",
                    "CATALOG_JDBC_USER": db.name,
                    # A table's namespace must exist (else the JDBC catalog makes tables in no namespace).
                    "CATALOG_JDBC_STRICT__MODE": "true",
                    "CATALOG_WAREHOUSE": pulumi.Output.concat("s3://", args.s3.bucket, "/"),
                    "CATALOG_IO__IMPL": "org.apache.iceberg.aws.s3.S3FileIO",
                    "CATALOG_S3_ENDPOINT": args.s3.endpoint,
                    "CATALOG_S3_PATH__STYLE__ACCESS": str(args.s3.path_style).lower(),
                    "CATALOG_S3_ACCESS__KEY__ID": args.s3.credentials.access_key_id,
                    "CATALOG_CLIENT_REGION": args.s3.region,
                    # The heap stays well inside the container's limit.
                    "JAVA_TOOL_OPTIONS": f"-Xms64m -Xmx{c.memory_mb * 3 // 5}m -XX:+ExitOnOutOfMemoryError",
                },
                secret_envs={
                    "CATALOG_JDBC_PASSWORD": db.password,
                    "CATALOG_S3_SECRET__ACCESS__KEY": args.s3.credentials.secret_access_key,
                },
                ports=[ContainerPort(internal=REST_PORT, external=c.port, ip=s.bind_address)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[CATALOG_HOST])],
                memory=c.memory_mb,
                healthcheck=Healthcheck(tests=["CMD", "/usr/local/bin/healthcheck"]),
                wait_timeout=240,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=[self.database]),
        )
        # Plain strings, not outputs of the container: a new catalog container serves the same catalog (its
        # state is in PostgreSQL), so the tables and the job that name it have nothing to change.
        self.uri = f"http://{s.bind_address}:{c.port}/"
        self.internal_uri = f"http://{CATALOG_HOST}:{REST_PORT}/"
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
