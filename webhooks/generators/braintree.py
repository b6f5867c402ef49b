"""Braintree's webhooks: a form POST of `bt_signature` and `bt_payload`, the payload base64 of a
`<notification>` XML with `timestamp` (UTC, `Z`), `kind` and `subject` (a transaction, subscription or
dispute). Amounts are decimal strings in major units, subscription statuses Title Case ("Past Due"),
declines a `processor-response-code` with its `processor-response-type`. There is no event id.
`bt_signature` is `public_key|hex HMAC-SHA1`, computed by the braintree library's own
`braintree.util.crypto.Crypto.sha1_hmac_hash`, as its `WebhookTestingGateway` signs.

Kinds and fields: braintree_python `webhook_notification.py`, `webhook_testing_gateway.py`,
`transaction.py`, `subscription.py`, `dispute.py`, `processor_response_types.py`; processor response
codes: Braintree's authorization-responses page.
Facts with sources: docs/providers.md ("What each provider sends", "Sources").
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from braintree.util.crypto import Crypto

from payments import provider_currencies
from payments.webhooks import BRAINTREE
from webhooks.generators.core import (
    DAY,
    DIGITS,
    LOWER,
    Card,
    Event,
    Lifecycle,
    ProviderGenerator,
    SignatureKind,
    UniqueTokens,
    draw_card,
    utc_seconds,
)


@dataclass(frozen=True)
class ProcessorResponse:
    """A processor's answer to an authorisation: code, text and Braintree's type for it."""

    code: str
    text: str
    type: str  # approved, soft_declined, hard_declined


APPROVED = ProcessorResponse("1000", "Approved", "approved")
DECLINES = (
    ProcessorResponse("2000", "Do Not Honor", "soft_declined"),
    ProcessorResponse("2001", "Insufficient Funds", "soft_declined"),
    ProcessorResponse("2004", "Expired Card", "hard_declined"),
    ProcessorResponse("2005", "Invalid Credit Card Number", "hard_declined"),
    ProcessorResponse("2015", "Transaction Not Allowed", "hard_declined"),
    ProcessorResponse("2046", "Declined", "soft_declined"),
    ProcessorResponse("3000", "Processor Network Unavailable - Try Again", "soft_declined"),
)
# A dispute's Visa reason code, Braintree's reason for it and the code's description.
DISPUTE_REASONS = {
    "10.4": ("fraud", "Other Fraud - Card Absent Environment"),
    "12.6.1": ("duplicate", "Duplicate Processing"),
    "13.1": ("product_not_received", "Merchandise/Services Not Received"),
    "13.2": ("cancelled_recurring_transaction", "Cancelled Recurring"),
    "13.3": ("product_unsatisfactory", "Not as Described or Defective Merchandise/Services"),
    "13.6": ("credit_not_processed", "Credit Not Processed"),
}
CARD_TYPES = {"visa": "Visa", "mastercard": "MasterCard"}


def _el(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
    """A child element; None is Braintree's `nil="true"`, without a type (its parser would read the type)."""
    if text is None:
        return ET.SubElement(parent, tag, {"nil": "true"})
    element = ET.SubElement(parent, tag, attributes)
    element.text = str(text)
    return element


