"""`S3Bucket`: a private bucket (official provider: minio.S3Bucket).

Private means no bucket policy, so anonymous requests are denied. `read` reports a policy someone
added behind Pulumi's back as `acl: custom`, and the next `up` removes it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from providers.errors import ObjectStoreError
from providers.minio.connection import CONNECTION_KEYS, MinioConnection, resource_inputs, s3


@dataclass
class S3BucketArgs:
    bucket: str
    connection: MinioConnection
    acl: str = "private"
    # Delete the objects too on destroy; otherwise a non-empty bucket refuses to go.
    force_destroy: bool = False


def _has_policy(props: dict[str, Any]) -> bool:
    try:
        return bool(s3(props).get_bucket_policy(props["bucket"]))
    except S3Error as exc:
        if exc.code == "NoSuchBucketPolicy":
            return False
        raise


class S3BucketProvider(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if news.get("acl", "private") != "private":
            failures.append(CheckFailure("acl", "only private buckets are supported: engines get their own keys"))
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client, bucket = s3(props), props["bucket"]
        try:
            if client.bucket_exists(bucket):
                raise ObjectStoreError(f"bucket {bucket} already exists; import it or pick another name")
            client.make_bucket(bucket)
        except S3Error as exc:
            raise ObjectStoreError(f"creating bucket {bucket}: {exc.code}: {exc.message}") from exc
        return CreateResult(bucket, dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["bucket"] if olds.get("bucket") != news.get("bucket") else []
        in_place = [k for k in ("acl", "force_destroy", *CONNECTION_KEYS) if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces or in_place), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if _has_policy(news):
            s3(news).delete_bucket_policy(news["bucket"])
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if not s3(props).bucket_exists(id_):
            return ReadResult("", {})
        return ReadResult(id_, {**props, "acl": "custom" if _has_policy(props) else "private"})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = s3(props)
        if not client.bucket_exists(id_):
            return
        objects = list(client.list_objects(id_, recursive=True))
        if objects and not props.get("force_destroy"):
            raise ObjectStoreError(f"bucket {id_} holds {len(objects)} objects; set force_destroy to delete them too")
        errors = list(client.remove_objects(id_, (DeleteObject(o.object_name) for o in objects)))
        if errors:
            raise ObjectStoreError(f"bucket {id_}: could not delete {len(errors)} objects, e.g. {errors[0]}")
        client.remove_bucket(id_)


class S3Bucket(Resource, module="minio", name="S3Bucket"):
    bucket: pulumi.Output[str]

    def __init__(self, resource_name: str, args: S3BucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props, opts = resource_inputs(args, opts)
        super().__init__(S3BucketProvider(), resource_name, props, opts)
