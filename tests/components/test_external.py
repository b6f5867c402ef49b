"""Services the stack does not run (`<service>.external`): config refused naming the key, the composition
with no container and the same outputs, and each probe naming the address that does not answer."""

from __future__ import annotations

import socket
import time

import pulumi
import pytest

from components import external
from config import ConfigError
from payments.events import EVENT_TYPES
from payments.webhooks import WEBHOOK_TOPICS
from tests.components.conftest import unsecret
from tests.support import free_port

KAFKA = {"bootstrapServers": "127.0.0.1:9092", "engineBootstrapServers": "kafka:29092"}
S3 = {
    "endpoint": "http://127.0.0.1:9000",
    "engineEndpoint": "http://minio:9000",
    "bucket": "shared",
    "accessKeyId": "b",
}
CATALOG = {"uri": "http://127.0.0.1:8181/", "engineUri": "http://catalog:8181/", "warehouse": "w"}
FLINK = {"restUrl": "http://127.0.0.1:8081", "sqlGatewayUrl": "http://127.0.0.1:8083"}
SECRETS = {"s3SecretAccessKey": "s3-secret"}
NO_GENERATORS = {e.name: {"enabled": False} for e in EVENT_TYPES}
ALL_EXTERNAL = {
    "kafka": {"external": KAFKA, "topicPrefix": "b."},
    "minio": {"external": S3},
    "catalog": {"external": CATALOG, "namespace": "payments_b"},
    "flink": {"external": FLINK, "jobName": "payments-validation-b"},
    "trino": {"enabled": False},
    "generators": NO_GENERATORS,
    "webhooks": {"receiver": {"enabled": False}},
    **SECRETS,
}


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """The probes, recorded instead of run: these tests have nothing listening."""
    calls: list[tuple] = []
    for name in ("probe_kafka", "probe_s3", "probe_catalog", "probe_http"):
        monkeypatch.setattr(external, name, lambda *args, _name=name: calls.append((_name, *args)))
    return calls


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kafka": {"external": {}}}, "kafka.external.bootstrapServers: required (host:port"),
        ({"kafka": {"external": {"bootstrapServers": "kafka"}}}, "kafka.external.bootstrapServers: expected host:port"),
        (
            {"kafka": {"external": {**KAFKA, "securityProtocol": "SASL_SSL", "saslUsername": "u"}}},
            "kafka.external.saslMechanism: required with securityProtocol SASL_SSL",
        ),
        (
            {"kafka": {"external": {**KAFKA, "saslMechanism": "PLAIN"}}},
            "kafka.external.saslMechanism needs securityProtocol SASL_PLAINTEXT or SASL_SSL",
        ),
        (
            {"kafka": {"external": {**KAFKA, "securityProtocol": "TLS"}}},
            "kafka.external.securityProtocol: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
        ),
        (
            {
                "kafka": {
                    "external": {**KAFKA, "securityProtocol": "SASL_SSL", "saslMechanism": "PLAIN", "saslUsername": "u"}
                }
            },
            "kafkaSaslPassword: required with streaming-lakehouse:kafka.external.saslUsername",
        ),
        (
            {"kafka": {"external": {**KAFKA, "securityProtocol": "SSL", "caFile": "/nonexistent/ca.pem"}}},
            "kafka.external.caFile: cannot read /nonexistent/ca.pem",
        ),
        ({"minio": {"external": S3}}, "s3SecretAccessKey: required with streaming-lakehouse:minio.external"),
        ({"minio": {"external": {**S3, "endpoint": "minio:9000"}}}, "minio.external.endpoint: expected an http://"),
        ({"minio": {"external": {**S3, "bucket": None}}}, "minio.external.bucket: expected an S3 bucket name"),
        ({"catalog": {"external": {"uri": CATALOG["uri"]}}}, "catalog.external.warehouse: required"),
        ({"catalog": {"namespace": "payments db"}}, "catalog.namespace: expected letters, digits"),
        ({"flink": {"external": {"restUrl": FLINK["restUrl"]}}}, "flink.external.sqlGatewayUrl: required"),
        ({"flink": {"jobName": "a b"}}, "flink.jobName: expected letters, digits"),
        ({"kafka": {"topicPrefix": "b/"}}, "kafka.topicPrefix: expected letters, digits"),
    ],
)
def test_an_incomplete_or_wrong_external_endpoint_fails_naming_the_key(stack_config, values, message):
    with pytest.raises(ConfigError) as err:
        stack_config(values)
    assert f"streaming-lakehouse:{message}" in str(err.value)


