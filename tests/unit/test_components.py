"""What the components declare, checked with Pulumi mocks (no engine, no Docker)."""

from __future__ import annotations

import pulumi

from components.foundation import Foundation, FoundationArgs
from components.kafka import KafkaBroker, KafkaBrokerArgs, cluster_id
from components.minio import ObjectStore, ObjectStoreArgs
from jr_templates.render import render
from payments.events import EVENT_TYPES
from tests.unit.conftest import unsecret
from tests.unit.seed import SEED_INTERVALS, SEED_TOPICS


def _stack(settings):
    foundation = Foundation("foundation", FoundationArgs(settings))
    kafka = KafkaBroker("kafka", KafkaBrokerArgs(settings, foundation.network_name, foundation.base_image_ref))
    return foundation, kafka


@pulumi.runtime.test
def test_kafka_is_published_on_loopback_at_the_configured_port(mocks, stack_config):
    settings = stack_config({"kafka": {"hostPort": 19092}})
    _, kafka = _stack(settings)

    def check(servers):
        assert servers == "127.0.0.1:19092"
        broker = mocks.resources["kafka-broker"].inputs
        assert broker["ports"] == [{"internal": 9092, "external": 19092, "ip": "127.0.0.1", "protocol": "tcp"}]
        # Host clients are told to come back to the published port, not the container's.
        assert broker["envs"]["KAFKA_EXTERNAL_PORT"] == "19092"
        assert broker["envs"]["KAFKA_EXTERNAL_HOST"] == "127.0.0.1"

    return kafka.bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_kafka_joins_the_stack_network_as_kafka_with_data_on_a_volume(mocks, stack_config):
    settings = stack_config({"namePrefix": "lh-unit"})
    _, kafka = _stack(settings)

    def check(internal):
        assert internal == "kafka:29092"
        broker = mocks.resources["kafka-broker"].inputs
        assert broker["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["kafka"]}]
        assert broker["volumes"] == [
            {"container_path": "/var/lib/kafka/data", "volume_name": "lh-unit-kafka-data", "read_only": False}
        ]
        assert broker["name"] == "lh-unit-kafka"
        assert broker["healthcheck"]["tests"] == ["CMD", "/opt/kafka/bin/healthcheck"]
        assert broker["memory"] == 1024
        assert broker["envs"]["KAFKA_HEAP_OPTS"] == "-Xms512m -Xmx512m"

    return kafka.internal_bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_kafka_image_is_built_from_the_repo_on_the_stack_base_image(mocks, stack_config):
    _, kafka = _stack(stack_config({}))

    def check(args):
        image_ref, _ = args
        image = mocks.resources["kafka-image"].inputs
        assert image["build"]["context"] == "images/kafka"
        assert image["build"]["args"] == {"BASE_IMAGE": "foundation-base-image:mock"}
        assert len(image["context_digest"]) == 64
        assert mocks.resources["kafka-broker"].inputs["image"] == image_ref

    return pulumi.Output.all(kafka.image.image_ref, kafka.container.container_id).apply(check)


@pulumi.runtime.test
def test_every_docker_object_carries_the_stack_labels(mocks, stack_config):
    _, kafka = _stack(stack_config({}))

    def check(_):
        kinds = ("Network", "Volume", "Container")
        stack_owned = [r for r in mocks.resources.values() if r.typ.rsplit(":", 1)[-1] in kinds]
        assert {r.typ.rsplit(":", 1)[-1] for r in stack_owned} == {"Network", "Volume", "Container"}
        for r in stack_owned:
            assert r.inputs["labels"]["com.pulumi.project"] == "streaming-lakehouse", r.name
            assert r.inputs["labels"]["com.pulumi.stack"] == "unit", r.name

    return kafka.bootstrap_servers.apply(check)


def test_cluster_id_is_stable_per_stack_and_distinct_between_stacks():
    assert cluster_id("p", "dev") == cluster_id("p", "dev")
    assert cluster_id("p", "dev") != cluster_id("p", "ci")
    assert len(cluster_id("p", "dev")) == 22  # KRaft's form: base64 of 16 bytes, unpadded
    # A leading '-' makes kafka-storage fail to format (stack t9d5fd2dc hit it in CI).
    ids = [cluster_id("streaming-lakehouse", stack) for stack in ["t9d5fd2dc", *(f"t{i}" for i in range(2000))]]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(i) == 22 for i in ids)


@pulumi.runtime.test
def test_topics_are_declared_against_the_brokers_host_listener(mocks, stack_config):
    _, kafka = _stack(stack_config({"kafka": {"hostPort": 19092}, "topics": {"payment_charges": {"partitions": 3}}}))

    def check(names):
        assert set(SEED_TOPICS) <= set(names), "the guide's four topics exist by default"
        assert names == [e.name for e in EVENT_TYPES], "each event type's topic, named as the type is"
        for name in names:
            topic = mocks.resources[f"kafka-topic-{name}"].inputs
            assert topic["bootstrap_servers"] == "127.0.0.1:19092", name
            assert topic["config"]["cleanup.policy"] == "delete", name
            assert (topic["partitions"], topic["replication_factor"]) == (3 if name == "payment_charges" else 1, 1)

    return kafka.topic_names.apply(check)


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
        for role in ("jobmanager", "taskmanager1", "sql-gateway"):
            ha = dict(
                line.split(": ", 1)
                for line in mocks.resources[f"flink-{role}"].inputs["envs"]["FLINK_CONF_EXTRA"].splitlines()
            )
            assert ha == {
                "high-availability.type": "zookeeper",
                "high-availability.zookeeper.quorum": "zookeeper:2181",
                "high-availability.storageDir": "s3://warehouse/_flink/ha",
                "high-availability.cluster-id": "/lh-unit",
            }, role

    return pulumi.Output.all(flink.sql_gateway_url, *(tm.container_id for tm in flink.taskmanagers)).apply(check)


