"""The `webhooks` section: the receiver's and the provider-native generators' defaults, and bad values refused
at preview naming the key."""

from __future__ import annotations

import pytest

from config import ConfigError
from payments.webhooks import DELIVERY_PROBLEMS, PROVIDERS, WEBHOOK_TOPICS, delivery_problems

KEY = "streaming-lakehouse:webhooks"
# camelCase config key -> problem name, as the stack file spells them.
CONFIG_KEYS = {"redelivery": "REDELIVERY", "outOfOrder": "OUT_OF_ORDER", "batch": "BATCH", "testMode": "TEST_MODE",
               "badSignature": "BAD_SIGNATURE", "staleSignature": "STALE_SIGNATURE", "oldApiVersion": "OLD_API_VERSION",
               "unusualDecimals": "UNUSUAL_DECIMALS"}  # fmt: skip


def _generators(settings):
    return {g.provider: g for g in settings.webhooks.generators}


def test_by_default_the_receiver_and_every_providers_generator_run(stack_config):
    w = stack_config({}).webhooks
    r = w.receiver
    assert (r.enabled, r.host_port, r.memory_mb, r.workers) == (True, 8090, 256, 1)
    assert (r.signature_tolerance_seconds, r.max_body_bytes, r.ack_timeout_ms) == (300, 262144, 10000)
    rates = {g.provider: (g.enabled, g.rate_per_second) for g in w.generators}
    assert rates == {"stripe": (True, 2.0), "adyen": (True, 1.0), "braintree": (True, 0.5), "checkout": (True, 0.5)}


def test_each_generator_has_its_providers_problems_at_their_default_rates(stack_config):
    generators = _generators(stack_config({}))
    assert list(generators) == [p.name for p in PROVIDERS]
    for p in PROVIDERS:
        assert generators[p.name].problem_rates == {d.name: d.default_rate for d in delivery_problems(p.name)}
    # Only Stripe signs a timestamp, only Adyen batches: a problem goes only to the providers it applies to.
    assert "STALE_SIGNATURE" in generators["stripe"].problem_rates
    assert "STALE_SIGNATURE" not in generators["adyen"].problem_rates
    assert "BATCH" in generators["adyen"].problem_rates
    assert "BATCH" not in generators["checkout"].problem_rates


def test_the_config_keys_are_the_problems_in_camel_case(stack_config):
    assert set(CONFIG_KEYS.values()) == {d.name for d in DELIVERY_PROBLEMS}, "a problem without a config key here"
    s = stack_config(
        {"webhooks": {"generators": {"stripe": {"problemRates": {k: 0.25 for k in CONFIG_KEYS if k != "batch"}}}}}
    )
    assert set(_generators(s)["stripe"].problem_rates.values()) == {0.25}


def test_rates_and_settings_from_the_stack_file_are_used(stack_config):
    s = stack_config(
        {"webhooks": {"receiver": {"hostPort": "18090", "workers": 2, "ackTimeoutMs": 2500},
                      "generators": {"adyen": {"ratePerSecond": "12.5", "problemRates": {"batch": 0.5}},
                                     "checkout": {"enabled": "false"}}}}
    )  # fmt: skip
    assert (s.webhooks.receiver.host_port, s.webhooks.receiver.workers, s.webhooks.receiver.ack_timeout_ms) == (
        18090,
        2,
        2500,
    )
    generators = _generators(s)
    assert generators["adyen"].rate_per_second == 12.5
    assert generators["adyen"].problem_rates["BATCH"] == 0.5
    assert generators["adyen"].problem_rates["REDELIVERY"] == 0.02, "the others keep their defaults"
    assert [g.provider for g in s.webhooks.enabled_generators()] == ["stripe", "adyen", "braintree"]


def test_with_the_receiver_off_the_generators_are_off_unless_set(stack_config):
    s = stack_config({"webhooks": {"receiver": {"enabled": False}}})
    assert s.webhooks.enabled_generators() == ()