def _date(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat()


@dataclass
class _Sale:
    id: str
    customer: str
    order: str
    amount: Decimal
    currency: str
    card: Card
    created: float


@dataclass
class _Subscription:
    id: str
    plan: str
    price: Decimal
    currency: str
    card: Card
    customer: str
    created: float
    billing_start: float
    status: str = "Active"
    failure_count: int = 0
    cycle: int = 1
    past_due_since: float | None = None
    transactions: list[ET.Element] = field(default_factory=list)


class BraintreeGenerator(ProviderGenerator):
    """Braintree's webhooks for `merchant_id`, signed with `public_key` and `private_key`."""

    provider = BRAINTREE

    def __init__(self, *, merchant_id: str, public_key: str, private_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._merchant_id = merchant_id
        self._public_key = public_key
        self._private_key = private_key
        self._wrong_key = self.rng.randbytes(16).hex()
        self._token = UniqueTokens(self.rng, DIGITS + LOWER, 8)

    # Requests.
    def _body(self, events: Sequence[Event], signature: SignatureKind) -> bytes:
        (event,) = events
        payload = base64.encodebytes(event.payload)  # lines of 76 characters, as Braintree sends it
        key = self._wrong_key if signature == "bad" else self._private_key
        bt_signature = f"{self._public_key}|{Crypto.sha1_hmac_hash(key, payload)}"
        return urlencode({"bt_signature": bt_signature, "bt_payload": payload.decode()}).encode()

    # Events.
    def _notification(self, life: Lifecycle, kind: str, subject: ET.Element) -> Event:
        root = ET.Element("notification")
        _el(root, "timestamp", utc_seconds(life.at()), type="datetime")
        _el(root, "kind", kind)
        ET.SubElement(root, "subject").append(subject)
        return life.event(b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root))

    def _money(self, currency: str, amount: Decimal) -> str:
        """A decimal string in major units with the currency's decimals (49.99, 7500, 12.345)."""
        return str(amount.quantize(Decimal(1).scaleb(-provider_currencies.minor_unit(self.provider.name, currency))))

    def _merchant_account(self, currency: str) -> str:
        """Braintree settles each currency in a merchant account of its own."""
        return f"{self._merchant_id}_{currency.lower()}"

    def _transaction(
        self,
        tx_id: str,
        kind: str,
        status: str,
        amount: Decimal,
        currency: str,
        card: Card,
        customer: str,
        response: ProcessorResponse,
        at: float,
        **extra: str,
    ) -> ET.Element:
        tx = ET.Element("transaction")
        _el(tx, "id", tx_id)
        _el(tx, "type", kind)
        _el(tx, "status", status)
        _el(tx, "amount", self._money(currency, amount))
        _el(tx, "currency-iso-code", currency)
        _el(tx, "merchant-account-id", self._merchant_account(currency))
        _el(_el(tx, "customer", ""), "id", customer)
        credit_card = _el(tx, "credit-card", "")
        _el(credit_card, "bin", card.bin)
        _el(credit_card, "last-4", card.last4)
        _el(credit_card, "card-type", CARD_TYPES[card.scheme])
        _el(credit_card, "expiration-month", f"{card.exp_month:02d}")
        _el(credit_card, "expiration-year", card.exp_year)
        _el(credit_card, "country-of-issuance", card.country_alpha3)
        _el(credit_card, "debit", "Yes" if card.funding == "debit" else "No")
        _el(credit_card, "prepaid", "Yes" if card.funding == "prepaid" else "No")
        _el(tx, "processor-response-code", response.code)
        _el(tx, "processor-response-text", response.text)
        _el(tx, "processor-response-type", response.type)
        for name, value in extra.items():
            _el(tx, name.replace("_", "-"), value)
        _el(tx, "created-at", utc_seconds(at), type="datetime")
        _el(tx, "updated-at", utc_seconds(at), type="datetime")
        return tx

    def _lifecycle(self, life: Lifecycle) -> Iterator[Event]:
        if self.rng.random() < 0.3:
            yield from self._subscription(life)
        else:
            yield from self._sale(life)

    def _sale(self, life: Lifecycle) -> Iterator[Event]:
        """A sale settled (sometimes refunded or disputed later) or declined at settlement."""
        sale = _Sale(
            id=self._token(),
            customer=self._token(),
            order=f"order-{self._token()}",
            amount=self.amount(life.currency),
            currency=life.currency,
            card=draw_card(self.rng, life.now()),
            created=life.now(),
        )
        settles = self.rng.random() < 0.85
        declined = {
            "processor_settlement_response_code": "4001",
            "processor_settlement_response_text": "Settlement Declined",
        }
        tx = self._transaction(
            sale.id,
            "sale",
            "settled" if settles else "settlement_declined",
            sale.amount,
            sale.currency,
            sale.card,
            sale.customer,
            APPROVED,
            sale.created,
            order_id=sale.order,
            **({} if settles else declined),
        )
        yield self._notification(life, "transaction_settled" if settles else "transaction_settlement_declined", tx)
        if not settles:
            return
        follow = self.follow_up()
        if follow == "refund":
            yield self._refund(life, sale)
        elif follow == "dispute":
            yield from self._dispute(life, sale)

    def _refund(self, life: Lifecycle, sale: _Sale) -> Event:
        """A refund is a credit transaction: settled, or refund_failed."""
        fails = self.rng.random() < 0.15
        response = self.rng.choice(DECLINES) if fails else APPROVED
        tx = self._transaction(
            self._token(),
            "credit",
            "processor_declined" if fails else "settled",
            self.part_of(sale.currency, sale.amount),
            sale.currency,
            sale.card,
            sale.customer,
            response,
            life.now(),
            refunded_transaction_id=sale.id,
        )
        return self._notification(life, "refund_failed" if fails else "transaction_settled", tx)

    def _dispute(self, life: Lifecycle, sale: _Sale) -> Iterator[Event]:
        """dispute_opened, sometimes dispute_under_review, then dispute_won, _lost or _accepted."""
        dispute_id = self._token()
        code = self.rng.choice(list(DISPUTE_REASONS))
        reason, description = DISPUTE_REASONS[code]
        amount = self._money(sale.currency, self.part_of(sale.currency, sale.amount))
        opened = life.now()
        reply_by = opened + self.rng.randint(7, 21) * DAY
        history: list[tuple[str, float]] = []

        def dispute(status: str) -> ET.Element:
            at = life.now()
            history.append((status, at))
            element = ET.Element("dispute")
            _el(element, "id", dispute_id)
            _el(element, "amount", amount)
            _el(element, "amount-disputed", amount)
            _el(element, "amount-won", amount if status == "won" else self._money(sale.currency, Decimal(0)))
            _el(element, "case-number", f"CB{dispute_id.upper()}")
            _el(element, "created-at", utc_seconds(opened), type="datetime")
            _el(element, "currency-iso-code", sale.currency)
            _el(element, "kind", "chargeback")
            _el(element, "merchant-account-id", self._merchant_account(sale.currency))
            _el(element, "reason", reason)
            _el(element, "reason-code", code)
            _el(element, "reason-description", description)
            _el(element, "received-date", _date(opened), type="date")
            _el(element, "reply-by-date", _date(reply_by), type="date")
            _el(element, "status", status)
            _el(element, "updated-at", utc_seconds(at), type="datetime")
            statuses = _el(element, "status-history", "", type="array")
            for past, when in history:
                entry = _el(statuses, "status-history", "")
                _el(entry, "status", past)
                _el(entry, "timestamp", utc_seconds(when), type="datetime")
            _el(element, "evidence", "", type="array")
            tx = _el(element, "transaction", "")
            _el(tx, "id", sale.id)
            _el(tx, "amount", self._money(sale.currency, sale.amount))
            _el(tx, "created-at", utc_seconds(sale.created), type="datetime")
            _el(tx, "order-id", sale.order)
            _el(element, "date-opened", _date(opened), type="date")
            return element

        yield self._notification(life, "dispute_opened", dispute("open"))
        if self.rng.random() < 0.5:
            yield self._notification(life, "dispute_under_review", dispute("under_review"))
            final = "won" if self.rng.random() < 0.5 else "lost"
        else:
            final = self.rng.choice(("accepted", "lost"))
        yield self._notification(life, f"dispute_{final}", dispute(final))

    def _subscription(self, life: Lifecycle) -> Iterator[Event]:
        """subscription_went_active, then renewals: charged successfully, or charged unsuccessfully, past
        due, and recovered or canceled."""
        now = life.now()
        sub = _Subscription(
            id=self._token(),
            plan=self.rng.choice(("monthly-basic", "monthly-plus", "monthly-pro")),
            price=self.amount(life.currency, 5, 60),
            currency=life.currency,
            card=draw_card(self.rng, now),
            customer=self._token(),
            created=now,
            billing_start=now,
        )
        self._charge(life, sub, APPROVED)
        yield self._notification(life, "subscription_went_active", self._subscription_element(sub, life.now()))
        if self.rng.random() < 0.5:
            sub.cycle += 1
            sub.billing_start = life.now()
            self._charge(life, sub, APPROVED)
            yield self._notification(
                life, "subscription_charged_successfully", self._subscription_element(sub, life.now())
            )
            if self.rng.random() < 0.5:
                return
        sub.cycle += 1
        sub.billing_start = life.now()
        sub.failure_count += 1
        self._charge(life, sub, self.rng.choice(DECLINES))
        yield self._notification(
            life, "subscription_charged_unsuccessfully", self._subscription_element(sub, life.now())
        )
        sub.status = "Past Due"
        sub.past_due_since = sub.billing_start
        yield self._notification(life, "subscription_went_past_due", self._subscription_element(sub, life.now()))
        if self.rng.random() < 0.5:
            sub.status, sub.failure_count, sub.past_due_since = "Active", 0, None
            self._charge(life, sub, APPROVED)
            yield self._notification(
                life, "subscription_charged_successfully", self._subscription_element(sub, life.now())
            )
        else:
            sub.status = "Canceled"
            yield self._notification(life, "subscription_canceled", self._subscription_element(sub, life.now()))

    def _charge(self, life: Lifecycle, sub: _Subscription, response: ProcessorResponse) -> None:
        """A renewal's transaction, newest first as Braintree lists them."""
        status = "submitted_for_settlement" if response is APPROVED else "processor_declined"
        tx = self._transaction(
            self._token(),
            "sale",
            status,
            sub.price,
            sub.currency,
            sub.card,
            sub.customer,
            response,
            life.now(),
            subscription_id=sub.id,
            plan_id=sub.plan,
        )
        sub.transactions.insert(0, tx)
        del sub.transactions[3:]  # a subscription's notification lists its recent transactions

    def _subscription_element(self, sub: _Subscription, at: float) -> ET.Element:
        element = ET.Element("subscription")
        _el(element, "id", sub.id)
        _el(element, "status", sub.status)
        _el(element, "plan-id", sub.plan)
        _el(element, "price", self._money(sub.currency, sub.price))
        balance = sub.price * sub.failure_count
        _el(element, "balance", self._money(sub.currency, balance))
        _el(element, "merchant-account-id", self._merchant_account(sub.currency))
        _el(element, "current-billing-cycle", sub.cycle, type="integer")
        _el(element, "failure-count", sub.failure_count, type="integer")
        days_past_due = None if sub.past_due_since is None else int((at - sub.past_due_since) // DAY) + 1
        _el(element, "days-past-due", days_past_due, type="integer")
        _el(element, "first-billing-date", _date(sub.created), type="date")
        _el(element, "billing-period-start-date", _date(sub.billing_start), type="date")
        _el(element, "billing-period-end-date", _date(sub.billing_start + 30 * DAY), type="date")
        _el(element, "next-billing-date", _date(sub.billing_start + 30 * DAY), type="date")
        paid_through = sub.billing_start - DAY if sub.failure_count else sub.billing_start + 30 * DAY
        _el(element, "paid-through-date", _date(paid_through), type="date")
        _el(element, "created-at", utc_seconds(sub.created), type="datetime")
        _el(element, "updated-at", utc_seconds(at), type="datetime")
        transactions = _el(element, "transactions", "", type="array")
        transactions.extend(sub.transactions)
        _el(element, "add-ons", "", type="array")
        _el(element, "discounts", "", type="array")
        return element
