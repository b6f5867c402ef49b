"""The four payment event types: their fields, types and required references (the schema as code)."""

from __future__ import annotations

from dataclasses import dataclass

STRING = "STRING"
MONEY = "DECIMAL(10, 2)"
TIMESTAMP = "TIMESTAMP(3)"
INT = "INT"
BOOLEAN = "BOOLEAN"
JSON = "JSON"  # a nested object kept as its JSON text


@dataclass(frozen=True)
class Field:
    name: str
    type: str = STRING
    # JSON key when it is not a valid column name (`3ds_authenticated`, `interval`).
    key: str | None = None

    @property
    def json_path(self) -> str:
        return f"$.{self.key or self.name}" if (self.key or self.name)[0].isalpha() else f"$['{self.key}']"


@dataclass(frozen=True)
class EventType:
    name: str  # payment_charges
    fields: tuple[Field, ...]
    # (column, rejection reason) pairs: a NULL there sends the event to quarantine.
    required: tuple[tuple[str, str], ...]

    @property
    def topic(self) -> str:
        return self.name

    @property
    def bronze_table(self) -> str:
        return self.name

    @property
    def quarantine_table(self) -> str:
        return f"quarantine_{self.name}"


COMMON = (
    Field("event_id"),
    Field("event_type"),
    Field("provider"),
    Field("customer_id"),
    Field("merchant_id"),
    Field("amount", MONEY),
    Field("currency"),
    Field("created_at", TIMESTAMP),
    Field("updated_at", TIMESTAMP),
)
COMMON_REQUIRED = (("event_id", "MISSING_EVENT_ID"), ("customer_id", "MISSING_CUSTOMER_ID"))

CHARGES = EventType(
    "payment_charges",
    (
        *COMMON,
        Field("charge_id"),
        Field("status"),
        Field("failure_code"),
        Field("failure_message"),
        Field("payment_method_id"),
        Field("payment_method_type"),
        Field("card_brand"),
        Field("card_last4"),
        Field("card_exp_month", INT),
        Field("card_exp_year", INT),
        Field("card_country"),
        Field("billing_country"),
        Field("billing_postal_code"),
        Field("merchant_name"),
        Field("description"),
        Field("metadata", JSON),
        Field("risk_score", INT),
        Field("risk_level"),
        Field("three_ds_authenticated", BOOLEAN, key="3ds_authenticated"),
    ),
    COMMON_REQUIRED,
)
REFUNDS = EventType(
    "payment_refunds",
    (
        *COMMON,
        Field("refund_id"),
        Field("charge_id"),
        Field("status"),
        Field("reason"),
        Field("failure_reason"),
        Field("metadata", JSON),
    ),
    (*COMMON_REQUIRED, ("charge_id", "MISSING_CHARGE_ID")),
)
DISPUTES = EventType(
    "payment_disputes",
    (
        *COMMON,
        Field("dispute_id"),
        Field("charge_id"),
        Field("status"),
        Field("reason"),
        Field("evidence_due_by", TIMESTAMP),
        Field("is_charge_refundable", BOOLEAN),
        Field("network_reason_code"),
        Field("metadata", JSON),
    ),
    (*COMMON_REQUIRED, ("charge_id", "MISSING_CHARGE_ID")),
)
SUBSCRIPTIONS = EventType(
    "payment_subscriptions",
    (
        *COMMON,
        Field("subscription_id"),
        Field("plan_id"),
        Field("plan_name"),
        Field("billing_interval", key="interval"),
        Field("interval_count", INT),
        Field("status"),
        Field("cancel_at_period_end", BOOLEAN),
        Field("canceled_at", TIMESTAMP),
        Field("trial_start", TIMESTAMP),
        Field("trial_end", TIMESTAMP),
        Field("current_period_start", TIMESTAMP),
        Field("current_period_end", TIMESTAMP),
        Field("payment_method_id"),
        Field("metadata", JSON),
        Field("discount", JSON),
    ),
    (*COMMON_REQUIRED, ("plan_id", "MISSING_PLAN_ID")),
)

EVENT_TYPES = (CHARGES, REFUNDS, DISPUTES, SUBSCRIPTIONS)
