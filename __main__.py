"""Composition only: read the stack settings once, wire the components, export the endpoints."""

import pulumi

import config
from components.catalog import IcebergCatalog, IcebergCatalogArgs
from components.dagster import Dagster, DagsterArgs
from components.dbt import DbtRuntime, DbtRuntimeArgs
from components.flink import FlinkCluster, FlinkClusterArgs
from components.foundation import Foundation, FoundationArgs
from components.generators import Generators, GeneratorsArgs
from components.kafka import KafkaBroker, KafkaBrokerArgs
from components.minio import ObjectStore, ObjectStoreArgs
from components.trino import Trino, TrinoArgs
from components.validation import ValidationJob, ValidationJobArgs
from components.webhooks import WebhookGenerators, WebhookGeneratorsArgs, WebhookReceiver, WebhookReceiverArgs

settings = config.load()

foundation = Foundation("foundation", FoundationArgs(settings))
kafka = KafkaBroker("kafka", KafkaBrokerArgs(settings, foundation.network_name, foundation.base_image_ref))
minio = ObjectStore("minio", ObjectStoreArgs(settings, foundation.network_name, foundation.base_image_ref))
catalog = IcebergCatalog(
    "catalog",
    IcebergCatalogArgs(
        settings,
        foundation.network_name,
        foundation.base_image_ref,
        s3=minio.access("catalog"),
    ),
)
flink = FlinkCluster(
    "flink",
    FlinkClusterArgs(
        settings,
        foundation.network_name,
        foundation.base_image_ref,
        s3=minio.access("flink"),
    ),
)
validation = ValidationJob(
    "validation",
    ValidationJobArgs(
        settings,
        flink,
        catalog,
        kafka_bootstrap_servers=kafka.internal_bootstrap_servers,
        kafka_security=kafka.security,
        s3=minio.access("flink"),
        s3_endpoint=minio.s3_endpoint,
        depends_on=[*kafka.topics.values(), *catalog.tables.values()],
    ),
)
trino = dbt = dagster = None
if settings.trino.enabled:
    trino = Trino(
        "trino",
        TrinoArgs(
            settings,
            foundation.network_name,
            foundation.base_image_ref,
            catalog_uri=catalog.internal_uri,
            warehouse=catalog.warehouse,
            s3=minio.access("trino"),
            depends_on=list(catalog.tables.values()),
        ),
    )
    dbt = DbtRuntime("dbt", DbtRuntimeArgs(settings, foundation.network_name, foundation.base_image_ref))
if trino and settings.dagster.enabled:
    dagster = Dagster(
        "dagster",
        DagsterArgs(
            settings,
            foundation.network_name,
            foundation.base_image_ref,
            trino_host=trino.internal_host,
            trino_port=trino.http_port,
            trino_catalog=trino.catalog,
        ),
    )
generators = Generators(
    "generators",
    GeneratorsArgs(
        settings,
        foundation.network_name,
        foundation.base_image_ref,
        kafka_bootstrap_servers=kafka.internal_bootstrap_servers,
        kafka_security=kafka.security,
        topics=list(kafka.topics.values()),
    ),
)
webhook_receiver = webhook_generators = None
if settings.webhooks.receiver.enabled:
    webhook_receiver = WebhookReceiver(
        "webhook-receiver",
        WebhookReceiverArgs(
            settings,
            foundation.network_name,
            foundation.base_image_ref,
            kafka_bootstrap_servers=kafka.internal_bootstrap_servers,
            kafka_security=kafka.security,
            topics=kafka.topics,
        ),
    )
if webhook_receiver and settings.webhooks.enabled_generators():
    webhook_generators = WebhookGenerators(
        "webhook-generators", WebhookGeneratorsArgs(settings, foundation.network_name, webhook_receiver)
    )

pulumi.export("network", foundation.network_name)
pulumi.export("base_image", foundation.base_image_ref)
pulumi.export("kafka_bootstrap_servers", kafka.bootstrap_servers)
pulumi.export("kafka_internal_bootstrap_servers", kafka.internal_bootstrap_servers)
pulumi.export("kafka_client_config", kafka.client_config)
pulumi.export("kafka_topics", kafka.topic_names)
pulumi.export("s3_endpoint", minio.s3_endpoint)
pulumi.export("s3_internal_endpoint", minio.internal_s3_endpoint)
pulumi.export("minio_console_url", minio.console_url)
pulumi.export("warehouse_bucket", minio.bucket)
pulumi.export("s3_region", minio.region)
pulumi.export("s3_path_style", minio.path_style)
if minio.root_password is not None:  # only MinIO run by the stack has a root the stack knows
    pulumi.export("minio_root_user", minio.root_user)
    pulumi.export("minio_root_password", minio.root_password)
pulumi.export("s3_reader_access_key_id", minio.credentials["reader"].access_key_id)
pulumi.export("s3_reader_secret_access_key", pulumi.Output.secret(minio.credentials["reader"].secret_access_key))
pulumi.export("flink_ui_url", flink.rest_url)
pulumi.export("flink_sql_gateway_url", flink.sql_gateway_url)
pulumi.export("flink_checkpoint_dir", flink.checkpoint_dir)
pulumi.export("iceberg_catalog_uri", catalog.uri)
pulumi.export("iceberg_catalog_internal_uri", catalog.internal_uri)
pulumi.export("iceberg_warehouse", catalog.warehouse)
pulumi.export("iceberg_catalog_client_properties", catalog.client_properties)
pulumi.export("iceberg_namespace", catalog.namespace)
pulumi.export("validation_job_name", settings.flink.job_name)
pulumi.export("validation_job_id", validation.job_id)
pulumi.export("validation_job_url", validation.ui_url)
pulumi.export("validation_consumer_group", validation.consumer_group)
if trino and dbt:
    pulumi.export("trino_url", trino.url)
    pulumi.export("trino_container", trino.container_name)
    pulumi.export("trino_internal_url", trino.internal_url)
    pulumi.export("dbt_image", dbt.image_ref)
if dagster:
    pulumi.export("dagster_url", dagster.url)
    pulumi.export("dagster_code_server_container", dagster.code_server_container)
pulumi.export("generators", list(generators.containers))
if webhook_receiver:
    pulumi.export("webhook_receiver_url", webhook_receiver.url)
    pulumi.export("webhook_receiver_internal_url", webhook_receiver.internal_url)
    # One secret: what tests and the bench sign their requests with, by the receiver's variable names.
    pulumi.export("webhook_secrets", webhook_receiver.signing_secrets)
if webhook_generators:
    pulumi.export("webhook_generators_container", webhook_generators.container_name)
