"""The payment event types, each declared once: its name (also its topic, bronze table, JR template and
golden file), fields and their types, required fields with the rejection reason for each, the types whose
emitted events it refers to, and its generator's default interval.

Config, generators, catalog tables, the SQL and JR renderers, tests and bench all derive from
`EVENT_TYPES`. A new event type is one more `EventType` here, plus `jr_templates/<name>.tpl` and
`payments/golden/<name>.yaml`; `make dbt-artifacts` then rewrites the dbt files generated from this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Field types, as Flink SQL spells them.
STRING = "STRING"
# Bronze money: cents at most, so a currency with more decimals (KWD, 3) cannot be stored (config refuses it).
MONEY_SCALE = 2
MONEY = f"DECIMAL(10, {MONEY_SCALE})"
TIMESTAMP = "TIMESTAMP(3)"
INT = "INT"
BOOLEAN = "BOOLEAN"
JSON = "JSON"  # a nested object kept as its JSON text

GOLDEN = Path(__file__).parent / "golden"
_TYPES = {"string": STRING, "money": MONEY, "timestamp": TIMESTAMP, "int": INT, "boolean": BOOLEAN, "json": JSON}


@dataclass(frozen=True)
class Field:
    name: str
    type: str = STRING
    # JSON key when it is not a valid column name (`3ds_authenticated`, `interval`).
    key: str | None = None

    @property
    def json_key(self) -> str:
        """The top-level key of the event's JSON object that holds this field."""
        return self.key or self.name


def fields(spec: str) -> tuple[Field, ...]:
    """Fields from words `name[:type][=json key]`, in column order: `amount:money`, `billing_interval=interval`.
    Types: string (the default), money, timestamp, int, boolean, json."""
    out = []
    for word in spec.split():
        word, _, key = word.partition("=")
        name, _, kind = word.partition(":")
        out.append(Field(name, _TYPES[kind or "string"], key or None))
    return tuple(out)


COMMON = fields(
    "event_id event_type provider customer_id merchant_id amount:money currency created_at:timestamp"
    " updated_at:timestamp"
)
COMMON_REQUIRED = (("event_id", "MISSING_EVENT_ID"), ("customer_id", "MISSING_CUSTOMER_ID"))


@dataclass(frozen=True)
class EventType:
    name: str  # payment_charges
    entity: str  # what one event is about: charge (`charge_id`, event_type `charge.succeeded`)
    own_fields: tuple[Field, ...]  # the columns after the COMMON ones
    generator_interval: str  # JR's default time between events
    # The types whose emitted events these refer to by id (refunds to charges): that id is required, and
    # their generator must run alongside.
    references: tuple[EventType, ...] = ()
    # Required columns besides the common ones and the referenced ids, with their rejection reasons.
    also_required: tuple[tuple[str, str], ...] = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        return COMMON + self.own_fields

    @property
    def required(self) -> tuple[tuple[str, str], ...]:
        """(column, rejection reason) pairs, in precedence order: a NULL there sends the event to quarantine."""
        ids = tuple((f"{r.entity}_id", f"MISSING_{r.entity.upper()}_ID") for r in self.references)
        return COMMON_REQUIRED + self.also_required + ids

    @property
    def topic(self) -> str:
        return self.name

    @property
    def bronze_table(self) -> str:
        return self.name

    @property
    def quarantine_table(self) -> str:
        return f"quarantine_{self.name}"

    @property
    def template(self) -> str:
        """The JR template's file name in jr_templates/."""
        return f"{self.name}.tpl"

    @property
    def golden(self) -> Path:
        """The golden cases (payments/cases.py reads them)."""
        return GOLDEN / f"{self.name}.yaml"


# Declared before the types that refer to them: a JR process runs its emitters in this order.
CHARGES = EventType(
    "payment_charges",
    "charge",
    fields(
        "charge_id status failure_code failure_message payment_method_id payment_method_type card_brand card_last4"
        " card_exp_month:int card_exp_year:int card_country billing_country billing_postal_code merchant_name"
        " description metadata:json risk_score:int risk_level three_ds_authenticated:boolean=3ds_authenticated"
    ),
    generator_interval="500ms",
)
REFUNDS = EventType(
    "payment_refunds",
    "refund",
    fields("refund_id charge_id status reason failure_reason metadata:json"),
    generator_interval="2s",
    references=(CHARGES,),
)
DISPUTES = EventType(
    "payment_disputes",
    "dispute",
    fields(
        "dispute_id charge_id status reason evidence_due_by:timestamp is_charge_refundable:boolean"
        " network_reason_code metadata:json"
    ),
    generator_interval="5s",
    references=(CHARGES,),
)
SUBSCRIPTIONS = EventType(
    "payment_subscriptions",
    "subscription",
    fields(
        "subscription_id plan_id plan_name billing_interval=interval interval_count:int status"
        " cancel_at_period_end:boolean canceled_at:timestamp trial_start:timestamp trial_end:timestamp"
        " current_period_start:timestamp current_period_end:timestamp payment_method_id metadata:json discount:json"
    ),
    generator_interval="3s",
    also_required=(("plan_id", "MISSING_PLAN_ID"),),
)

EVENT_TYPES = (CHARGES, REFUNDS, DISPUTES, SUBSCRIPTIONS)
TOPICS = tuple(e.topic for e in EVENT_TYPES)


def event_type(name: str) -> EventType:
    """The event type called `name` (payment_charges); KeyError for any other name."""
    return _BY_NAME[name]


_BY_NAME = {e.name: e for e in EVENT_TYPES}
