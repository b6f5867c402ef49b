"""The values events carry and what they mean: providers, reasons, failure and network codes, risk levels
and the statuses each event type allows.

The generators draw from these (render.py fills the JR templates' `@@NAME@@` placeholders from
`template_values()`), the generator tests check the events against them, and `tools/dbt_artifacts.py`
writes them as dbt seeds that staging maps raw values through. One vocabulary serves refunds and
disputes: `fraudulent` and `duplicate` mean the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from payments.validation import ACCEPTED_CURRENCIES

PROVIDERS = ("stripe", "braintree", "adyen", "checkout", "square")

# The reason vocabulary shared by refunds and disputes: name -> description.
REASONS: dict[str, str] = {
    "requested_by_customer": "the customer asked for the money back",
    "duplicate": "the customer was charged more than once for the same purchase",
    "fraudulent": "the payment was not made or authorised by the card holder",
    "unrecognized": "the card holder does not recognise the payment",
    "subscription_canceled": "the customer was charged after cancelling a subscription",
    "product_not_received": "the customer did not receive what they paid for",
}
# How often the generators pick each reason (relative weights).
REFUND_REASON_WEIGHTS: dict[str, int] = {"requested_by_customer": 3, "duplicate": 1, "fraudulent": 1}
DISPUTE_REASON_WEIGHTS: dict[str, int] = {
    "fraudulent": 2,
    "unrecognized": 1,
    "duplicate": 1,
    "subscription_canceled": 1,
    "product_not_received": 1,
}


def reason_spellings(reason: str) -> tuple[str, ...]:
    """Every way a refund's reason is spelt: as is, and the INCONSISTENT_REASON problem's variants (the
    refunds template derives them the same way): `Requested By Customer`, `REQUESTED_BY_CUSTOMER`, and
    `requested-by-customer` for reasons of more than one word."""
    variants = [reason, reason.replace("_", " ").title(), reason.upper()]
    if "_" in reason:
        variants.append(reason.replace("_", "-"))
    return tuple(variants)


@dataclass(frozen=True)
class NetworkCode:
    """A card network's dispute reason code and the reason it stands for in the shared vocabulary."""

    code: str  # 10.4
    network: str  # visa
    reason: str  # a key of REASONS
    description: str  # the network's own name for it


# Disputes carry the network's code for their reason (`network_reason_code`): one code per reason.
NETWORK_REASON_CODES = (
    NetworkCode("10.4", "visa", "fraudulent", "Other Fraud: Card-Absent Environment"),
    NetworkCode("4863", "mastercard", "unrecognized", "Cardholder Does Not Recognize: Potential Fraud"),
    NetworkCode("12.6.1", "visa", "duplicate", "Duplicate Processing"),
    NetworkCode("13.2", "visa", "subscription_canceled", "Cancelled Recurring Transaction"),
    NetworkCode("13.1", "visa", "product_not_received", "Merchandise/Services Not Received"),
)

# The one set of failure codes, and how each source's own codes map onto it (as sent -> code).
FAILURE_CODES: dict[str, str] = {
    "card_declined": "the issuer declined the card",
    "insufficient_funds": "the account has not enough funds",
    "expired_card": "the card has expired or was cancelled",
    "lost_or_stolen_card": "the card was reported lost or stolen",
    "processing_error": "an error while processing the payment",
    "unknown": "no reason given",
}
CHARGE_FAILURE_CODES: dict[str, str] = {  # charges' failure_code
    "card_declined": "card_declined",
    "insufficient_funds": "insufficient_funds",
    "expired_card": "expired_card",
    "processing_error": "processing_error",
}
REFUND_FAILURE_REASONS: dict[str, str] = {  # refunds' failure_reason
    "declined": "card_declined",
    "expired_or_canceled_card": "expired_card",
    "insufficient_funds": "insufficient_funds",
    "lost_or_stolen_card": "lost_or_stolen_card",
    "unknown": "unknown",
}

# Charges' risk_level from risk_score (0..100): each level with its lowest and highest score.
RISK_LEVELS: tuple[tuple[str, int, int], ...] = (("low", 0, 39), ("medium", 40, 74), ("high", 75, 100))

# The statuses each event type allows, by its action (`succeeded` of `charge.succeeded`).
STATUSES: dict[str, dict[str, tuple[str, ...]]] = {
    "payment_charges": {"succeeded": ("succeeded",), "failed": ("failed",), "pending": ("pending",)},
    "payment_refunds": {"created": ("pending",), "succeeded": ("succeeded",), "failed": ("failed",)},
    "payment_disputes": {"created": ("needs_response",), "updated": ("under_review",), "closed": ("won", "lost")},
    "payment_subscriptions": {
        "created": ("active", "trialing"),
        "updated": ("active",),
        "canceled": ("canceled",),
        "payment_failed": ("past_due", "unpaid"),
        "payment_succeeded": ("active",),
    },
}


# How often the generators draw each accepted currency, relative to the others (1 when not named here).
CURRENCY_WEIGHTS = {currency: {"USD": 3, "EUR": 2}.get(currency, 1) for currency in ACCEPTED_CURRENCIES}


def _weighted(weights: dict[str, int]) -> list[str]:
    return [name for name, weight in weights.items() for _ in range(weight)]


def template_values() -> dict[str, str]:
    """The vocabularies' JR template placeholders by name (without the @@), as `randoms` lists:
    PROVIDERS -> `stripe|braintree|…`, DISPUTE_REASON_CODES -> `fraudulent:10.4|fraudulent:10.4|…`."""
    code = {c.reason: c.code for c in NETWORK_REASON_CODES}
    return {
        "PROVIDERS": "|".join(PROVIDERS),
        "CURRENCIES": "|".join(_weighted(CURRENCY_WEIGHTS)),
        # The currency of a refund or dispute drawn before any charge was emitted.
        "DEFAULT_CURRENCY": ACCEPTED_CURRENCIES[0],
        "REFUND_REASONS": "|".join(_weighted(REFUND_REASON_WEIGHTS)),
        "DISPUTE_REASON_CODES": "|".join(f"{r}:{code[r]}" for r in _weighted(DISPUTE_REASON_WEIGHTS)),
        "CHARGE_FAILURE_CODES": "|".join(CHARGE_FAILURE_CODES),
        "REFUND_FAILURE_REASONS": "|".join(REFUND_FAILURE_REASONS),
        "RISK_SCORE_END": str(RISK_LEVELS[-1][2] + 1),  # JR's `integer 0 end` draws 0..end-1
        "RISK_MEDIUM_FROM": str(RISK_LEVELS[1][1]),
        "RISK_HIGH_FROM": str(RISK_LEVELS[2][1]),
    }
