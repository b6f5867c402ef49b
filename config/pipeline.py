"""The `validation`, `generators` and `problemRates` sections: the rules' settings, the JR generators of
each event type and the rates of the problems they inject. The defaults are the domain's (`payments/`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field, create_model, model_validator

from config.fields import DURATION, Currency, Form, Fraction, Section, Switch, int_field, rule, text_field
from payments.currencies import MINOR_UNITS
from payments.events import EVENT_TYPES, MONEY, MONEY_SCALE
from payments.problems import DEFAULT_RATES
from payments.validation import ValidationSettings

# Bronze stores DECIMAL(10, 2): a larger bound would let through amounts it cannot hold.
_AMOUNT_BOUND = Decimal("100000000")


class ValidationConfig(Section):
    """`validation`: the settings of the validation job's rules (the rules: flink_jobs/README.md)."""

    currencies: Annotated[list[Currency], Field(min_length=1), Form("a list of 3-letter ISO currency codes")] = Field(
        list(ValidationSettings().currencies),
        description=(
            "accepted ISO 4217 currencies with at most 2 decimals (bronze's scale), matched in ASCII whatever the"
            " case; others are quarantined as `INVALID_CURRENCY`"
        ),
    )
    max_amount: Annotated[
        Decimal,
        Field(gt=0, lt=_AMOUNT_BOUND, allow_inf_nan=False),
        Form(f"a positive amount below {_AMOUNT_BOUND} (bronze holds DECIMAL(10, 2))"),
    ] = Field(
        ValidationSettings().max_amount,
        description=(
            "amounts above it are quarantined as `INVALID_AMOUNT_TOO_LARGE`; amounts are stored as sent, never"
            " rounded (one finer than its currency's minor unit is `INVALID_AMOUNT_PRECISION`)"
        ),
    )

    @model_validator(mode="after")
    def _currencies_bronze_holds(self) -> ValidationConfig:
        # An accepted amount is stored as sent, never rounded: its currency's minor unit must fit bronze's.
        for code in self.currencies:
            if code not in MINOR_UNITS:
                raise rule("currencies", f": {code} is not an ISO 4217 currency code")
            if MINOR_UNITS[code] > MONEY_SCALE:
                raise rule(
                    "currencies",
                    f": {code} has {MINOR_UNITS[code]} decimals (ISO 4217 minor unit), more than bronze's"
                    f" {MONEY} holds",
                )
        return self


class GeneratorConfig(Section):
    """`generators.<type>`: the JR generator of one event type."""

    enabled: Switch = Field(True, description="run this generator; refunds and disputes need charges on")
    interval: text_field("a duration such as 500ms, 2s or 1m", DURATION) | None = Field(
        None, description="time between batches; unset: the event type's interval"
    )
    events_per_interval: int_field("an event count", 1, 100_000) = Field(1, description="events per batch")


@dataclass(frozen=True)
class GeneratorSettings:
    event_type: str  # payment_charges
    enabled: bool
    interval: str  # JR frequency between events, e.g. 500ms
    events_per_interval: int


class _Generators(Section):
    """`generators`: one entry per event type, named as the type is."""

    unknown: ClassVar[str] = "no generator for {names}"

    @model_validator(mode="after")
    def _referenced_types_generated(self) -> _Generators:
        # A type that refers to emitted events of another (refunds to charges) needs that one's generator.
        for event in EVENT_TYPES:
            for target in event.references:
                if getattr(self, event.name).enabled and not getattr(self, target.name).enabled:
                    raise rule(
                        f"{event.name}.enabled",
                        f": {event.name} references emitted {target.entity}s, so it needs"
                        f" generators.{target.name}.enabled: true (or set this one to false too)",
                    )
        return self


Generators = create_model(
    "Generators",
    __base__=_Generators,
    **{e.name: (GeneratorConfig, Field(default_factory=GeneratorConfig, alias=e.name)) for e in EVENT_TYPES},
)
# `problemRates`: each template problem's rate by its camelCase name (nullVariation for NULL_VARIATION).
ProblemRates = create_model(
    "ProblemRates",
    __base__=Section,
    __doc__="`problemRates`: how often the generators inject each data-quality problem, drawn per event.",
    **{
        key.lower(): (Fraction, Field(default, description="fraction of events with this problem"))
        for key, default in DEFAULT_RATES.items()
    },
)
