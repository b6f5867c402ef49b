"""The `minio` and `catalog` sections: the object store and the Iceberg REST catalog, the stack's own or
external ones."""

from __future__ import annotations

import pulumi
from pydantic import ConfigDict, SecretStr

from config.fields import BucketName, Identifier, Port, Section, Switch, Url, int_field, text_field
from payments.tables import NAMESPACE as DEFAULT_ICEBERG_NAMESPACE


class S3External(Section):
    """`minio.external`: an S3 service the stack does not run, and a bucket that exists in it. The secret
    key is the secret `s3SecretAccessKey`; every engine uses this one key."""

    endpoint: Url  # as this machine reaches it
    engine_endpoint: Url | None = None  # as the engines' containers reach it; default the same
    region: text_field("an S3 region such as us-east-1", r"^[a-z0-9-]+$") = "us-east-1"
    bucket: BucketName
    access_key_id: text_field("an access key id", r"^\S+$")
    path_style: Switch = True  # `http://host/bucket/key`; false: `http://bucket.host/key` (virtual host)


class MinioConfig(Section):
    external: S3External | None = None  # set: use this S3 instead of running MinIO
    api_port: Port = 9000
    console_port: Port = 9001
    memory_mb: int_field("a memory limit in MiB", 256, 65536) = 1024
    root_user: text_field("3-64 letters or digits", r"^[A-Za-z0-9_-]{3,64}$") = "lakehouse-admin"
    bucket: BucketName = "warehouse"


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

    uri: Url  # the REST endpoint as this machine reaches it
    engine_uri: Url | None = None  # as the engines' containers reach it; default the same
    warehouse: text_field("a warehouse name", r"^\S+$")
    scope: text_field("an OAuth2 scope", r"^\S+( \S+)*$") | None = None  # Polaris: PRINCIPAL_ROLE:ALL
    oauth2_server_uri: Url | None = None  # the token endpoint; default: <uri>v1/oauth/tokens


class CatalogConfig(Section):
    external: CatalogExternal | None = None  # set: use this catalog instead of running one
    namespace: Identifier = DEFAULT_ICEBERG_NAMESPACE  # the Iceberg namespace of the stack's tables
    port: Port = 8181  # the Iceberg REST catalog on the host
    memory_mb: int_field("a memory limit in MiB", 384, 65536) = 768
    postgres_memory_mb: int_field("a memory limit in MiB", 128, 65536) = 512


class CatalogSettings(CatalogConfig):
    credential: SecretStr | None = None  # with `external`: the secret `catalogCredential`
