"""The Flink cluster as the component declares it: state in the warehouse, high availability (Pulumi
mocks, no Docker)."""

from __future__ import annotations

import pulumi

from tests.components.conftest import unsecret


@pulumi.runtime.test
def test_flink_keeps_its_state_in_the_warehouse_with_its_own_key(mocks, program):
    flink = program({"flink": {"taskManagers": 2, "restPort": 18081, "checkpointInterval": "30s"}})["flink"]

    def check(args):
        rest_url, *_ = args
        assert rest_url == "http://127.0.0.1:18081"
        jm = mocks.resources["flink-jobmanager"].inputs
        assert jm["command"] == ["jobmanager"]
        assert jm["envs"]["FLINK_CHECKPOINT_DIR"] == "s3://warehouse/_flink/checkpoints"
        assert jm["envs"]["FLINK_SAVEPOINT_DIR"] == "s3://warehouse/_flink/savepoints"
        assert jm["envs"]["FLINK_CHECKPOINT_INTERVAL"] == "30s"
        assert jm["envs"]["FLINK_CHECKPOINT_MODE"] == "EXACTLY_ONCE"
        assert jm["envs"]["S3_ACCESS_KEY"] == jm["envs"]["AWS_ACCESS_KEY_ID"] == "flink"
        assert set(unsecret(jm["secret_envs"])) == {"S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"}
        assert jm["envs"]["S3_ENDPOINT"] == "http://minio:9000"
        tms = sorted(k for k in mocks.resources if k.startswith("flink-taskmanager"))
        assert tms == ["flink-taskmanager1", "flink-taskmanager2"]
        assert mocks.resources["flink-taskmanager2"].inputs["envs"]["FLINK_TM_RESOURCE_ID"] == "taskmanager2"

    # Every container the check reads: resources register in any order.
    taskmanagers = (tm.container_id for tm in flink.taskmanagers)
    return pulumi.Output.all(flink.rest_url, flink.sql_gateway_url, *taskmanagers).apply(check)


@pulumi.runtime.test
def test_the_flink_cluster_is_highly_available_through_a_zookeeper_of_its_own(mocks, program):
    flink = program({"namePrefix": "lh-unit"})["flink"]

    def check(_):
        zookeeper = mocks.resources["flink-zookeeper"].inputs
        assert zookeeper["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["zookeeper"]}]
        # Its znodes outlive the container: a new ZooKeeper still knows the running jobs.
        assert zookeeper["volumes"][0]["volume_name"] == "lh-unit-zookeeper-data"
        # A cluster of another image starts afresh: a job graph holds the classes of the image that ran it.
        image_tag = mocks.resources["flink-jobmanager"].inputs["image"].rsplit(":", 1)[1]
        for role in ("jobmanager", "taskmanager1", "sql-gateway"):
            ha = dict(
                line.split(": ", 1)
                for line in mocks.resources[f"flink-{role}"].inputs["envs"]["FLINK_CONF_EXTRA"].splitlines()
            )
            assert ha == {
                "high-availability.type": "zookeeper",
                "high-availability.zookeeper.quorum": "zookeeper:2181",
                "high-availability.storageDir": "s3://warehouse/_flink/ha",
                "high-availability.cluster-id": f"/lh-unit/{image_tag}",
            }, role

    return pulumi.Output.all(flink.sql_gateway_url, *(tm.container_id for tm in flink.taskmanagers)).apply(check)
