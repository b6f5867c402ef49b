"""The `webhooks` section: the webhook edge (components/webhooks.py), a receiver that verifies the payment
providers' signatures and writes each accepted request's raw body to the provider's topic, and a generator
per provider that POSTs signed webhooks in that provider's own format to it, with the delivery problems
real providers cause. The providers, their problems and the problems' default rates are the domain's
(`payments/webhooks.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field, create_model, model_validator

from config.fields import Fraction, Port, Section, Switch, int_field, rate_field, rule
from payments.webhooks import (
    ADYEN,
    BRAINTREE,
    CHECKOUT,
    PROVIDERS,
    STALE_SIGNATURE_AGE_SECONDS,
    STRIPE,
    Provider,
    delivery_problems,
)

# Provider events generated per second by default: enough to see every kind and problem within minutes.
DEFAULT_RATES_PER_SECOND = {STRIPE.name: 2.0, ADYEN.name: 1.0, BRAINTREE.name: 0.5, CHECKOUT.name: 0.5}
_MAX_RATE_PER_SECOND = 10_000  # twice the receiver's throughput target: more only measures the generator

RatePerSecond = rate_field("events per second", _MAX_RATE_PER_SECOND)


class WebhookReceiverSettings(Section):
    """`webhooks.receiver`: the HTTP receiver of the providers' webhooks, one endpoint per provider
    (`/webhooks/<provider>`), `/health` and `/metrics`. It answers 2xx only once Kafka has the record, 401
    to a bad or stale signature (recorded on the rejected topic), 503 when Kafka cannot take it."""

    enabled: Switch = Field(
        True, description="run the receiver; false: no receiver and, unless set on, no webhook generators"
    )
    host_port: Port = Field(8090, description="host port of the receiver's HTTP endpoints")
    memory_mb: int_field("a memory limit in MiB", 128, 65536) = Field(
        256, description="the receiver's container memory limit (MiB)"
    )
    workers: int_field("a worker process count", 1, 64) = Field(
        1, description="HTTP server (uvicorn) worker processes; each has its own Kafka producer"
    )
    signature_tolerance_seconds: int_field("a number of seconds", 1, STALE_SIGNATURE_AGE_SECONDS - 1) = Field(
        300,
        description=(
            "how old a Stripe signature's signed timestamp may be (Stripe's own default is 300); an older one is"
            " refused as stale. Only Stripe signs a timestamp. Below the age of the generators' stale signatures"
        ),
    )
    max_body_bytes: int_field("a size in bytes", 1024, 16 * 1024 * 1024) = Field(
        262144, description="largest request body accepted; a larger one is answered 413 and not read"
    )
    # At most 30 s: the generators wait 40 s for an answer, so none they give up on is written.
    ack_timeout_ms: int_field("a time in milliseconds", 100, 30_000) = Field(
        10000,
        description=(
            "how long a request waits for Kafka's acknowledgement before the receiver answers 503 (the provider"
            " then retries)"
        ),
    )


class _ProblemRates(Section):
    unknown: ClassVar[str] = "not delivery problems of this provider's webhooks: {names}; its problems: {known}"


def _generator_model(provider: Provider) -> type[Section]:
    """`webhooks.generators.<provider>`: its switch, its rate, and the rate of each delivery problem its
    webhooks can have (and no other)."""
    problems = delivery_problems(provider.name)
    rates = create_model(
        f"{provider.name.title()}ProblemRates",
        __base__=_ProblemRates,
        __doc__=(
            f"`webhooks.generators.{provider.name}.problemRates`: how often {provider.title}'s generator injects each"
            " delivery problem its webhooks can have."
        ),
        **{
            d.name.lower(): (Fraction, Field(d.default_rate, description=f"fraction with it: {d.description}"))
            for d in problems
        },
    )
    return create_model(
        f"{provider.name.title()}Generator",
        __base__=Section,
        __doc__=(
            f"`webhooks.generators.{provider.name}`: {provider.title}'s webhooks in its own envelope, money,"
            " timestamps and vocabulary, signed with the stack's secret and POSTed to the receiver."
        ),
        enabled=(
            Switch,
            Field(
                True,
                description=(
                    "run this generator; unset: as `webhooks.receiver.enabled` (it posts to the receiver, so true"
                    " needs the receiver on)"
                ),
            ),
        ),
        rate_per_second=(
            RatePerSecond,
            Field(
                DEFAULT_RATES_PER_SECOND[provider.name],
                description=(
                    "new webhook requests per second (an Adyen batch carries several events; retries and"
                    " redeliveries come on top)"
                ),
            ),
        ),
        problem_rates=(rates, Field(default_factory=rates, description="the delivery problems' rates")),
    )


class _Generators(Section):
    unknown: ClassVar[str] = "no webhook generator for {names}; providers: {known}"


WebhookGenerators = create_model(
    "WebhookGenerators",
    __base__=_Generators,
    __doc__="`webhooks.generators`: one provider-native generator per payment provider, named as the provider is.",
    **{
        p.name: (model, Field(default_factory=model, alias=p.name, description=p.title))
        for p in PROVIDERS
        for model in [_generator_model(p)]
    },
)


class WebhooksConfig(Section):
    """`webhooks`: the webhook edge, a receiver of the payment providers' own webhooks and their generators."""

    receiver: WebhookReceiverSettings = Field(default_factory=WebhookReceiverSettings, description="the receiver")
    generators: WebhookGenerators = Field(
        default_factory=WebhookGenerators, description="the provider-native generators"
    )

    @model_validator(mode="before")
    @classmethod
    def _generators_follow_the_receiver(cls, data: Any) -> Any:
        # Unless set, a generator runs exactly when the receiver does: it has nowhere else to post.
        receiver, generators = (data or {}).get("receiver"), (data or {}).get("generators") or {}
        if not (isinstance(receiver, dict) and isinstance(generators, dict)):
            return data
        switch = receiver.get("enabled")
        if not (isinstance(switch, bool) or switch in ("true", "false")):
            return data  # unset, or refused as the receiver's own key alone
        follow = {
            name: {**(entry or {}), "enabled": switch}
            for p in PROVIDERS
            for name, entry in [(p.name, generators.get(p.name))]
            if entry is None or (isinstance(entry, dict) and "enabled" not in entry)
        }
        return {**data, "generators": {**generators, **follow}}

    @model_validator(mode="after")
    def _generators_need_the_receiver(self) -> WebhooksConfig:
        for p in PROVIDERS:
            if getattr(self.generators, p.name).enabled and not self.receiver.enabled:
                raise rule(
                    f"generators.{p.name}.enabled",
                    ": needs webhooks.receiver.enabled: true (the generator posts to the receiver)",
                )
        return self


@dataclass(frozen=True)
class WebhookGeneratorSettings:
    provider: str  # stripe
    enabled: bool
    rate_per_second: float  # new webhook requests per second
    problem_rates: dict[str, float]  # by delivery problem name (REDELIVERY): the provider's problems only


@dataclass(frozen=True)
class WebhooksSettings:
    receiver: WebhookReceiverSettings
    generators: tuple[WebhookGeneratorSettings, ...]  # one per provider, in PROVIDERS order

    def enabled_generators(self) -> tuple[WebhookGeneratorSettings, ...]:
        return tuple(g for g in self.generators if g.enabled)


def webhooks_settings(c: WebhooksConfig) -> WebhooksSettings:
    """The section as the components take it: each generator's problem rates by the problem's name."""
    generators = []
    for p in PROVIDERS:
        g = getattr(c.generators, p.name)
        rates = {d.name: getattr(g.problem_rates, d.name.lower()) for d in delivery_problems(p.name)}
        generators.append(WebhookGeneratorSettings(p.name, g.enabled, g.rate_per_second, rates))
    return WebhooksSettings(c.receiver, tuple(generators))