def test_a_tls_ca_file_is_read_and_handed_on_as_pem(stack_config, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    s = stack_config({"kafka": {"external": {**KAFKA, "securityProtocol": "SSL", "caFile": str(ca)}}})
    assert s.kafka.security.librdkafka() == {"security.protocol": "ssl", "ssl.ca.pem": ca.read_text()}
    assert s.kafka.security.java() == {
        "security.protocol": "SSL",
        "ssl.truststore.type": "PEM",
        "ssl.truststore.certificates": ca.read_text(),
    }
    ca.write_text("not a certificate")
    with pytest.raises(ConfigError, match=r"kafka\.external\.caFile: .* holds no PEM certificate"):
        stack_config({"kafka": {"external": {**KAFKA, "securityProtocol": "SSL", "caFile": str(ca)}}})


def test_external_ports_are_not_checked_against_the_stacks_own(stack_config):
    # An external Kafka publishes no port of the stack's, so its unused hostPort clashes with nothing.
    stack_config({"kafka": {"external": KAFKA, "hostPort": 8081}})
    with pytest.raises(ConfigError, match="already used"):
        stack_config({"kafka": {"hostPort": 8081}})


@pulumi.runtime.test
def test_an_all_external_stack_runs_no_container_and_declares_its_topics_tables_and_job(mocks, program, probes):
    ns = program(ALL_EXTERNAL)

    def check(_):
        kinds = {r.typ.rsplit(":", 1)[-1] for r in mocks.resources.values()}
        assert not kinds & {"Container", "Network", "Volume", "Image", "BaseImage", "S3Bucket", "IamUser"}, kinds
        topics = sorted(r.inputs["name"] for r in mocks.resources.values() if r.typ.endswith(":Topic"))
        assert topics == sorted(f"b.{t}" for t in (*(e.topic for e in EVENT_TYPES), *WEBHOOK_TOPICS)), "prefixed"
        assert all(
            r.inputs["bootstrap_servers"] == "127.0.0.1:9092"
            for r in mocks.resources.values()
            if r.typ.endswith(":Topic")
        ), "topics are managed from this machine"
        tables = [r.inputs for r in mocks.resources.values() if r.typ.endswith(":Table")]
        assert len(tables) == 2 * len(EVENT_TYPES)
        assert {(t["namespace"], t["catalog_uri"], t["warehouse"]) for t in tables} == {
            ("payments_b", CATALOG["uri"], "w")
        }
        job = mocks.resources["validation-job"].inputs
        assert job["name"] == "payments-validation-b"
        assert (job["rest_url"], job["sql_gateway_url"]) == (FLINK["restUrl"], FLINK["sqlGatewayUrl"])
        connections = "\n".join(job["connections"])
        for e in EVENT_TYPES:
            assert f"'topic' = 'b.{e.topic}'" in connections, "the engines read the prefixed topics"
        assert "'properties.bootstrap.servers' = 'kafka:29092'" in connections, "as the engines reach Kafka"
        assert "'uri' = 'http://catalog:8181/'" in connections, "as the engines reach the catalog"
        assert "'properties.group.id' = 'lakehouse-unit-payments-validation-b'" in connections
        assert all(i.split()[2].startswith("lakehouse.payments_b.") for i in job["inserts"])
        store = unsecret(job["state_store"])  # it holds the secret key
        assert (store["endpoint"], store["bucket"], store["access_key"]) == ("http://127.0.0.1:9000", "shared", "b")
        assert store["secret_key"] == "s3-secret"
        assert not [k for k in mocks.resources if k.startswith(("trino", "dbt", "generators-"))]
        probed = sorted((c[0], c[1]) for c in probes)
        assert probed == [
            ("probe_catalog", "catalog.external.uri"),
            ("probe_http", "flink.external.restUrl"),
            ("probe_http", "flink.external.sqlGatewayUrl"),
            ("probe_kafka", "kafka.external.bootstrapServers"),
            ("probe_s3", "minio.external.endpoint"),
        ]

    return ns["validation"].job_id.apply(check)


@pulumi.runtime.test
def test_credentials_reach_every_client_only_as_secrets(mocks, program, probes):
    sasl = {"securityProtocol": "SASL_SSL", "saslMechanism": "SCRAM-SHA-512", "saslUsername": "lakehouse"}
    ns = program(
        {
            **ALL_EXTERNAL,
            "kafka": {"external": {**KAFKA, **sasl}},
            "catalog": {"external": {**CATALOG, "scope": "PRINCIPAL_ROLE:ALL"}},
            "generators": {},  # on, producing to the external Kafka
            "trino": {"enabled": True},
            "kafkaSaslPassword": "kafka-pw",
            "catalogCredential": "client:catalog-pw",
        }
    )

    def check(_):
        topic = next(r.inputs for r in mocks.resources.values() if r.typ.endswith(":Topic"))
        assert unsecret(topic["client_config"]) == {
            "security.protocol": "sasl_ssl",
            "sasl.mechanisms": "SCRAM-SHA-512",
            "sasl.username": "lakehouse",
            "sasl.password": "kafka-pw",
        }
        connections = "\n".join(unsecret(mocks.resources["validation-job"].inputs["connections"]))
        assert (
            "'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.scram."
            'ScramLoginModule required username="lakehouse" password="kafka-pw";\'' in connections
        )
        assert "'credential' = 'client:catalog-pw'" in connections
        assert "kafka-pw" not in "\n".join(mocks.resources["validation-job"].inputs["setup"])
        table = next(r.inputs for r in mocks.resources.values() if r.typ.endswith(":Table"))
        assert unsecret(table["catalog_properties"]) == {
            "credential": "client:catalog-pw",
            "scope": "PRINCIPAL_ROLE:ALL",
        }
        payments = mocks.resources["generators-payments"].inputs
        assert payments["envs"]["KAFKA_BOOTSTRAP"] == "kafka:29092"
        assert "sasl.password=kafka-pw" in unsecret(payments["secret_envs"])["KAFKA_EXTRA_PROPERTIES"]
        assert not any("kafka-pw" in str(v) for v in payments["envs"].values())
        trino = mocks.resources["trino-server"].inputs
        assert "iceberg.rest-catalog.security=OAUTH2" in trino["envs"]["ICEBERG_PROPERTIES_EXTRA"]
        assert unsecret(trino["secret_envs"])["ICEBERG_OAUTH2_CREDENTIAL"] == "client:catalog-pw"
        assert not any("catalog-pw" in str(v) for v in trino["envs"].values())

    containers = [c.container_id for c in ns["generators"].containers.values()]
    return pulumi.Output.all(ns["validation"].job_id, ns["trino"].container_name, *containers).apply(check)


def _closed_port() -> int:
    port = free_port()
    with socket.socket() as s:  # nothing listens: the port is free and stays closed
        assert s.connect_ex(("127.0.0.1", port)) != 0
    return port


@pytest.mark.parametrize(
    ("probe", "key"),
    [
        (
            lambda a: external.probe_http("flink.external.restUrl", "Flink JobManager", f"http://{a}", "/config"),
            "flink",
        ),
        (lambda a: external.probe_catalog("catalog.external.uri", f"http://{a}/iceberg/", "w", {}), "catalog"),
        (lambda a: external.probe_s3("minio.external.endpoint", f"http://{a}", "us-east-1", "b", "k", "s"), "minio"),
        (lambda a: external.probe_kafka("kafka.external.bootstrapServers", a, external.KafkaClientSecurity()), "kafka"),
    ],
)
def test_a_closed_port_fails_the_probe_naming_the_key_and_the_address(probe, key):
    address = f"127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(external.EndpointUnreachableError) as err:
        probe(address)
    assert str(err.value).startswith(f"streaming-lakehouse:{key}.external.")
    assert address in str(err.value)
    assert time.monotonic() - started < 3 * external.TIMEOUT_S, "a preview waits seconds, not minutes"
