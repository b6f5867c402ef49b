"""The object store as the component declares it: loopback, a private bucket, one key per engine (Pulumi
mocks, no Docker)."""

from __future__ import annotations

import pulumi

from components.foundation import Foundation, FoundationArgs
from components.minio import ObjectStore, ObjectStoreArgs
from tests.components.conftest import unsecret


def _object_store(settings):
    foundation = Foundation("foundation", FoundationArgs(settings))
    return ObjectStore("minio", ObjectStoreArgs(settings, foundation.network_name, foundation.base_image_ref))


@pulumi.runtime.test
def test_minio_serves_on_loopback_with_a_private_bucket_and_generated_root_password(mocks, stack_config):
    store = _object_store(stack_config({"minio": {"apiPort": 19000, "consolePort": 19001}}))

    def check(args):
        endpoint, bucket = args
        assert endpoint == "http://127.0.0.1:19000"
        assert bucket == "warehouse"
        server = mocks.resources["minio-server"].inputs
        assert [(p["internal"], p["external"], p["ip"]) for p in server["ports"]] == [
            (9000, 19000, "127.0.0.1"),
            (9001, 19001, "127.0.0.1"),
        ]
        assert "MINIO_ROOT_PASSWORD" not in server["envs"]  # only in secret_envs
        assert set(unsecret(server["secret_envs"])) == {"MINIO_ROOT_PASSWORD"}
        assert "minio-root-password" in mocks.resources  # generated, not committed anywhere
        warehouse = mocks.resources["minio-warehouse"].inputs
        assert (warehouse["acl"], warehouse["force_destroy"]) == ("private", True)

    return pulumi.Output.all(store.s3_endpoint, store.bucket).apply(check)


@pulumi.runtime.test
def test_each_engine_gets_its_own_key_limited_to_the_warehouse(mocks, stack_config):
    store = _object_store(stack_config({}))

    def check(_):
        users = {r.inputs["name"]: r.inputs for r in mocks.resources.values() if r.typ.endswith(":IamUser")}
        assert set(users) == {"catalog", "flink", "trino", "dagster", "reader"}
        assert users["flink"]["policy_names"] == ["warehouse-rw"]
        assert users["dagster"]["policy_names"] == ["warehouse-ro"]
        assert users["reader"]["policy_names"] == ["warehouse-ro"]  # what reads the lake from this machine
        policies = {
            r.inputs["name"]: r.inputs["policy"] for r in mocks.resources.values() if r.typ.endswith(":IamPolicy")
        }
        resources = {res for st in policies["warehouse-ro"]["Statement"] for res in st["Resource"]}
        assert resources == {"arn:aws:s3:::warehouse", "arn:aws:s3:::warehouse/*"}
        assert ["s3:GetObject"] in [st["Action"] for st in policies["warehouse-ro"]["Statement"]]

    return pulumi.Output.all(*(c.secret_access_key for c in store.credentials.values())).apply(check)
