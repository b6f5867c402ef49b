"""What each event field means, in one sentence: the descriptions `tools/dbt_artifacts.py` writes into
dbt's sources.yml (and that any other catalogue of the tables may use).

`describe(event, field)` looks up `<event type>.<field>` first, then the field name alone; a unit test
checks that every field of every event type has a description.
"""

from __future__ import annotations

from payments.events import EventType

DESCRIPTIONS: dict[str, str] = {
    "event_id": "the event's unique id (a UUID), also its Kafka message key",
    "event_type": "`<entity>.<action>`: what happened, e.g. charge.succeeded or refund.created",
    "provider": "the payment provider that reported the event (stripe, braintree, adyen, checkout, square)",
    "customer_id": "the customer (`cus_000001`..); required",
    "merchant_id": "the merchant (`merch_0001`..)",
    "amount": "the amount in the currency's major unit, decimal(10, 2), rounded half-up from what was sent",
    "currency": "ISO 4217 code, upper-cased by the validation job",
    "created_at": "when the charge, refund, dispute or subscription period was created (UTC)",
    "updated_at": "when the event happened (UTC)",
    "charge_id": "the charge (`ch_…`); for refunds and disputes the charge they refer to",
    "status": "the object's status after the event",
    "payment_charges.status": "succeeded, failed or pending",
    "payment_refunds.status": "pending, succeeded or failed; may arrive null-like (NULL_STATUS)",
    "payment_disputes.status": "needs_response, under_review, won or lost",
    "payment_subscriptions.status": "active, trialing, canceled, past_due or unpaid",
    "failure_code": "why a failed charge failed, in the provider's code",
    "failure_message": "a failed charge's message",
    "payment_method_id": "the payment method (`pm_…`)",
    "payment_method_type": "card, bank_account or digital_wallet",
    "card_brand": "visa, mastercard, amex or discover",
    "card_last4": "the card number's last four digits",
    "card_exp_month": "the card's expiry month (1-12)",
    "card_exp_year": "the card's expiry year",
    "card_country": "the issuing country, ISO 3166-1 alpha-2 as sent (INVALID_COUNTRY sends 342, 999, XX)",
    "billing_country": "the billing address's country, ISO 3166-1 alpha-2",
    "billing_postal_code": "the billing postal code",
    "merchant_name": "the merchant's name as the provider reported it",
    "description": "the charge's description",
    "metadata": "provider metadata, as JSON text",
    "payment_charges.metadata": "JSON text: order_id, user_email, subscription_id",
    "payment_refunds.metadata": "JSON text: refund_requested_by, original_order_id, support_ticket_id",
    "payment_disputes.metadata": "JSON text: case_number, customer_contacted, evidence_submitted (MISSING_EVIDENCE)",
    "payment_subscriptions.metadata": "JSON text: user_email, signup_source, promo_code (MISSING_PROMO_CODE)",
    "risk_score": "the provider's fraud risk score, 0-100",
    "risk_level": "low, medium or high; should agree with risk_score",
    "three_ds_authenticated": "whether 3-D Secure authenticated the payment (JSON key `3ds_authenticated`)",
    "refund_id": "the refund (`re_…`)",
    "reason": "why, as sent",
    "payment_refunds.reason": "why the refund was made, as sent (INCONSISTENT_REASON varies its spelling)",
    "payment_disputes.reason": "why the card holder disputes the charge",
    "failure_reason": "why a failed refund failed, in the provider's code",
    "dispute_id": "the dispute (`dp_…`)",
    "evidence_due_by": "when the merchant's evidence is due",
    "is_charge_refundable": "whether the disputed charge can still be refunded",
    "network_reason_code": "the card network's reason code for the dispute (10.4, 4863, …)",
    "subscription_id": "the subscription (`sub_…`)",
    "plan_id": "the plan (`plan_<name>_<interval>ly`); required",
    "plan_name": "basic, pro or team",
    "billing_interval": "week, month or year (JSON key `interval`)",
    "interval_count": "billing intervals per period",
    "cancel_at_period_end": "whether the subscription ends with its current period",
    "canceled_at": "when the subscription was canceled",
    "trial_start": "the trial's start, for trialing subscriptions (NULL_TRIAL_DATES leaves it null)",
    "trial_end": "the trial's end, for trialing subscriptions",
    "current_period_start": "the current billing period's start",
    "current_period_end": "the current billing period's end",
    "discount": "the applied coupon, as JSON text (coupon_id, percent_off), or null",
}


def describe(event: EventType, field: str) -> str:
    """The description of `field` in `event`'s events; KeyError if there is none."""
    return DESCRIPTIONS.get(f"{event.name}.{field}") or DESCRIPTIONS[field]
