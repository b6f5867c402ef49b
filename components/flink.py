"""`FlinkCluster`: a Flink session cluster (JobManager, TaskManagers, SQL Gateway) whose checkpoints and
savepoints live in the warehouse bucket, so a job can resume after any container, or the whole
cluster, is recreated.

The cluster runs with Flink's ZooKeeper high availability (a ZooKeeper server of its own): a JobManager
that restarts, by itself or with the Docker daemon, takes its running jobs back from their latest
checkpoints with no one submitting them again.

With `flink.external` it runs nothing: the outputs name that cluster's REST API and SQL Gateway, and the
job's checkpoints and savepoints go to the same bucket directories, which the cluster's own S3 settings
must reach."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import external
from components.service import S3Access, ServiceArgs, data_volume, service_image, when_ready
from providers.docker import (
    Container,
    ContainerArgs,
    ContainerPort,
    ContainerVolume,
    Healthcheck,
    NetworkAttachment,
)

JOBMANAGER_HOST = "jobmanager"
SQL_GATEWAY_HOST = "sql-gateway"
REST_PORT = 8081
SQL_GATEWAY_PORT = 8083
ZOOKEEPER_HOST = "zookeeper"
ZOOKEEPER_PORT = 2181
# Flink's state sits beside the tables it protects, under a prefix of its own.
STATE_PREFIX = "_flink"


@dataclass
class FlinkClusterArgs(ServiceArgs):
    s3: S3Access  # Flink's own key: checkpoints, savepoints and the tables it writes


class FlinkCluster(pulumi.ComponentResource):
    rest_url: pulumi.Output[str]
    sql_gateway_url: pulumi.Output[str]
    checkpoint_dir: pulumi.Output[str]
    savepoint_dir: pulumi.Output[str]
    # Which cluster this is: the JobManager container's id, new whenever the JobManager is replaced (a job
    # submitted to it must then be moved from the old cluster to the new one); an external cluster's REST URL.
    cluster_id: pulumi.Output[str]

    def __init__(self, name: str, args: FlinkClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:FlinkCluster", name, None, opts)
        f = args.settings.flink
        self.checkpoint_dir = pulumi.Output.concat("s3://", args.s3.bucket, f"/{STATE_PREFIX}/checkpoints")
        self.savepoint_dir = pulumi.Output.concat("s3://", args.s3.bucket, f"/{STATE_PREFIX}/savepoints")
        if f.external:
            ext = f.external
            external.probe_http("flink.external.restUrl", "Flink JobManager", ext.rest_url, "/config")
            external.probe_http("flink.external.sqlGatewayUrl", "Flink SQL Gateway", ext.sql_gateway_url, "/v1/info")
            self.rest_url = pulumi.Output.from_input(f.external.rest_url.rstrip("/"))
            self.sql_gateway_url = pulumi.Output.from_input(f.external.sql_gateway_url.rstrip("/"))
            self.cluster_id = self.rest_url
        else:
            self._cluster(name, args)
        self.register_outputs(
            {
                "cluster_id": self.cluster_id,
                "rest_url": self.rest_url,
                "sql_gateway_url": self.sql_gateway_url,
                "checkpoint_dir": self.checkpoint_dir,
                "savepoint_dir": self.savepoint_dir,
            }
        )

    def _cluster(self, name: str, args: FlinkClusterArgs) -> None:
        s = args.settings
        f = s.flink
        child = pulumi.ResourceOptions(parent=self)
        self.image = service_image(name, "flink", s, args.base_image_ref, child)
        # High availability: leadership and the running jobs' pointers in ZooKeeper (its data on a volume,
        # so a new ZooKeeper container still knows them), the job graphs and checkpoint metadata in the
        # bucket beside the checkpoints, under a cluster id of the stack's own and of the image's tag: a
        # restarted cluster of the same image recovers its job, whereas a new image (its functions changed)
        # never recovers a job graph that holds the old classes, which it cannot deserialize (its JobManager
        # would exit): the job is submitted again from its newest checkpoint (providers/flink/job.py).
        self.zookeeper_data = data_volume(name, "zookeeper", s, child)
        self.zookeeper = Container(
            f"{name}-zookeeper",
            ContainerArgs(
                name=s.docker_name("flink-zookeeper"),
                image=service_image(f"{name}-zookeeper", "zookeeper", s, args.base_image_ref, child).image_ref,
                labels=s.labels("flink"),
                hostname=ZOOKEEPER_HOST,
                volumes=[ContainerVolume(container_path="/var/lib/zookeeper", volume_name=self.zookeeper_data.name)],
                networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[ZOOKEEPER_HOST])],
                memory=256,
                healthcheck=Healthcheck(tests=["CMD", "/opt/zookeeper/bin/healthcheck"]),
            ),
            child,
        )
        high_availability = pulumi.Output.concat(
            "high-availability.type: zookeeper\n",
            f"high-availability.zookeeper.quorum: {ZOOKEEPER_HOST}:{ZOOKEEPER_PORT}\n",
            "high-availability.storageDir: s3://",
            args.s3.bucket,
            f"/{STATE_PREFIX}/ha\n",
            f"high-availability.cluster-id: /{s.name_prefix}/",
            self.image.image_ref.apply(lambda ref: ref.rsplit(":", 1)[-1]),
            "\n",
        )
        common_envs: dict[str, pulumi.Input[str]] = {
            "FLINK_CONF_EXTRA": high_availability,
            "FLINK_JOBMANAGER_HOST": JOBMANAGER_HOST,
            "FLINK_TASK_SLOTS": str(f.task_slots),
            "FLINK_PARALLELISM": "1",
            "FLINK_JM_PROCESS_MEMORY": f"{f.jobmanager_memory_mb}m",
            "FLINK_TM_PROCESS_MEMORY": f"{f.taskmanager_memory_mb}m",
            "FLINK_CHECKPOINT_INTERVAL": f.checkpoint_interval,
            "FLINK_CHECKPOINT_MODE": "EXACTLY_ONCE",
            "FLINK_CHECKPOINT_RETENTION": "RETAIN_ON_CANCELLATION",
            "FLINK_CHECKPOINT_DIR": self.checkpoint_dir,
            "FLINK_SAVEPOINT_DIR": self.savepoint_dir,
            "S3_ENDPOINT": args.s3.endpoint,
            "S3_ACCESS_KEY": args.s3.credentials.access_key_id,
            "S3_PATH_STYLE_ACCESS": str(args.s3.path_style).lower(),
            # The same key for Iceberg's S3FileIO, which reads the AWS SDK's environment.
            "AWS_ACCESS_KEY_ID": args.s3.credentials.access_key_id,
            "AWS_REGION": args.s3.region,
        }
        secret_envs = {
            "S3_SECRET_KEY": args.s3.credentials.secret_access_key,
            "AWS_SECRET_ACCESS_KEY": args.s3.credentials.secret_access_key,
        }

        def container(
            role: str,
            mode: str,
            ports: list[ContainerPort],
            memory_mb: int,
            opts: pulumi.ResourceOptions,
            envs: dict[str, pulumi.Input[str]] | None = None,
        ) -> Container:
            return Container(
                f"{name}-{role}",
                ContainerArgs(
                    name=s.docker_name(f"flink-{role}"),
                    image=self.image.image_ref,
                    labels=s.labels("flink"),
                    command=[mode],
                    hostname=role,
                    envs={**common_envs, **(envs or {})},
                    secret_envs=secret_envs,
                    ports=ports,
                    networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[role])],
                    # The container limit leaves headroom over Flink's own process budget.
                    memory=memory_mb + 256,
                    healthcheck=Healthcheck(tests=["CMD", "/opt/flink/bin/healthcheck"]),
                    wait_timeout=240,
                ),
                opts,
            )

        rest = ContainerPort(internal=REST_PORT, external=f.rest_port, ip=s.bind_address)
        after_zookeeper = pulumi.ResourceOptions(parent=self, depends_on=[self.zookeeper])
        self.jobmanager = container(JOBMANAGER_HOST, "jobmanager", [rest], f.jobmanager_memory_mb, after_zookeeper)
        after_jm = pulumi.ResourceOptions(parent=self, depends_on=[self.jobmanager])
        self.taskmanagers = [
            container(
                f"taskmanager{i}",
                "taskmanager",
                [],
                f.taskmanager_memory_mb,
                after_jm,
                envs={"FLINK_TM_RESOURCE_ID": f"taskmanager{i}"},
            )
            for i in range(1, f.task_managers + 1)
        ]
        gateway = ContainerPort(internal=SQL_GATEWAY_PORT, external=f.sql_gateway_port, ip=s.bind_address)
        self.sql_gateway = container(SQL_GATEWAY_HOST, "sql-gateway", [gateway], 768, after_jm)
        self.rest_url = when_ready(self.jobmanager, f"http://{s.bind_address}:{f.rest_port}")
        self.sql_gateway_url = when_ready(self.sql_gateway, f"http://{s.bind_address}:{f.sql_gateway_port}")
        self.cluster_id = self.jobmanager.container_id
