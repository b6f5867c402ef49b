"""Checkout.com's webhooks: JSON events (`evt_…`, `type`, `version`, `data`, `_links`) with `created_on`
in UTC with 7 fractional digits; dispute events carry `timestamp` instead. Amounts are integers in minor
units (three-decimal ones ending in 0), currencies upper-case, payment outcomes a five-digit
`response_code` whose range says approved (10xxx), soft (20xxx) or hard (30xxx) decline, or risk (40xxx).
Signed in the `Cko-Signature` header: hex HMAC-SHA256 of the raw body with the webhook's secret key
(Checkout.com publishes no Python signer).

Event types and fields: Checkout.com's webhook event-type pages (payment_declined, dispute_* events),
its API response codes and "calculating the amount".
Facts with sources: docs/providers.md ("What each provider sends", "Sources").
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from payments.webhooks import CHECKOUT
from webhooks.generators.core import (
    DAY,
    DIGITS,
    Card,
    Event,
    Lifecycle,
    ProviderGenerator,
    SignatureKind,
    UniqueTokens,
    draw_card,
    utc_seven_digits,
)

# Checkout.com's ids: a prefix and 26 characters of lower-case base32.
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
VERSION = "1.0.29"
API = "https://api.checkout.com"

APPROVED = ("10000", "Approved")
# (response_code, response_summary) of declined payments: soft (20xxx), hard (30xxx), risk (40xxx).
DECLINES = (
    ("20005", "Declined - Do Not Honour"),
    ("20051", "Insufficient Funds"),
    ("20054", "Expired Card"),
    ("20062", "Restricted Card"),
    ("30004", "Pick Up Card (No Fraud)"),
    ("30043", "Stolen Card - Pick Up"),
    ("40101", "Risk Blocked Transaction"),
)
REFUND_DECLINES = (("20005", "Declined - Do Not Honour"), ("20057", "Transaction not Permitted to Cardholder"))
# A dispute's Visa reason code and Checkout.com's category for it.
DISPUTE_CATEGORIES = {
    "10.4": "fraudulent",
    "12.6.1": "duplicate",
    "13.1": "product_service_not_received",
    "13.2": "canceled_recurring",
    "13.3": "not_as_described",
    "13.6": "credit_not_issued",
}


@dataclass
class _Payment:
    id: str
    action_id: str
    reference: str
    customer: str
    amount: Decimal
    currency: str
    card: Card
    source: str


class CheckoutGenerator(ProviderGenerator):
    """Checkout.com's webhooks signed with `secret`."""

    provider = CHECKOUT

    def __init__(self, *, secret: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._secret = secret
        self._wrong_secret = self.rng.randbytes(32).hex()
        self._token = UniqueTokens(self.rng, BASE32, 26)
        self._channel = self._id("pc")  # the processing channel the disputes name

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{self._token()}"

    # Requests.
    def _body(self, events: Sequence[Event], signature: SignatureKind) -> bytes:
        (event,) = events
        return json.dumps(event.payload).encode()

    def _signature_headers(self, body: bytes, signature: SignatureKind, now: float) -> dict[str, str]:
        secret = self._wrong_secret if signature == "bad" else self._secret
        return {"Cko-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}

    # Events.
    def _event(self, life: Lifecycle, type_: str, data: dict[str, Any], *, dispute: bool = False) -> Event:
        event_id = self._id("evt")
        payload: dict[str, Any] = {"id": event_id, "type": type_}
        moment = utc_seven_digits(life.at())
        if dispute:
            payload["timestamp"] = moment
        else:
            payload["version"] = VERSION
            payload["created_on"] = moment
        payload["data"] = data
        payload["_links"] = {
            "self": {"href": f"{API}/workflows/events/{event_id}"},
            "subject": {"href": f"{API}/workflows/events/subject/{data['id']}"},
        }
        return life.event(payload)

    def _lifecycle(self, life: Lifecycle) -> Iterator[Event]:
        """A payment approved or declined; when approved, sometimes a refund or a dispute of it."""
        card = draw_card(self.rng, life.now())
        payment = _Payment(
            id=self._id("pay"),
            action_id=self._id("act"),
            reference=f"ORD-{''.join(self.rng.choices(DIGITS, k=8))}",
            customer=self._id("cus"),
            amount=self.amount(life.currency),
            currency=life.currency,
            card=card,
            source=self._id("src"),
        )
        approved = self.rng.random() >= 0.2
        code, summary = APPROVED if approved else self.rng.choice(DECLINES)
        processed_on = utc_seven_digits(life.now())
        data: dict[str, Any] = {
            "id": payment.id,
            "action_id": payment.action_id,
            "reference": payment.reference,
            "amount": self.minor_units(payment.currency, payment.amount),
            "currency": payment.currency,
            "customer": {"id": payment.customer},
            "payment_type": "Regular",
            "processed_on": processed_on,
            "processing": {
                "acquirer_transaction_id": "".join(self.rng.choices(DIGITS, k=20)),
                "retrieval_reference_number": "".join(self.rng.choices(DIGITS, k=12)),
            },
            "response_code": code,
            "response_summary": summary,
            "risk": {"flagged": code.startswith("4"), "score": self.rng.randint(0, 100)},
            "source": {
                "id": payment.source,
                "type": "card",
                "scheme": card.scheme.upper(),
                "last_4": card.last4,
                "bin": card.bin,
                "card_type": card.funding.upper(),
                "expiry_month": card.exp_month,
                "expiry_year": card.exp_year,
                "issuer_country": card.country,
            },
        }
        if approved:
            data["auth_code"] = "".join(self.rng.choices(DIGITS, k=6))
        yield self._event(life, "payment_approved" if approved else "payment_declined", data)
        if not approved:
            return
        follow = self.follow_up()
        if follow == "refund":
            yield self._refund(life, payment)
        elif follow == "dispute":
            yield from self._dispute(life, payment)

    def _refund(self, life: Lifecycle, payment: _Payment) -> Event:
        """payment_refunded, or payment_refund_declined."""
        declined = self.rng.random() < 0.1
        code, summary = self.rng.choice(REFUND_DECLINES) if declined else APPROVED
        data = {
            "id": payment.id,
            "action_id": self._id("act"),
            "reference": payment.reference,
            "amount": self.minor_units(payment.currency, self.part_of(payment.currency, payment.amount)),
            "currency": payment.currency,
            "processed_on": utc_seven_digits(life.now()),
            "response_code": code,
            "response_summary": summary,
        }
        return self._event(life, "payment_refund_declined" if declined else "payment_refunded", data)

    def _dispute(self, life: Lifecycle, payment: _Payment) -> Iterator[Event]:
        """dispute_evidence_required, sometimes dispute_evidence_submitted, then dispute_won or _lost."""
        dispute_id = self._id("dsp")
        code = self.rng.choice(list(DISPUTE_CATEGORIES))
        opened = life.now()
        data = {
            "id": dispute_id,
            "category": DISPUTE_CATEGORIES[code],
            "amount": self.minor_units(payment.currency, self.part_of(payment.currency, payment.amount)),
            "currency": payment.currency,
            "reason_code": code,
            "payment_id": payment.id,
            "payment_action_id": payment.action_id,
            "payment_reference": payment.reference,
            "payment_method": payment.card.scheme.upper(),
            "evidence_required_by": utc_seven_digits(opened + self.rng.randint(7, 21) * DAY),
            "received_on": utc_seven_digits(opened),
            "processing_channel_id": self._channel,
        }
        yield self._event(life, "dispute_evidence_required", {**data, "status": "evidence_required"}, dispute=True)
        defended = self.rng.random() < 0.6
        if defended:
            yield self._event(
                life, "dispute_evidence_submitted", {**data, "status": "evidence_under_review"}, dispute=True
            )
        outcome = "won" if defended and self.rng.random() < 0.5 else "lost"
        yield self._event(life, f"dispute_{outcome}", {**data, "status": outcome}, dispute=True)
