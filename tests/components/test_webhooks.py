"""The webhook edge as the program declares it: the receiver's port, image and environment, the signing
secrets, the generators' settings, what waits for what, and nothing at all when it is off (Pulumi mocks,
no Docker)."""

from __future__ import annotations

import json
import re

import pulumi

from components import external
from payments.webhooks import PROVIDERS, WEBHOOK_TOPICS, delivery_problems
from tests.components.conftest import unsecret
from tests.components.test_external import ALL_EXTERNAL
from webhooks.settings import ReceiverSettings

# The signing secrets' forms (the environment contract the receiver and the generators read).
SECRET_FORMS = {
    "STRIPE_WEBHOOK_SECRET": r"whsec_[0-9a-f]{48}",
    "ADYEN_HMAC_KEY": r"[0-9a-f]{64}",
    "BRAINTREE_PUBLIC_KEY": r"[0-9a-f]{32}",
    "BRAINTREE_PRIVATE_KEY": r"[0-9a-f]{32}",
    "CHECKOUT_WEBHOOK_SECRET": r"[0-9a-f]{64}",
}


def _both(names) -> pulumi.Output:
    """Known once the receiver's and the generators' containers are both declared."""
    return pulumi.Output.all(names["webhook_receiver"].url, names["webhook_generators"].container_name)


def _containers(mocks):
    return {r.name: r.inputs for r in mocks.resources.values() if r.typ.endswith(":Container")}


@pulumi.runtime.test
def test_the_receiver_is_published_on_the_bind_address_with_the_environment_contract(mocks, program):
    edge = program(
        {"namePrefix": "lh-unit", "kafka": {"topicPrefix": "ci."},
         "webhooks": {"receiver": {"hostPort": 18090, "memoryMb": 512, "workers": 2, "signatureToleranceSeconds": 60,
                                   "maxBodyBytes": 65536, "ackTimeoutMs": 2500}}}
    )["webhook_receiver"]  # fmt: skip

    def check(urls):
        url, internal_url = urls
        assert url == "http://127.0.0.1:18090"
        assert internal_url == "http://lh-unit-webhook-receiver:8080"
        server = _containers(mocks)["webhook-receiver-server"]
        assert server["name"] == "lh-unit-webhook-receiver"
        assert server["ports"] == [{"internal": 8080, "external": 18090, "ip": "127.0.0.1", "protocol": "tcp"}]
        assert server["command"] == ["python", "-m", "webhooks.receiver"]
        envs = server["envs"]
        assert {k: v for k, v in envs.items() if k != "BRAINTREE_MERCHANT_ID"} == {
            "KAFKA_BOOTSTRAP": "kafka:29092",
            "WEBHOOK_TOPIC_PREFIX": "ci.",
            "WEBHOOK_SIGNATURE_TOLERANCE_SECONDS": "60",
            "WEBHOOK_MAX_BODY_BYTES": "65536",
            "WEBHOOK_ACK_TIMEOUT_MS": "2500",
            "WEBHOOK_WORKERS": "2",
        }
        assert re.fullmatch(r"[0-9a-f]{16}", envs["BRAINTREE_MERCHANT_ID"])
        assert set(unsecret(server["secret_envs"])) == set(SECRET_FORMS), "no Kafka secret with a PLAINTEXT broker"
        assert server["memory"] == 512
        assert server["restart"] == "unless-stopped"
        assert server["healthcheck"]["tests"] == ["CMD", "/opt/webhooks/bin/healthcheck"]
        assert server["networks_advanced"] == [{"name": "lh-unit-net", "aliases": []}]
        assert server["labels"]["com.pulumi.stack"] == "unit"

    return pulumi.Output.all(edge.url, edge.internal_url).apply(check)


