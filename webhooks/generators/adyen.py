"""Adyen's Standard webhooks: `{"live": "true", "notificationItems": [{"NotificationRequestItem": …}]}`,
an item per event with no event id of its own (its `pspReference` is the payment's or the
modification's), `eventCode` + `success` as the strings "true"/"false", `amount` as `{value, currency}` in
minor units (Adyen's own minor units: CLP 2, CVE 0, IDR 0), `eventDate` in ISO 8601 with an offset and
every `additionalData` value a string. Each item is signed in `additionalData.hmacSignature` by the Adyen
library's own `Adyen.util.generate_notification_sig`.

Event codes and fields: Adyen/adyen-openapi `json/Webhooks-v1.json`; refusal reasons: Adyen's
refusal-reasons page. Facts with sources: docs/providers.md ("What each provider sends", "Sources").
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from Adyen.util import generate_notification_sig

from payments.webhooks import ADYEN
from webhooks.generators.core import (
    DAY,
    DIGITS,
    UPPER,
    Card,
    Event,
    Lifecycle,
    ProviderGenerator,
    SignatureKind,
    UniqueTokens,
    central_european,
    draw_card,
)


@dataclass(frozen=True)
class Refusal:
    """A refused authorisation: Adyen's refusal reason (the item's `reason`), the issuer's raw answer
    (`refusalReasonRaw`) and, on Mastercard, its merchant advice code."""

    reason: str
    raw: str
    merchant_advice: str


REFUSALS = (
    Refusal("Not enough balance", "51 : Insufficient funds", "02: Cannot approve at this time, try again later"),
    Refusal("Refused", "05 : Do not honor", "02: Cannot approve at this time, try again later"),
    Refusal("Expired Card", "54 : Expired card", "01: New account information available"),
    Refusal("Blocked Card", "62 : Restricted card", "03: Do not try again"),
    Refusal("Acquirer Fraud", "59 : Suspected fraud", "03: Do not try again"),
    Refusal("CVC Declined", "N7 : CVV2 failure", "01: New account information available"),
)
# Chargeback reason codes per scheme (`chargebackSchemeCode`), with the reason text of the item.
CHARGEBACK_REASONS = {
    "visa": {
        "10.4": "Other Fraud - Card Absent Environment",
        "12.6.1": "Duplicate Processing",
        "13.1": "Merchandise/Services Not Received",
        "13.2": "Cancelled Recurring",
    },
    "mc": {
        "4837": "No Cardholder Authorization",
        "4834": "Point-of-Interaction Error",
        "4853": "Cardholder Dispute",
        "4841": "Cancelled Recurring or Digital Goods Transactions",
    },
}


@dataclass
class _Payment:
    psp_reference: str
    merchant_reference: str
    shopper: str
    amount: Decimal
    currency: str
    card: Card

    @property
    def method(self) -> str:
        """Adyen's `paymentMethod` and `chargebackSchemeCode` for the card's scheme."""
        return "mc" if self.card.scheme == "mastercard" else self.card.scheme


class AdyenGenerator(ProviderGenerator):
    """Adyen's webhooks for `merchant_account`, signed with `hmac_key` (hex); BATCH puts 2 to 5 items in a
    request."""

    provider = ADYEN

    def __init__(self, *, hmac_key: str, merchant_account: str = "LakehouseECOM", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = hmac_key
        self._wrong_key = self.rng.randbytes(32).hex().upper()
        self._merchant_account = merchant_account
        self._psp = UniqueTokens(self.rng, DIGITS + UPPER, 16)
        self._reference = UniqueTokens(self.rng, DIGITS, 10)

    # Requests.
    def _batch_size(self) -> int:
        return self.rng.randint(2, 5) if self.draw("BATCH") else 1

    def _body(self, events: Sequence[Event], signature: SignatureKind) -> bytes:
        key = self._wrong_key if signature == "bad" else self._key
        items = []
        for event in events:
            item = {**event.payload, "additionalData": dict(event.payload["additionalData"])}
            item["additionalData"]["hmacSignature"] = generate_notification_sig(item, key).decode()
            items.append({"NotificationRequestItem": item})
        live = "true" if events[0].live else "false"
        return json.dumps({"live": live, "notificationItems": items}).encode()

    # Events.
    def _item(
        self,
        life: Lifecycle,
        payment: _Payment,
        event_code: str,
        success: bool,
        reason: str,
        additional: dict[str, str],
        *,
        amount: Decimal | None = None,
        psp_reference: str | None = None,
    ) -> Event:
        """An item of `event_code` about `payment`; a modification (`psp_reference` given) refers to the
        payment in `originalReference`."""
        item: dict[str, Any] = {
            "additionalData": additional,
            "amount": {
                "currency": payment.currency,
                "value": self.minor_units(payment.currency, payment.amount if amount is None else amount),
            },
            "eventCode": event_code,
            "eventDate": central_european(life.at()),
            "merchantAccountCode": self._merchant_account,
            "merchantReference": payment.merchant_reference,
            "paymentMethod": payment.method,
            "pspReference": psp_reference or payment.psp_reference,
            "reason": reason,
            "success": "true" if success else "false",
        }
        if psp_reference is not None:
            item["originalReference"] = payment.psp_reference
        return life.event(item)

    def _lifecycle(self, life: Lifecycle) -> Iterator[Event]:
        """An authorisation; when it succeeded, sometimes a refund or a chargeback of it."""
        card = draw_card(self.rng, life.now())
        payment = _Payment(
            psp_reference=self._psp(),
            merchant_reference=f"ORD-{self._reference()}",
            shopper=f"shopper-{self._reference()}",
            amount=self.amount(life.currency),
            currency=life.currency,
            card=card,
        )
        card_data = {
            "cardBin": card.bin,
            "cardSummary": card.last4,
            "expiryDate": f"{card.exp_month}/{card.exp_year}",
            "fundingSource": card.funding.upper(),
            "issuerCountry": card.country,
            "shopperReference": payment.shopper,
        }
        if self.rng.random() < 0.2:
            refusal = self.rng.choice(REFUSALS)
            refused = {**card_data, "refusalReasonRaw": refusal.raw}
            if payment.method == "mc":
                refused["merchantAdviceCode"] = refusal.merchant_advice
            yield self._item(life, payment, "AUTHORISATION", False, refusal.reason, refused)
            return
        auth_code = "".join(self.rng.choices(DIGITS, k=6))
        expiry = f"{card.exp_month:02d}/{card.exp_year}"
        authorised = {**card_data, "authCode": auth_code}
        yield self._item(life, payment, "AUTHORISATION", True, f"{auth_code}:{card.last4}:{expiry}", authorised)
        follow = self.follow_up()
        if follow == "refund":
            ok = self.rng.random() < 0.9
            amount = self.part_of(payment.currency, payment.amount)
            reason = "" if ok else "Insufficient balance on payment"
            yield self._item(life, payment, "REFUND", ok, reason, {}, amount=amount, psp_reference=self._psp())
        elif follow == "dispute":
            yield from self._chargeback(life, payment)

    def _chargeback(self, life: Lifecycle, payment: _Payment) -> Iterator[Event]:
        """NOTIFICATION_OF_CHARGEBACK, CHARGEBACK; defended: CHARGEBACK_REVERSED (won), sometimes followed by
        SECOND_CHARGEBACK (lost); undefended, the CHARGEBACK is the loss."""
        dispute = self._psp()
        code, reason = self.rng.choice(list(CHARGEBACK_REASONS[payment.method].items()))
        amount = self.part_of(payment.currency, payment.amount)
        defense_ends = central_european(life.now() + self.rng.randint(7, 21) * DAY)
        defended = self.rng.random() < 0.6

        def item(event_code: str, status: str) -> Event:
            additional = {
                "chargebackReasonCode": code,
                "chargebackSchemeCode": payment.method,
                "defensePeriodEndsAt": defense_ends,
                "defendable": "true",
                "disputeStatus": status,
            }
            return self._item(life, payment, event_code, True, reason, additional, amount=amount, psp_reference=dispute)

        yield item("NOTIFICATION_OF_CHARGEBACK", "Undefended")
        yield item("CHARGEBACK", "Pending" if defended else "Expired")
        if defended:
            yield item("CHARGEBACK_REVERSED", "Won")
            if self.rng.random() < 0.3:
                yield item("SECOND_CHARGEBACK", "Lost")
