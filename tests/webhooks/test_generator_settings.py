"""The generators' settings from the environment: each enabled provider's rate, problems and secrets;
a wrong value is refused naming its variable, never showing a secret."""

from __future__ import annotations

import json

import pytest

from tests.webhooks.support import (
    ADYEN_KEY,
    BRAINTREE_MERCHANT,
    BRAINTREE_PRIVATE,
    BRAINTREE_PUBLIC,
    CHECKOUT_SECRET,
    STRIPE_SECRET,
)
from webhooks.generators.adyen import AdyenGenerator
from webhooks.generators.settings import SettingsError, load
from webhooks.generators.stripe import StripeGenerator
from webhooks.settings import LEDGER_PATH

SECRETS = {
    "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
    "ADYEN_HMAC_KEY": ADYEN_KEY,
    "BRAINTREE_MERCHANT_ID": BRAINTREE_MERCHANT,
    "BRAINTREE_PUBLIC_KEY": BRAINTREE_PUBLIC,
    "BRAINTREE_PRIVATE_KEY": BRAINTREE_PRIVATE,
    "CHECKOUT_WEBHOOK_SECRET": CHECKOUT_SECRET,
}


def environment(generators: object, **extra: str) -> dict[str, str]:
    return {
        "WEBHOOK_RECEIVER_URL": "http://lakehouse-dev-webhook-receiver:8080",
        "WEBHOOK_GENERATORS": generators if isinstance(generators, str) else json.dumps(generators),
        **SECRETS,
        **extra,
    }


def test_only_the_enabled_providers_run_at_their_rates_with_their_problems():
    settings = load(
        environment(
            {
                "stripe": {"rate_per_second": 2.0, "problems": {"OLD_API_VERSION": 1.0}},
                "adyen": {"rate_per_second": 0.5},
            },
            WEBHOOK_GENERATOR_SEED="11",
        )
    )
    assert settings.receiver_url == "http://lakehouse-dev-webhook-receiver:8080"
    assert {name: run.rate_per_second for name, run in settings.runs.items()} == {"stripe": 2.0, "adyen": 0.5}
    assert isinstance(settings.generators["stripe"], StripeGenerator)
    assert isinstance(settings.generators["adyen"], AdyenGenerator)
    assert b"2025-02-24.acacia" in settings.generators["stripe"].next_request().body
    assert settings.ledger_path == LEDGER_PATH
    assert settings.seed == "11"


def test_a_run_without_a_seed_draws_one():
    first = load(environment({"checkout": {"rate_per_second": 1}}))
    second = load(environment({"checkout": {"rate_per_second": 1}}))
    assert first.seed != second.seed


@pytest.mark.parametrize(
    ("generators", "unset", "named"),
    [
        ({"stripe": {"rate_per_second": 0}}, None, "WEBHOOK_GENERATORS"),
        ({"stripe": {"rate": 1}}, None, "WEBHOOK_GENERATORS"),
        ("not json", None, "WEBHOOK_GENERATORS"),
        ({"paypal": {"rate_per_second": 1}}, None, "paypal"),
        ({"stripe": {"rate_per_second": 1, "problems": {"BATCH": 0.2}}}, None, "WEBHOOK_GENERATORS.stripe.problems"),
        ({"adyen": {"rate_per_second": 1, "problems": {"BATCH": 2}}}, None, "WEBHOOK_GENERATORS.adyen.problems"),
        ({"braintree": {"rate_per_second": 1}}, "BRAINTREE_PRIVATE_KEY", "BRAINTREE_PRIVATE_KEY"),
    ],
)
def test_a_wrong_setting_is_refused_naming_its_variable(generators, unset, named):
    env = environment(generators)
    env.pop(unset or "", None)
    with pytest.raises(SettingsError, match=named) as refused:
        load(env)
    assert all(secret not in str(refused.value) for secret in SECRETS.values() if len(secret) > 16)


def test_the_receiver_url_must_be_http():
    with pytest.raises(SettingsError, match="WEBHOOK_RECEIVER_URL"):
        load({**environment({}), "WEBHOOK_RECEIVER_URL": "lakehouse-dev-webhook-receiver:8080"})
