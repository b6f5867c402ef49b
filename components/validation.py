"""`ValidationJob`: the streaming validation job of flink_jobs/ (four Kafka topics in, bronze and quarantine
Iceberg tables out) running on the Flink cluster as one job, resumable from its own checkpoints.

Its name (`flink.jobName`), topics (`kafka.topicPrefix`) and namespace (`catalog.namespace`) come from the
stack, so several stacks can run their own job on one shared Kafka, catalog and Flink cluster."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.catalog import IcebergCatalog
from components.flink import STATE_PREFIX, FlinkCluster
from components.service import S3Access
from config import StackSettings
from flink_jobs.render import JOB_SETTINGS, job_connections, job_inserts, job_setup
from payments.events import EVENT_TYPES
from providers.flink import FlinkSqlJob, FlinkSqlJobArgs, StateStore
from providers.kafka import KafkaClientSecurity

# The name the Iceberg catalog has in the job's SQL (and in `make flink-sql`).
CATALOG_NAME = "lakehouse"


@dataclass
class ValidationJobArgs:
    settings: StackSettings
    flink: FlinkCluster
    catalog: IcebergCatalog
    kafka_bootstrap_servers: pulumi.Input[str]  # as containers reach Kafka
    kafka_security: KafkaClientSecurity
    s3: S3Access  # Flink's: the tables' files and the checkpoints are Flink's to write
    s3_endpoint: pulumi.Input[str]  # as this machine reaches the S3 service, to find the job's checkpoints
    # The topics and tables must exist before the job reads and writes them.
    depends_on: list[pulumi.Resource] = field(default_factory=list)


class ValidationJob(pulumi.ComponentResource):
    consumer_group: str  # the job's Kafka consumer group: its committed offsets are what it has landed
    job_id: pulumi.Output[str]
    state: pulumi.Output[str]
    ui_url: pulumi.Output[str]

    def __init__(self, name: str, args: ValidationJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:ValidationJob", name, None, opts)
        s = args.settings
        self.consumer_group = f"{s.name_prefix}-{s.flink.job_name}"
        topics = {e.name: s.kafka.topic(e.name) for e in EVENT_TYPES}
        kafka_properties = args.kafka_security.java()

        def connections(inputs: list) -> list[str]:
            bootstrap, catalog_uri, catalog_properties = inputs
            return job_connections(
                bootstrap,
                self.consumer_group,
                CATALOG_NAME,
                catalog_uri,
                args.catalog.warehouse,
                topics=topics,
                kafka_properties=kafka_properties,
                catalog_properties=catalog_properties,
            )

        # The catalog hands out no storage settings: Flink's own endpoint and style, then the catalog's auth.
        catalog_properties = pulumi.Output.all(args.s3.iceberg_io_properties(), args.catalog.client_properties).apply(
            lambda both: {**both[0], **both[1]}
        )
        statements = pulumi.Output.all(
            args.kafka_bootstrap_servers, args.catalog.internal_uri, catalog_properties
        ).apply(connections)
        self.job = FlinkSqlJob(
            f"{name}-job",
            FlinkSqlJobArgs(
                name=s.flink.job_name,
                connections=pulumi.Output.secret(statements) if args.kafka_security.has_secret else statements,
                sql_gateway_url=args.flink.sql_gateway_url,
                rest_url=args.flink.rest_url,
                setup=job_setup(s.validation),
                inserts=job_inserts(CATALOG_NAME, s.catalog.namespace),
                settings={**JOB_SETTINGS, "parallelism.default": str(s.flink.parallelism)},
                state_store=StateStore(
                    endpoint=args.s3_endpoint,
                    bucket=args.s3.bucket,
                    access_key=args.s3.credentials.access_key_id,
                    secret_key=args.s3.credentials.secret_access_key,
                    prefix=STATE_PREFIX,
                ),
                cluster_id=args.flink.cluster_id,
            ),
            pulumi.ResourceOptions(
                parent=self,
                # The whole cluster: its SQL Gateway up and every TaskManager registered before submitting.
                depends_on=[*args.depends_on, args.flink],
            ),
        )
        self.job_id = self.job.job_id
        self.state = self.job.state
        self.ui_url = self.job.ui_url
        self.register_outputs({"job_id": self.job_id, "state": self.state, "ui_url": self.ui_url})
