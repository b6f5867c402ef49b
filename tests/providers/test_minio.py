"""MinIO providers (bucket, IAM policy, IAM user) against a real MinIO."""

from __future__ import annotations

import io
import json
import uuid

import pytest
import requests
from minio import Minio
from minio.error import S3Error

from providers.errors import ObjectStoreError
from providers.minio.bucket import S3BucketProvider
from providers.minio.connection import s3
from providers.minio.iam import IamPolicyProvider, IamUserProvider, bucket_policy

pytestmark = pytest.mark.docker  # needs a Docker engine


def _put(client: Minio, bucket: str, key: str, body: bytes = b"payload") -> None:
    client.put_object(bucket, key, io.BytesIO(body), len(body))


@pytest.fixture
def bucket_props(minio_connection):
    return {**minio_connection, "bucket": f"test-{uuid.uuid4().hex[:10]}", "acl": "private", "force_destroy": False}


def test_bucket_is_private_refresh_sees_a_policy_added_behind_our_back_and_up_removes_it(bucket_props):
    p = S3BucketProvider()
    bucket = bucket_props["bucket"]
    created = p.create(bucket_props)
    root = s3(bucket_props)
    _put(root, bucket, "data/file.parquet")
    url = f"http://{bucket_props['minio_server']}/{bucket}/data/file.parquet"
    assert requests.get(url, timeout=10).status_code == 403  # anonymous: denied

    public = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }
    root.set_bucket_policy(bucket, json.dumps(public))
    assert requests.get(url, timeout=10).status_code == 200
    drifted = p.read(bucket, created.outs)
    assert drifted.outs["acl"] == "custom"
    assert p.diff(bucket, drifted.outs, bucket_props).changes is True
    p.update(bucket, drifted.outs, bucket_props)
    assert requests.get(url, timeout=10).status_code == 403
    assert p.read(bucket, created.outs).outs["acl"] == "private"

    with pytest.raises(ObjectStoreError, match="holds 1 objects"):
        p.delete(bucket, created.outs)
    p.delete(bucket, {**created.outs, "force_destroy": True})
    assert not root.bucket_exists(bucket)
    assert p.read(bucket, created.outs).id == ""


def test_public_buckets_are_refused_at_check(bucket_props):
    failures = S3BucketProvider().check({}, {**bucket_props, "acl": "public-read"}).failures
    assert [f.property for f in failures] == ["acl"]


def test_an_engine_key_reaches_its_bucket_only_and_follows_policy_changes(minio_connection, bucket_props):
    buckets = S3BucketProvider()
    warehouse = buckets.create(bucket_props)
    other = buckets.create({**bucket_props, "bucket": bucket_props["bucket"] + "-other"})
    run = uuid.uuid4().hex[:6]
    policies = IamPolicyProvider()
    rw = policies.create({**minio_connection, "name": f"rw-{run}", "policy": bucket_policy(warehouse.id)})
    ro = policies.create(
        {**minio_connection, "name": f"ro-{run}", "policy": bucket_policy(warehouse.id, read_only=True)}
    )
    users = IamUserProvider()
    user_props = {**minio_connection, "name": f"engine-{run}", "secret": uuid.uuid4().hex, "policy_names": [rw.id]}
    user = users.create(user_props)
    engine = Minio(minio_connection["minio_server"], access_key=user.id, secret_key=user_props["secret"], secure=False)
    try:
        # A refresh of untouched resources must not make the next `up` see changes.
        for provider, made, props in (
            (policies, rw, rw.outs),
            (users, user, user_props),
            (buckets, warehouse, bucket_props),
        ):
            assert provider.diff(made.id, provider.read(made.id, made.outs).outs, props).changes is False
        _put(engine, warehouse.id, "t/1")
        assert engine.get_object(warehouse.id, "t/1").read() == b"payload"
        with pytest.raises(S3Error, match="Access Denied"):
            _put(engine, other.id, "t/1")

        read_only = {**user_props, "policy_names": [ro.id]}
        assert users.diff(user.id, user.outs, read_only).replaces == []
        users.update(user.id, user.outs, read_only)
        assert users.read(user.id, user.outs).outs["policy_names"] == [ro.id]
        assert engine.get_object(warehouse.id, "t/1").read() == b"payload"
        with pytest.raises(S3Error, match="Access Denied"):
            _put(engine, warehouse.id, "t/2")
    finally:
        users.delete(user.id, user.outs)
        for policy in (rw, ro):
            policies.delete(policy.id, policy.outs)
        for b in (warehouse, other):
            buckets.delete(b.id, {**b.outs, "force_destroy": True})
    assert users.read(user.id, user.outs).id == ""
    assert policies.read(rw.id, rw.outs).id == ""
    with pytest.raises(S3Error):
        engine.list_objects(warehouse.id).__next__()
