"""The generators' settings, read once from the environment the stack gives their container:

- WEBHOOK_RECEIVER_URL: the receiver's base URL (`http://lakehouse-dev-webhook-receiver:8080`)
- WEBHOOK_GENERATORS: a JSON object of the enabled providers only,
  `{"stripe": {"rate_per_second": 2.0, "problems": {"REDELIVERY": 0.02}}, …}`, problem names those of
  payments.webhooks.DELIVERY_PROBLEMS that apply to the provider
- the enabled providers' secrets: STRIPE_WEBHOOK_SECRET; ADYEN_HMAC_KEY; BRAINTREE_MERCHANT_ID,
  BRAINTREE_PUBLIC_KEY, BRAINTREE_PRIVATE_KEY; CHECKOUT_WEBHOOK_SECRET
- optional: WEBHOOK_GENERATOR_SEED (a run's requests again, given the same clock), WEBHOOK_LEDGER_PATH
  (the ledger's file, /var/lib/webhook-generators/ledger.jsonl by default)
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from payments.webhooks import ADYEN, BRAINTREE, CHECKOUT, STRIPE
from webhooks.generators.adyen import AdyenGenerator
from webhooks.generators.braintree import BraintreeGenerator
from webhooks.generators.checkout import CheckoutGenerator
from webhooks.generators.core import ProviderGenerator
from webhooks.generators.stripe import StripeGenerator
from webhooks.settings import LEDGER_PATH

# The secrets each provider's generator signs with: environment variable -> its constructor's argument.
SECRETS: dict[str, dict[str, str]] = {
    STRIPE.name: {"STRIPE_WEBHOOK_SECRET": "secret"},
    ADYEN.name: {"ADYEN_HMAC_KEY": "hmac_key"},
    BRAINTREE.name: {
        "BRAINTREE_MERCHANT_ID": "merchant_id",
        "BRAINTREE_PUBLIC_KEY": "public_key",
        "BRAINTREE_PRIVATE_KEY": "private_key",
    },
    CHECKOUT.name: {"CHECKOUT_WEBHOOK_SECRET": "secret"},
}
_CLASSES: dict[str, type[ProviderGenerator]] = {
    STRIPE.name: StripeGenerator,
    ADYEN.name: AdyenGenerator,
    BRAINTREE.name: BraintreeGenerator,
    CHECKOUT.name: CheckoutGenerator,
}


class SettingsError(Exception):
    """The environment does not hold valid generator settings; the message names the variable."""


class ProviderRun(BaseModel):
    """One provider's entry of WEBHOOK_GENERATORS."""

    model_config = ConfigDict(extra="forbid")

    rate_per_second: float = Field(gt=0)
    problems: dict[str, float] = {}


@dataclass(frozen=True)
class GeneratorSettings:
    """What `python -m webhooks.generators` runs: the receiver, each enabled provider's rate and its
    generator (signing with its secrets), the seed and the ledger's path."""

    receiver_url: str
    runs: dict[str, ProviderRun]
    generators: dict[str, ProviderGenerator]
    seed: str
    ledger_path: Path


def load(environ: Mapping[str, str]) -> GeneratorSettings:
    """The settings in `environ` (os.environ). Raises SettingsError naming the variable that is missing or
    wrong; a secret's value never appears in the message."""
    url = environ.get("WEBHOOK_RECEIVER_URL", "")
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"WEBHOOK_RECEIVER_URL must be an http(s) URL, not {url!r}")
    try:
        raw = json.loads(environ.get("WEBHOOK_GENERATORS", ""))
        runs = {name: ProviderRun.model_validate(run) for name, run in raw.items()}
    except (ValueError, AttributeError, ValidationError) as exc:
        raise SettingsError(f"WEBHOOK_GENERATORS must be a JSON object of providers' runs: {exc}") from exc
    if unknown := sorted(set(runs) - set(_CLASSES)):
        raise SettingsError(f"WEBHOOK_GENERATORS names unknown providers {unknown} (known: {sorted(_CLASSES)})")
    seed = environ.get("WEBHOOK_GENERATOR_SEED") or secrets.token_hex(8)
    generators = {}
    for name, run in runs.items():
        missing = [variable for variable in SECRETS[name] if not environ.get(variable)]
        if missing:
            raise SettingsError(f"{name} is enabled in WEBHOOK_GENERATORS but {', '.join(missing)} is not set")
        keys = {argument: environ[variable] for variable, argument in SECRETS[name].items()}
        try:
            generators[name] = _CLASSES[name](problems=run.problems, seed=seed, **keys)
        except ValueError as exc:
            raise SettingsError(f"WEBHOOK_GENERATORS.{name}.problems: {exc}") from exc
    return GeneratorSettings(
        receiver_url=url,
        runs=runs,
        generators=generators,
        seed=seed,
        ledger_path=Path(environ.get("WEBHOOK_LEDGER_PATH") or LEDGER_PATH),
    )