@pulumi.runtime.test
def test_the_image_is_built_from_the_repository_root_on_the_stack_base_image(mocks, program):
    names = program({})

    def check(_):
        image = mocks.resources["webhook-receiver-image"].inputs
        assert image["build"]["context"] == "."
        assert image["build"]["dockerfile"] == "images/webhooks/Dockerfile"
        assert image["build"]["args"] == {"BASE_IMAGE": "foundation-base-image:mock"}
        containers = _containers(mocks)
        assert containers["webhook-receiver-server"]["image"] == "webhook-receiver-image:mock"
        assert containers["webhook-generators-process"]["image"] == "webhook-receiver-image:mock", "one image"

    return _both(names).apply(check)


@pulumi.runtime.test
def test_the_signing_secrets_are_generated_in_each_providers_form_and_stay_secret(mocks, program):
    names = program({})
    secrets = names["webhook_receiver"].signing_secrets

    def check(args):
        exported, exported_is_secret, _ = args
        assert exported_is_secret, "webhook_secrets is exported as a secret"
        containers = _containers(mocks)
        server, generators = containers["webhook-receiver-server"], containers["webhook-generators-process"]
        secrets = unsecret(server["secret_envs"])
        for env, form in SECRET_FORMS.items():
            assert re.fullmatch(form, secrets[env]), (env, secrets[env])
        assert len(set(secrets.values())) == len(secrets), "a key of its own for each"
        assert unsecret(generators["secret_envs"]) == secrets, "the generators sign with the receiver's secrets"
        assert exported == {**secrets, "BRAINTREE_MERCHANT_ID": server["envs"]["BRAINTREE_MERCHANT_ID"]}
        plain = json.dumps([server["envs"], generators["envs"]])
        assert not [env for env, value in secrets.items() if value in plain], "a secret in a plain variable"
        # Kept encrypted in the state as well, not only marked secret in this program.
        generated = [r for r in mocks.resources.values() if r.typ.endswith(":RandomId")]
        assert len(generated) == len(SECRET_FORMS)

    return pulumi.Output.all(secrets, pulumi.Output.from_input(secrets.is_secret()), _both(names)).apply(check)


@pulumi.runtime.test
def test_the_generators_get_the_enabled_providers_rates_and_their_problems(mocks, program):
    generators = program(
        {"namePrefix": "lh-unit",
         "webhooks": {"generators": {"adyen": {"enabled": False},
                                     "stripe": {"ratePerSecond": 5, "problemRates": {"redelivery": 0.1}}}}}
    )["webhook_generators"]  # fmt: skip

    def check(name):
        assert name == "lh-unit-webhook-generators"
        process = _containers(mocks)["webhook-generators-process"]
        assert process["name"] == "lh-unit-webhook-generators"
        assert process["command"] == ["python", "-m", "webhooks.generators"]
        assert process["envs"]["WEBHOOK_RECEIVER_URL"] == "http://lh-unit-webhook-receiver:8080"
        spec = json.loads(process["envs"]["WEBHOOK_GENERATORS"])
        assert list(spec) == ["stripe", "braintree", "checkout"], "the enabled ones only"
        assert {p: s["rate_per_second"] for p, s in spec.items()} == {"stripe": 5.0, "braintree": 0.5, "checkout": 0.5}
        for provider, s in spec.items():
            assert set(s["problems"]) == {d.name for d in delivery_problems(provider)}, provider
        assert spec["stripe"]["problems"]["REDELIVERY"] == 0.1
        assert spec["stripe"]["problems"]["STALE_SIGNATURE"] == 0.005, "a default rate"
        assert process["volumes"] == [
            {
                "container_path": "/var/lib/webhook-generators",
                "volume_name": "lh-unit-webhook-generators-data",
                "read_only": False,
            }
        ]
        assert process["memory"] == 256
        assert process["networks_advanced"] == [{"name": "lh-unit-net", "aliases": []}]

    return generators.container_name.apply(check)


@pulumi.runtime.test
def test_the_receiver_waits_for_its_topics_and_the_generators_for_the_receiver(mocks, program):
    names = program({"kafka": {"topicPrefix": "ci."}})

    def check(_):
        topics = {f"kafka-topic-ci.{t}" for t in WEBHOOK_TOPICS}
        assert topics <= mocks.dependencies["webhook-receiver-server"]
        assert "webhook-receiver-server" in mocks.dependencies["webhook-generators-process"]

    return _both(names).apply(check)


