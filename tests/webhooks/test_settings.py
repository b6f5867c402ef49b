"""The receiver's settings from its environment: every variable of the contract is required (the optional
Kafka security ones aside), a bad one fails naming it, and no secret is ever shown."""

from __future__ import annotations

import pytest

from tests.webhooks.signing import receiver_env
from webhooks.settings import ReceiverSettings, SettingsError

SECRETS = (
    "STRIPE_WEBHOOK_SECRET",
    "ADYEN_HMAC_KEY",
    "BRAINTREE_PUBLIC_KEY",
    "BRAINTREE_PRIVATE_KEY",
    "CHECKOUT_WEBHOOK_SECRET",
)


def test_the_contracts_environment_reads():
    s = ReceiverSettings.from_env(receiver_env(WEBHOOK_TOPIC_PREFIX="", WEBHOOK_WORKERS="2"))
    assert s.workers == 2
    assert s.topic("webhooks_stripe") == "webhooks_stripe"
    assert s.kafka_properties() == {}
    assert s.kafka_ca_pem is None


@pytest.mark.parametrize(
    "name",
    [
        "KAFKA_BOOTSTRAP",
        "WEBHOOK_TOPIC_PREFIX",
        "WEBHOOK_SIGNATURE_TOLERANCE_SECONDS",
        "WEBHOOK_MAX_BODY_BYTES",
        "WEBHOOK_ACK_TIMEOUT_MS",
        "WEBHOOK_WORKERS",
        "BRAINTREE_MERCHANT_ID",
        *SECRETS,
    ],
)
def test_a_missing_variable_fails_naming_it(name):
    env = receiver_env()
    del env[name]
    with pytest.raises(SettingsError, match=f"{name} is not set"):
        ReceiverSettings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEBHOOK_WORKERS", "0"),
        ("WEBHOOK_ACK_TIMEOUT_MS", "5s"),
        ("WEBHOOK_MAX_BODY_BYTES", "-1"),
        ("KAFKA_BOOTSTRAP", "kafka"),
        ("WEBHOOK_TOPIC_PREFIX", "dev/"),
        ("KAFKA_CA_PEM", "not a certificate"),
    ],
)
def test_a_bad_value_fails_naming_the_variable_and_the_value(name, value):
    with pytest.raises(SettingsError) as bad:
        ReceiverSettings.from_env(receiver_env(**{name: value}))
    assert f"{name}: expected" in str(bad.value)
    assert repr(value) in str(bad.value)


@pytest.mark.parametrize("name", SECRETS)
def test_a_malformed_secret_fails_without_showing_it(name):
    value = "whsec_" + "g" * 48 if name == "STRIPE_WEBHOOK_SECRET" else "0123456789abcdef" * 3 + "zz"
    with pytest.raises(SettingsError) as bad:
        ReceiverSettings.from_env(receiver_env(**{name: value}))
    assert f"{name}: expected" in str(bad.value)
    assert value not in str(bad.value)


def test_secrets_are_in_no_repr():
    env = receiver_env(KAFKA_EXTRA_PROPERTIES="sasl.password=hunter2-kafka")
    shown = repr(ReceiverSettings.from_env(env)) + str(ReceiverSettings.from_env(env))
    for name in (*SECRETS, "KAFKA_EXTRA_PROPERTIES"):
        assert env[name] not in shown
    assert "hunter2-kafka" not in shown


def test_kafka_extra_properties_are_key_value_lines():
    env = receiver_env(KAFKA_EXTRA_PROPERTIES="# security\nsecurity.protocol = SASL_SSL\n\nsasl.password=a=b\n")
    assert ReceiverSettings.from_env(env).kafka_properties() == {
        "security.protocol": "SASL_SSL",
        "sasl.password": "a=b",
    }


def test_a_malformed_kafka_property_line_fails_at_start_without_its_text():
    env = receiver_env(KAFKA_EXTRA_PROPERTIES="security.protocol=SASL_SSL\nhunter2-kafka")
    with pytest.raises(SettingsError, match="KAFKA_EXTRA_PROPERTIES: line 2 is not key=value") as bad:
        ReceiverSettings.from_env(env)
    assert "hunter2" not in str(bad.value)
