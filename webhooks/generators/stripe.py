"""Stripe's webhooks: Event objects (`evt_…`) with `created` in unix seconds, `livemode`, `api_version`,
and `data.object` a Charge, Refund, Dispute, Subscription or Invoice (integer minor units, lower-case
currency). Signed in the `Stripe-Signature` header (`t=…,v1=…`, HMAC-SHA256 of `"{t}.{body}"`) by
stripe-python's own `WebhookSignature.generate_signature_header`.

Event names and fields: stripe-python's `_event.py`, `_charge.py`, `_refund.py`, `_dispute.py`,
`_subscription.py`, `_invoice.py`; API version 2025-03-31.basil moved an invoice's subscription under
`parent.subscription_details` and a subscription's periods onto its items (CHANGELOG 12.0.0).
Facts with sources: docs/providers.md ("What each provider sends", "Sources").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe

from payments.webhooks import STALE_SIGNATURE_AGE_SECONDS, STRIPE
from webhooks.generators.core import (
    DAY,
    DIGITS,
    LOWER,
    UPPER,
    Card,
    Event,
    Lifecycle,
    ProviderGenerator,
    SignatureKind,
    UniqueTokens,
    draw_card,
    unix_seconds,
)

API_VERSION = "2025-03-31.basil"
# OLD_API_VERSION: the version before basil, whose invoices carry `subscription` at the top level.
OLDER_API_VERSION = "2025-02-24.acacia"


@dataclass(frozen=True)
class Decline:
    """How Stripe tells a failed charge: `failure_code` and `outcome` (type, reason, advice_code,
    network_decline_code)."""

    failure_code: str
    failure_message: str
    outcome_type: str  # issuer_declined, blocked
    reason: str  # the decline code
    advice_code: str | None  # confirm_card_data, do_not_try_again, try_again_later
    network_decline_code: str | None


DECLINES = (
    Decline("card_declined", "Your card has insufficient funds.", "issuer_declined", "insufficient_funds",
            "try_again_later", "51"),
    Decline("card_declined", "Your card was declined.", "issuer_declined", "do_not_honor", "try_again_later", "05"),
    Decline("expired_card", "Your card has expired.", "issuer_declined", "expired_card", "confirm_card_data", "54"),
    Decline("incorrect_cvc", "Your card's security code is incorrect.", "issuer_declined", "incorrect_cvc",
            "confirm_card_data", "N7"),
    Decline("card_declined", "Your card was declined.", "issuer_declined", "stolen_card", "do_not_try_again", "43"),
    Decline("card_declined", "Your card was declined.", "blocked", "highest_risk_level", None, None),
)  # fmt: skip
# A dispute's Visa reason code and Stripe's reason for it (Stripe's dispute categories page).
DISPUTE_REASONS = {
    "10.4": "fraudulent",
    "12.6.1": "duplicate",
    "13.1": "product_not_received",
    "13.2": "subscription_canceled",
    "13.3": "product_unacceptable",
    "13.6": "credit_not_processed",
}
REFUND_REASONS = ("requested_by_customer", "requested_by_customer", "duplicate", "fraudulent")


@dataclass
class _Charge:
    id: str
    customer: str
    payment_intent: str
    payment_method: str
    amount: Decimal
    currency: str
    card: Card
    created: int


@dataclass
class _Subscription:
    id: str
    customer: str
    item: str
    price: str
    product: str
    amount: Decimal
    currency: str
    created: int
    period_start: int
    status: str = "active"
    cancel_at_period_end: bool = False
    latest_invoice: str | None = None
    ended_at: int | None = None


class StripeGenerator(ProviderGenerator):
    """Stripe's webhooks signed with `secret` (`whsec_…`); a STALE_SIGNATURE is `stale_age` seconds old."""

    provider = STRIPE

    def __init__(self, *, secret: str, stale_age: int = STALE_SIGNATURE_AGE_SECONDS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._secret = secret
        self._stale_age = stale_age
        self._wrong_secret = "whsec_" + self.rng.randbytes(24).hex()
        self._token = UniqueTokens(self.rng, DIGITS + UPPER + LOWER, 24)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{self._token()}"

    # Requests.
    def _body(self, events: Sequence[Event], signature: SignatureKind) -> bytes:
        (event,) = events
        return json.dumps(event.payload, indent=2).encode()  # as Stripe sends it: indented by 2 spaces

    def _signature_headers(self, body: bytes, signature: SignatureKind, now: float) -> dict[str, str]:
        timestamp = int(now) - (self._stale_age if signature == "stale" else 0)
        secret = self._wrong_secret if signature == "bad" else self._secret
        header = stripe.WebhookSignature.generate_signature_header(body.decode(), secret, timestamp=timestamp)
        return {"Stripe-Signature": header}

    # Events.
    def _event(
        self,
        life: Lifecycle,
        type_: str,
        build: Callable[[bool, int], dict[str, Any]],
        *,
        api_request: bool = False,
        previous: dict[str, Any] | None = None,
    ) -> Event:
        """A Stripe Event of `type_` whose object `build(old_version, created)` renders."""
        old = self.draw("OLD_API_VERSION")
        created = unix_seconds(life.at())
        data: dict[str, Any] = {"object": build(old, created)}
        if previous is not None:
            data["previous_attributes"] = previous
        request_id = self._id("req") if api_request else None
        idempotency_key = str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) if api_request else None
        payload = {
            "id": self._id("evt"),
            "object": "event",
            "api_version": OLDER_API_VERSION if old else API_VERSION,
            "created": created,
            "data": data,
            "livemode": life.live,
            "pending_webhooks": 1,
            "request": {"id": request_id, "idempotency_key": idempotency_key},
            "type": type_,
        }
        return life.event(payload, *(["OLD_API_VERSION"] if old else []))

    def _lifecycle(self, life: Lifecycle) -> Iterator[Event]:
        if self.rng.random() < 0.3:
            yield from self._subscription(life)
        else:
            yield from self._payment(life)

    def _payment(self, life: Lifecycle) -> Iterator[Event]:
        """A charge; when it succeeded, sometimes a refund or a dispute of it."""
        at = life.at()
        charge = _Charge(
            id=self._id("ch"),
            customer=self._id("cus"),
            payment_intent=self._id("pi"),
            payment_method=self._id("pm"),
            amount=self.amount(life.currency),
            currency=life.currency,
            card=draw_card(self.rng, at),
            created=unix_seconds(at),
        )
        decline = self.rng.choice(DECLINES) if self.rng.random() < 0.2 else None
        yield self._event(
            life,
            "charge.failed" if decline else "charge.succeeded",
            lambda old, _: self._charge(life, charge, decline, old),
            api_request=True,
        )
        if decline is not None:
            return
        follow = self.follow_up()
        if follow == "refund":
            yield from self._refund(life, charge)
        elif follow == "dispute":
            yield from self._dispute(life, charge)

    def _charge(self, life: Lifecycle, charge: _Charge, decline: Decline | None, old: bool) -> dict[str, Any]:
        minor = self.minor_units(charge.currency, charge.amount)
        if decline is None:
            outcome = {
                "advice_code": None,
                "network_advice_code": None,
                "network_decline_code": None,
                "network_status": "approved_by_network",
                "reason": None,
                "risk_level": "normal",
                "seller_message": "Payment complete.",
                "type": "authorized",
            }
        else:
            blocked = decline.outcome_type == "blocked"
            outcome = {
                "advice_code": decline.advice_code,
                "network_advice_code": None,
                "network_decline_code": decline.network_decline_code,
                "network_status": "not_sent_to_network" if blocked else "declined_by_network",
                "reason": decline.reason,
                "risk_level": "highest" if blocked else "normal",
                "seller_message": "Stripe blocked this payment as too risky."
                if blocked
                else f"The bank returned the decline code `{decline.reason}`.",
                "type": decline.outcome_type,
            }
        ok = decline is None
        card = charge.card
        obj: dict[str, Any] = {
            "id": charge.id,
            "object": "charge",
            "amount": minor,
            "amount_captured": minor if ok else 0,
            "amount_refunded": 0,
            "balance_transaction": self._id("txn") if ok else None,
            "captured": ok,
            "created": charge.created,
            "currency": charge.currency.lower(),
            "customer": charge.customer,
            "description": None,
            "disputed": False,
            "failure_code": None if ok else decline.failure_code,
            "failure_message": None if ok else decline.failure_message,
            "livemode": life.live,
            "metadata": {},
            "outcome": outcome,
            "paid": ok,
            "payment_intent": charge.payment_intent,
            "payment_method": charge.payment_method,
            "payment_method_details": {
                "card": {
                    "brand": card.scheme,
                    "country": card.country,
                    "exp_month": card.exp_month,
                    "exp_year": card.exp_year,
                    "funding": card.funding,
                    "last4": card.last4,
                    "network": card.scheme,
                },
                "type": "card",
            },
            "refunded": False,
            "status": "succeeded" if ok else "failed",
        }
        if old:  # removed in basil
            obj["invoice"] = None
        return obj

    def _refund(self, life: Lifecycle, charge: _Charge) -> Iterator[Event]:
        """refund.created, succeeded; or pending and then refund.failed."""
        refund_id = self._id("re")
        amount = self.minor_units(charge.currency, self.part_of(charge.currency, charge.amount))
        reason = self.rng.choice(REFUND_REASONS)
        fails = self.rng.random() < 0.15
        created = unix_seconds(life.at())
        balance_transaction, failure_balance_transaction = self._id("txn"), self._id("txn")

        def refund(status: str) -> Callable[[bool, int], dict[str, Any]]:
            def build(old: bool, _: int) -> dict[str, Any]:
                obj = {
                    "id": refund_id,
                    "object": "refund",
                    "amount": amount,
                    "balance_transaction": balance_transaction,
                    "charge": charge.id,
                    "created": created,
                    "currency": charge.currency.lower(),
                    "metadata": {},
                    "payment_intent": charge.payment_intent,
                    "reason": reason,
                    "receipt_number": None,
                    "status": status,
                }
                if status == "failed":
                    obj["failure_reason"] = "expired_or_canceled_card"
                    obj["failure_balance_transaction"] = failure_balance_transaction
                return obj

            return build

        yield self._event(life, "refund.created", refund("pending" if fails else "succeeded"), api_request=True)
        if fails:
            yield self._event(life, "refund.failed", refund("failed"))

    def _dispute(self, life: Lifecycle, charge: _Charge) -> Iterator[Event]:
        """charge.dispute.created, sometimes .updated (evidence submitted), then .closed won or lost."""
        dispute_id = self._id("dp")
        code = self.rng.choice(list(DISPUTE_REASONS))
        amount = self.minor_units(charge.currency, self.part_of(charge.currency, charge.amount))
        created = unix_seconds(life.at())
        due_by = created + self.rng.randint(7, 21) * DAY

        def dispute(status: str, evidence: bool) -> Callable[[bool, int], dict[str, Any]]:
            def build(old: bool, _: int) -> dict[str, Any]:
                return {
                    "id": dispute_id,
                    "object": "dispute",
                    "amount": amount,
                    "balance_transactions": [],
                    "charge": charge.id,
                    "created": created,
                    "currency": charge.currency.lower(),
                    "evidence_details": {
                        "due_by": due_by,
                        "has_evidence": evidence,
                        "past_due": False,
                        "submission_count": int(evidence),
                    },
                    "is_charge_refundable": False,
                    "livemode": life.live,
                    "metadata": {},
                    "payment_intent": charge.payment_intent,
                    "payment_method_details": {
                        "card": {"brand": charge.card.scheme, "case_type": "chargeback", "network_reason_code": code},
                        "type": "card",
                    },
                    "reason": DISPUTE_REASONS[code],
                    "status": status,
                }

            return build

        yield self._event(life, "charge.dispute.created", dispute("needs_response", evidence=False))
        defended = self.rng.random() < 0.6
        if defended:
            yield self._event(
                life,
                "charge.dispute.updated",
                dispute("under_review", evidence=True),
                previous={"status": "needs_response"},
            )
        outcome = "won" if defended and self.rng.random() < 0.5 else "lost"
        yield self._event(life, "charge.dispute.closed", dispute(outcome, evidence=defended))

    def _subscription(self, life: Lifecycle) -> Iterator[Event]:
        """customer.subscription.created; then a failed renewal (invoice.payment_failed, past_due, and
        recovered or canceled), or a cancellation at period end."""
        created = unix_seconds(life.at())
        sub = _Subscription(
            id=self._id("sub"),
            customer=self._id("cus"),
            item=self._id("si"),
            price=self._id("price"),
            product=self._id("prod"),
            amount=self.amount(life.currency, 5, 60),
            currency=life.currency,
            created=created,
            period_start=created,
            latest_invoice=self._id("in"),
        )
        yield self._event(life, "customer.subscription.created", self._rendered(life, sub))
        if self.rng.random() < 0.5:
            yield from self._failed_renewal(life, sub)
            return
        sub.cancel_at_period_end = True
        yield self._event(
            life,
            "customer.subscription.updated",
            self._rendered(life, sub),
            previous={"cancel_at_period_end": False},
        )
        if self.rng.random() < 0.4:
            yield self._ended(life, sub)

    def _failed_renewal(self, life: Lifecycle, sub: _Subscription) -> Iterator[Event]:
        sub.period_start = unix_seconds(life.at())
        invoice = self._id("in")
        sub.latest_invoice = invoice
        charge = self._id("ch")
        intent = self._id("pi")

        def failed(attempt: int, retry_in_days: int | None) -> Callable[[bool, int], dict[str, Any]]:
            return lambda old, created: self._invoice(
                life, sub, invoice, charge, intent, attempt, retry_in_days, created, old
            )

        yield self._event(life, "invoice.payment_failed", failed(1, 3))
        sub.status = "past_due"
        yield self._event(
            life,
            "customer.subscription.updated",
            self._rendered(life, sub),
            previous={"status": "active"},
        )
        if self.rng.random() < 0.5:
            sub.status = "active"
            yield self._event(
                life,
                "customer.subscription.updated",
                self._rendered(life, sub),
                previous={"status": "past_due"},
            )
            return
        yield self._event(life, "invoice.payment_failed", failed(2, None))
        yield self._ended(life, sub)

    def _ended(self, life: Lifecycle, sub: _Subscription) -> Event:
        def build(old: bool, created: int) -> dict[str, Any]:
            sub.status = "canceled"
            sub.ended_at = created
            return self._subscription_object(life, sub, old)

        return self._event(life, "customer.subscription.deleted", build)

    def _rendered(self, life: Lifecycle, sub: _Subscription) -> Callable[[bool, int], dict[str, Any]]:
        return lambda old, _: self._subscription_object(life, sub, old)

    def _subscription_object(self, life: Lifecycle, sub: _Subscription, old: bool) -> dict[str, Any]:
        period = {"current_period_start": sub.period_start, "current_period_end": sub.period_start + 30 * DAY}
        item: dict[str, Any] = {
            "id": sub.item,
            "object": "subscription_item",
            "created": sub.created,
            "price": {
                "id": sub.price,
                "object": "price",
                "currency": sub.currency.lower(),
                "product": sub.product,
                "recurring": {"interval": "month", "interval_count": 1},
                "type": "recurring",
                "unit_amount": self.minor_units(sub.currency, sub.amount),
            },
            "quantity": 1,
            "subscription": sub.id,
        }
        obj: dict[str, Any] = {
            "id": sub.id,
            "object": "subscription",
            "billing_cycle_anchor": sub.created,
            "cancel_at": sub.period_start + 30 * DAY if sub.cancel_at_period_end else None,
            "cancel_at_period_end": sub.cancel_at_period_end,
            "canceled_at": sub.ended_at,
            "collection_method": "charge_automatically",
            "created": sub.created,
            "currency": sub.currency.lower(),
            "customer": sub.customer,
            "ended_at": sub.ended_at,
            "items": {
                "object": "list",
                "data": [item],
                "has_more": False,
                "total_count": 1,
                "url": f"/v1/subscription_items?subscription={sub.id}",
            },
            "latest_invoice": sub.latest_invoice,
            "livemode": life.live,
            "metadata": {},
            "start_date": sub.created,
            "status": sub.status,
        }
        # basil moved the periods from the subscription onto its items.
        (obj if old else item).update(period)
        return obj

    def _invoice(
        self,
        life: Lifecycle,
        sub: _Subscription,
        invoice: str,
        charge: str,
        intent: str,
        attempt: int,
        retry_in_days: int | None,
        created: int,
        old: bool,
    ) -> dict[str, Any]:
        amount = self.minor_units(sub.currency, sub.amount)
        obj: dict[str, Any] = {
            "id": invoice,
            "object": "invoice",
            "amount_due": amount,
            "amount_paid": 0,
            "amount_remaining": amount,
            "attempt_count": attempt,
            "attempted": True,
            "billing_reason": "subscription_cycle",
            "collection_method": "charge_automatically",
            "created": sub.period_start,
            "currency": sub.currency.lower(),
            "customer": sub.customer,
            "livemode": life.live,
            "next_payment_attempt": created + retry_in_days * DAY if retry_in_days else None,
            "period_end": sub.period_start,
            "period_start": sub.period_start - 30 * DAY,
            "status": "open",
            "total": amount,
        }
        if old:  # before basil: the subscription, charge and payment intent at the top level
            obj.update({"subscription": sub.id, "charge": charge, "payment_intent": intent, "paid": False})
        else:
            obj["parent"] = {
                "quote_details": None,
                "subscription_details": {"metadata": {}, "subscription": sub.id},
                "type": "subscription_details",
            }
        return obj