@pulumi.runtime.test
def test_nothing_of_the_edge_is_created_when_the_receiver_is_off(mocks, program):
    names = program({"webhooks": {"receiver": {"enabled": False}}})
    assert names["webhook_receiver"] is None
    assert names["webhook_generators"] is None

    def check(_):
        assert [r for r in mocks.resources if r.startswith("webhook")] == []
        assert [r for r in mocks.resources.values() if r.typ.endswith(":RandomId")] == []

    return names["kafka"].bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_with_every_generator_off_only_the_receiver_runs(mocks, program):
    names = program({"webhooks": {"generators": {p.name: {"enabled": False} for p in PROVIDERS}}})
    assert names["webhook_generators"] is None

    def check(_):
        assert [r for r in mocks.resources if r.startswith("webhook-generators")] == []
        assert "webhook-receiver-server" in mocks.resources

    return names["webhook_receiver"].url.apply(check)


@pulumi.runtime.test
def test_with_an_external_kafka_the_receiver_connects_with_its_security_the_password_only_secret(
    mocks, program, monkeypatch, tmp_path
):
    monkeypatch.setattr(external, "probe_kafka", lambda *args: None)  # nothing listens here
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    sasl = {"securityProtocol": "SASL_SSL", "saslMechanism": "PLAIN", "saslUsername": "edge", "caFile": str(ca)}
    edge = program(
        {"kafka": {"external": {"bootstrapServers": "127.0.0.1:9092", "engineBootstrapServers": "broker:9093", **sasl}},
         "kafkaSaslPassword": "kafka-pw"}
    )["webhook_receiver"]  # fmt: skip

    def check(_):
        server = _containers(mocks)["webhook-receiver-server"]
        assert server["envs"]["KAFKA_BOOTSTRAP"] == "broker:9093", "as containers reach the brokers"
        assert server["envs"]["KAFKA_CA_PEM"] == ca.read_text()
        extra = unsecret(server["secret_envs"])["KAFKA_EXTRA_PROPERTIES"].splitlines()
        assert sorted(extra) == [
            "sasl.mechanisms=PLAIN",
            "sasl.password=kafka-pw",
            "sasl.username=edge",
            "security.protocol=sasl_ssl",
        ]
        assert "kafka-pw" not in json.dumps(server["envs"])

    return edge.url.apply(check)


@pulumi.runtime.test
def test_the_receiver_starts_with_the_environment_it_is_given(mocks, program):
    """What the container gets is what webhooks/settings.py accepts: a missing or malformed variable would
    stop the receiver at start."""
    edge = program({"kafka": {"topicPrefix": "ci."}, "webhooks": {"receiver": {"workers": 3}}})["webhook_receiver"]

    def check(_):
        server = _containers(mocks)["webhook-receiver-server"]
        settings = ReceiverSettings.from_env({**server["envs"], **unsecret(server["secret_envs"])})
        assert (settings.topic("webhooks_adyen"), settings.workers) == ("ci.webhooks_adyen", 3)

    return edge.url.apply(check)


@pulumi.runtime.test
def test_a_stack_of_external_services_still_runs_the_receiver_on_its_own_network(mocks, program, monkeypatch):
    for probe in ("probe_kafka", "probe_s3", "probe_catalog", "probe_http"):
        monkeypatch.setattr(external, probe, lambda *args: None)  # nothing listens here
    edge = program({**ALL_EXTERNAL, "webhooks": {}})["webhook_receiver"]

    def check(_):
        kinds = sorted(r.typ.rsplit(":", 1)[-1] for r in mocks.resources.values() if r.name.startswith("foundation-"))
        assert kinds == ["BaseImage", "Network"]
        server = _containers(mocks)["webhook-receiver-server"]
        assert server["networks_advanced"] == [{"name": "lakehouse-unit-net", "aliases": []}]
        assert (server["envs"]["KAFKA_BOOTSTRAP"], server["envs"]["WEBHOOK_TOPIC_PREFIX"]) == ("kafka:29092", "b.")

    return edge.url.apply(check)
