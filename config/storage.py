"""The `minio` and `catalog` sections: the object store and the Iceberg REST catalog, the stack's own or
external ones."""

from __future__ import annotations

import pulumi
from pydantic import ConfigDict, Field, SecretStr

from config.fields import BucketName, Identifier, Port, Section, Switch, Url, int_field, text_field
from payments.tables import NAMESPACE as DEFAULT_ICEBERG_NAMESPACE


class S3External(Section):
    """`minio.external`: an S3 service the stack does not run, and a bucket that exists in it. The secret
    key is the secret `s3SecretAccessKey`; every engine uses this one key."""

    endpoint: Url = Field(description="the S3 endpoint as this machine reaches it")
    engine_endpoint: Url | None = Field(
        None, description="the S3 endpoint as the engines' containers reach it; unset: the same"
    )
    region: text_field("an S3 region such as us-east-1", r"^[a-z0-9-]+$") = Field(
        "us-east-1", description="the bucket's region"
    )
    bucket: BucketName = Field(description="the warehouse bucket; it must exist, the stack never creates or empties it")
    access_key_id: text_field("an access key id", r"^\S+$") = Field(
        description="the key every engine uses; its secret is the secret `s3SecretAccessKey`"
    )
    path_style: Switch = Field(
        True, description="`http://host/bucket/key`; false: `http://bucket.host/key` (virtual host, as AWS S3 prefers)"
    )


class MinioConfig(Section):
    """`minio`: the stack's object storage (MinIO) and its warehouse bucket, or an S3 service it does not run.
    The root password is the secret `minioRootPassword`, generated per stack unless set."""

    external: S3External | None = Field(
        None, description="an S3 service the stack does not run: set, it starts no MinIO container"
    )
    api_port: Port = Field(9000, description="host port of the S3 API")
    console_port: Port = Field(9001, description="host port of the MinIO console")
    memory_mb: int_field("a memory limit in MiB", 256, 65536) = Field(
        1024, description="MinIO's container memory limit (MiB)"
    )
    root_user: text_field("3-64 letters or digits", r"^[A-Za-z0-9_-]{3,64}$") = Field(
        "lakehouse-admin", description="MinIO's root user, used only by Pulumi"
    )
    bucket: BucketName = Field("warehouse", description="the Iceberg warehouse bucket")


class MinioSettings(MinioConfig):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    # From the secret `minioRootPassword` if set; otherwise a generated one, kept secret in the state.
    root_password: pulumi.Output[str] | None = None
    # With `external`: the secret `s3SecretAccessKey`.
    secret_access_key: SecretStr | None = None


class CatalogExternal(Section):
    """`catalog.external`: an Iceberg REST catalog the stack does not run (Polaris, a cloud catalog); the
    namespace and tables are still declared and evolved by the stack. With the secret `catalogCredential`
    (`<client id>:<client secret>`) every client authenticates with OAuth2 client credentials."""

    uri: Url = Field(description="the REST endpoint as this machine reaches it")
    engine_uri: Url | None = Field(
        None, description="the REST endpoint as the engines' containers reach it; unset: the same"
    )
    warehouse: text_field("a warehouse name", r"^\S+$") = Field(description="the catalog's warehouse")
    scope: text_field("an OAuth2 scope", r"^\S+( \S+)*$") | None = Field(
        None, description="the OAuth2 scope clients ask for (Polaris: `PRINCIPAL_ROLE:ALL`)"
    )
    oauth2_server_uri: Url | None = Field(None, description="the OAuth2 token endpoint; unset: `<uri>v1/oauth/tokens`")


class CatalogConfig(Section):
    """`catalog`: the stack's Iceberg REST catalog (Iceberg's REST server on PostgreSQL), or one it does not run."""

    external: CatalogExternal | None = Field(
        None, description="an Iceberg REST catalog the stack does not run: set, it starts no catalog container"
    )
    namespace: Identifier = Field(DEFAULT_ICEBERG_NAMESPACE, description="the Iceberg namespace of the stack's tables")
    port: Port = Field(8181, description="host port of the Iceberg REST catalog")
    memory_mb: int_field("a memory limit in MiB", 384, 65536) = Field(
        768, description="the catalog server's container memory limit (MiB; its heap is 60 % of it)"
    )
    postgres_memory_mb: int_field("a memory limit in MiB", 128, 65536) = Field(
        512, description="memory limit of the catalog's PostgreSQL (MiB)"
    )


class CatalogSettings(CatalogConfig):
    credential: SecretStr | None = None  # with `external`: the secret `catalogCredential`
