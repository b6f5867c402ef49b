"""Trino as the component declares it (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from tests.components.conftest import unsecret


@pulumi.runtime.test
def test_trino_queries_the_stack_catalog_with_its_own_key_and_a_bounded_heap(mocks, program):
    trino = program({"namePrefix": "lh-unit", "trino": {"port": 18080, "memoryMb": 3072, "heapMb": 2048}})["trino"]

    def check(_):
        server = mocks.resources["trino-server"].inputs
        assert trino.url == "http://127.0.0.1:18080"
        assert [(p["internal"], p["external"], p["ip"]) for p in server["ports"]] == [(8080, 18080, "127.0.0.1")]
        assert (server["memory"], server["envs"]["TRINO_HEAP_MB"]) == (3072, "2048")
        assert server["envs"]["ICEBERG_REST_URI"] == "http://catalog:8181/"
        assert server["envs"]["ICEBERG_WAREHOUSE"] == "warehouse"
        assert server["envs"]["S3_ENDPOINT"] == "http://minio:9000"
        # Its own read-write key, never the root credentials; the secret only in secret_envs.
        assert server["envs"]["AWS_ACCESS_KEY_ID"] == "trino"
        assert set(unsecret(server["secret_envs"])) == {"AWS_SECRET_ACCESS_KEY"}
        assert server["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["trino"]}]
        assert server["healthcheck"]["tests"] == ["CMD", "/opt/trino/bin/healthcheck"]

    return trino.container_name.apply(check)