def test_a_generator_set_on_needs_the_receiver(stack_config):
    with pytest.raises(ConfigError) as err:
        stack_config({"webhooks": {"receiver": {"enabled": False}, "generators": {"braintree": {"enabled": True}}}})
    assert str(err.value).startswith(f"{KEY}.generators.braintree.enabled: needs webhooks.receiver.enabled: true")


def test_the_webhook_topics_always_exist_and_can_be_tuned(stack_config):
    off = {t.name: t for t in stack_config({"webhooks": {"receiver": {"enabled": False}}}).kafka.topics}
    assert set(WEBHOOK_TOPICS) <= set(off), "a topic outlives the receiver: its records stay"
    s = stack_config({"kafka": {"topicPrefix": "ci."}, "topics": {"webhooks_stripe": {"partitions": 4}}})
    topics = {t.name: t for t in s.kafka.topics}
    assert {f"ci.{t}" for t in WEBHOOK_TOPICS} <= set(topics)
    assert topics["ci.webhooks_stripe"].partitions == 4
    assert topics["ci.webhooks_rejected"].partitions == 1


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"receiver": {"hostPort": 70000}}, "receiver.hostPort", "a TCP port number in 1..65535"),
        ({"receiver": {"hostPort": 8080}}, "receiver.hostPort", "already used by streaming-lakehouse:trino.port"),
        ({"receiver": {"memoryMb": 64}}, "receiver.memoryMb", "a memory limit in MiB"),
        ({"receiver": {"workers": 0}}, "receiver.workers", "a worker process count"),
        ({"receiver": {"signatureToleranceSeconds": "5m"}}, "receiver.signatureToleranceSeconds", "seconds"),
        ({"receiver": {"maxBodyBytes": 0}}, "receiver.maxBodyBytes", "a size in bytes"),
        ({"receiver": {"ackTimeoutMs": 10}}, "receiver.ackTimeoutMs", "a time in milliseconds"),
        ({"receiver": {"enabled": "maybe"}}, "receiver.enabled", "true or false"),
        ({"receiver": {"port": 8090}}, "receiver", "unknown field(s) port"),
        ({"generators": {"paypal": {}}}, "generators", "no webhook generator for paypal"),
        ({"generators": {"stripe": {"ratePerSecond": 0}}}, "generators.stripe.ratePerSecond", "above 0"),
        ({"generators": {"adyen": {"ratePerSecond": 10001}}}, "generators.adyen.ratePerSecond", "at most 10000"),
        ({"generators": {"adyen": {"ratePerSecond": "fast"}}}, "generators.adyen.ratePerSecond", "events per second"),
        ({"generators": {"checkout": {"enabled": 1}}}, "generators.checkout.enabled", "true or false"),
        (
            {"generators": {"stripe": {"problemRates": {"redelivery": 1.5}}}},
            "generators.stripe.problemRates.redelivery",
            "a fraction between 0 and 1",
        ),
        (
            {"generators": {"adyen": {"problemRates": {"staleSignature": 0.1}}}},
            "generators.adyen.problemRates",
            "not delivery problems of this provider's webhooks: staleSignature",
        ),
        (
            {"generators": {"checkout": {"problemRates": {"batch": 0.1, "testMode": 0.1}}}},
            "generators.checkout.problemRates",
            "not delivery problems of this provider's webhooks: batch, testMode",
        ),
    ],
)
def test_bad_values_name_the_key(stack_config, values, key, expected):
    with pytest.raises(ConfigError) as err:
        stack_config({"webhooks": values})
    assert str(err.value).startswith(f"{KEY}.{key}"), str(err.value)
    assert expected in str(err.value)


def test_the_receivers_port_is_free_when_it_is_off(stack_config):
    assert not stack_config({"webhooks": {"receiver": {"enabled": False, "hostPort": 8080}}}).webhooks.receiver.enabled