@pulumi.runtime.test
def test_each_enabled_generator_produces_its_topic_at_its_interval(mocks, program):
    generators = program({"generators": {"payment_subscriptions": {"enabled": False}}})["generators"]
    assert "payment_subscriptions" not in generators.containers  # its container goes with its only emitter

    def check(_):
        emitted = {}  # topic -> (template, interval, events per interval), over every container
        for process in generators.containers:
            envs = mocks.resources[f"generators-{process}"].inputs["envs"]
            assert envs["KAFKA_BOOTSTRAP"] == "kafka:29092", process
            for template, topic, interval, count, _ in map(str.split, envs["EMITTERS_SPEC"].splitlines()):
                assert topic not in emitted, f"{topic} emitted twice"
                emitted[topic] = (template, interval, count)
                assert "@@" not in envs[f"TEMPLATE_BODY_{template}"], "every rate filled in"
        enabled = [e for e in EVENT_TYPES if e.name != "payment_subscriptions"]
        assert emitted == {e.name: (e.name, e.generator_interval, "1") for e in enabled}
        seed = {t: (t, i, "1") for t, i in SEED_INTERVALS.items() if t != "payment_subscriptions"}
        assert seed.items() <= emitted.items()

    return pulumi.Output.all(*(c.container_id for c in generators.containers.values())).apply(check)


def test_a_rate_change_touches_only_the_generators_that_use_it(stack_config):
    before = stack_config({}).problem_rates
    after = stack_config({"problemRates": {"missingPromoCode": 0.25}}).problem_rates
    # The template text is the container's input: unchanged text, unchanged container.
    assert render("payment_charges", before) == render("payment_charges", after)
    assert render("payment_subscriptions", before) != render("payment_subscriptions", after)
    assert "lt (integer 0 10000) 2500" in render("payment_subscriptions", after)  # 0.25 of 10,000


@pulumi.runtime.test
def test_images_carry_no_stack_label_since_every_stack_shares_them(mocks, stack_config):
    """Images are a build cache shared by stacks (and by the tests): a label of one stack on them would be
    inherited by every other stack's containers."""
    foundation, kafka = _stack(stack_config({}))

    def check(_):
        for name in ("foundation-base-image", "kafka-image"):
            labels = mocks.resources[name].inputs["labels"]
            assert labels == {"com.pulumi.project": "streaming-lakehouse"}, (name, labels)

    return pulumi.Output.all(foundation.base_image_ref, kafka.image.image_ref).apply(check)


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


@pulumi.runtime.test
def test_dagster_serves_its_ui_on_loopback_and_its_code_queries_trino_with_the_stacks_thresholds(mocks, program):
    dagster = program(
        {
            "namePrefix": "lh-unit",
            "dagster": {"port": 13000, "quarantineMaxPerHour": 250},
            "catalog": {"namespace": "pay"},
        }
    )["dagster"]

    def check(_):
        web, code, daemon = (mocks.resources[f"dagster-{n}"].inputs for n in ("webserver", "code", "daemon"))
        db = mocks.resources["dagster-db"].inputs
        assert dagster.url == "http://127.0.0.1:13000"
        assert [(p["internal"], p["external"], p["ip"]) for p in web["ports"]] == [(3000, 13000, "127.0.0.1")]
        assert not code.get("ports")
        assert not daemon.get("ports")
        assert not db.get("ports")
        # The code server is what the workspace names, and what runs the checks against Trino and dbt.
        assert code["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["dagster-code"]}]
        assert code["envs"]["LAKEHOUSE_TRINO_HOST"] == code["envs"]["DBT_TRINO_HOST"] == "trino"
        assert code["envs"]["LAKEHOUSE_QUARANTINE_MAX_PER_HOUR"] == "250"
        assert code["envs"]["LAKEHOUSE_NAMESPACE"] == code["envs"]["DBT_SOURCE_NAMESPACE"] == "pay"
        # Instance storage in a database and role of its own, its password only in secret_envs.
        assert (db["envs"]["POSTGRES_DB"], db["envs"]["POSTGRES_USER"]) == ("dagster", "dagster")
        assert db["volumes"][0]["volume_name"] == "lh-unit-dagster-data"
        for container in (web, code, daemon):
            assert container["envs"]["DAGSTER_PG_HOST"] == "dagster-db"
            assert set(unsecret(container["secret_envs"])) == {"DAGSTER_PG_PASSWORD"}

    return pulumi.Output.all(dagster.webserver.id, dagster.daemon.id, dagster.code_server_container).apply(check)


def test_without_trino_there_is_no_dagster(mocks, program):
    assert program({"trino": {"enabled": False}})["dagster"] is None
