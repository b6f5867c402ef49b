"""The generators' tests' tools: secrets of the form the stack generates, a clock that moves on steadily,
each provider's generator signing with them, and reading what they send as a receiver would: verified
with each provider's official SDK (Checkout.com: its documented HMAC) and taken apart into events."""

from __future__ import annotations

import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import braintree
import stripe
from Adyen.util import is_valid_hmac_notification
from braintree.exceptions.invalid_signature_error import InvalidSignatureError

from payments.webhooks import adyen_items, braintree_notification
from webhooks.generators.adyen import AdyenGenerator
from webhooks.generators.braintree import BraintreeGenerator
from webhooks.generators.checkout import CheckoutGenerator
from webhooks.generators.core import ProviderGenerator, Request
from webhooks.generators.stripe import StripeGenerator

STRIPE_SECRET = "whsec_" + "5e" * 24
ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
BRAINTREE_MERCHANT = "lakehouse"
BRAINTREE_PUBLIC = "3f1d" * 8
BRAINTREE_PRIVATE = "9c0b" * 8
CHECKOUT_SECRET = "a1" * 32
PROVIDER_NAMES = ("stripe", "adyen", "braintree", "checkout")
# 2026-01-01T00:00:00Z
START = 1_767_225_600.0


class SteadyClock:
    """POSIX seconds from START, a third of a second more at each reading."""

    def __init__(self, start: float = START, step: float = 1 / 3) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def make_generator(
    name: str, problems: Mapping[str, float] | None = None, seed: int = 7, **kwargs: object
) -> ProviderGenerator:
    """`name`'s generator with the test secrets, `problems` (none by default), a seed and a steady clock."""
    kwargs.setdefault("clock", SteadyClock())
    common = {"problems": problems or {}, "seed": seed, **kwargs}
    if name == "stripe":
        return StripeGenerator(secret=STRIPE_SECRET, **common)
    if name == "adyen":
        return AdyenGenerator(hmac_key=ADYEN_KEY, **common)
    if name == "braintree":
        return BraintreeGenerator(
            merchant_id=BRAINTREE_MERCHANT, public_key=BRAINTREE_PUBLIC, private_key=BRAINTREE_PRIVATE, **common
        )
    if name == "checkout":
        return CheckoutGenerator(secret=CHECKOUT_SECRET, **common)
    raise KeyError(name)


SECRETS = {"stripe": STRIPE_SECRET, "adyen": ADYEN_KEY, "braintree": BRAINTREE_PRIVATE, "checkout": CHECKOUT_SECRET}


def verifies(request: Request, headers: dict[str, str], secret: str | None = None, tolerance: int | None = 300) -> bool:
    """Whether the provider's official verifier accepts `request` sent with `headers`, for `secret` (the
    stack's by default; Braintree's private key)."""
    secret = SECRETS[request.provider] if secret is None else secret
    body = request.body
    if request.provider == "stripe":
        try:
            return stripe.WebhookSignature.verify_header(body, headers["Stripe-Signature"], secret, tolerance)
        except stripe.SignatureVerificationError:
            return False
    if request.provider == "adyen":
        entries = json.loads(body)["notificationItems"]
        # The library checks a body's first item; each item carries its own signature.
        return all(is_valid_hmac_notification({"notificationItems": [entry]}, secret) for entry in entries)
    if request.provider == "braintree":
        try:
            braintree_parsed(body, secret)
        except InvalidSignatureError:
            return False
        return True
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["Cko-Signature"])


def braintree_parsed(body: bytes, private_key: str = BRAINTREE_PRIVATE) -> braintree.WebhookNotification:
    """The notification as the braintree library parses it, its signature checked with `private_key`
    (InvalidSignatureError when it does not match)."""
    configuration = braintree.Configuration(
        braintree.Environment.Sandbox,
        merchant_id=BRAINTREE_MERCHANT,
        public_key=BRAINTREE_PUBLIC,
        private_key=private_key,
    )
    gateway = braintree.BraintreeGateway(configuration)
    form = parse_qs(body.decode())
    return gateway.webhook_notification.parse(form["bt_signature"][0], form["bt_payload"][0])


def events(provider: str, body: bytes) -> list[Any]:
    """The provider events of a body: Stripe and Checkout.com events and Adyen items as dicts, Braintree
    notifications as XML elements."""
    if provider == "adyen":
        return adyen_items(body)
    if provider == "braintree":
        return [braintree_notification(body)]
    return [json.loads(body)]


def name(provider: str, event: Any) -> str:
    """The event's name in the provider's vocabulary (Adyen: eventCode, with success when false)."""
    if provider == "adyen":
        return event["eventCode"] + ("" if event["success"] == "true" else ":false")
    if provider == "braintree":
        return event.findtext("kind")
    return event["type"]


def subject(event: ET.Element) -> ET.Element:
    """A Braintree notification's subject (its transaction, subscription or dispute)."""
    return event.find("subject")[0]


def marks(provider: str, event: Any) -> list[tuple[str, bool]]:
    """The lifecycles an event belongs to, as (lifecycle key, whether it is the lifecycle's opening): a
    charge and what follows it (refund, dispute), a dispute, a subscription."""
    kind = name(provider, event)
    if provider == "stripe":
        obj = event["data"]["object"]
        if kind.startswith("charge.dispute."):
            return [(obj["charge"], False), (obj["id"], kind == "charge.dispute.created")]
        if kind.startswith("charge."):
            return [(obj["id"], True)]
        if kind.startswith("refund."):
            return [(obj["charge"], False), (obj["id"], kind == "refund.created")]
        if kind == "invoice.payment_failed":
            sub = obj.get("subscription") or obj["parent"]["subscription_details"]["subscription"]
            return [(sub, False)]
        return [(obj["id"], kind == "customer.subscription.created")]
    if provider == "adyen":
        code = event["eventCode"]
        if code == "AUTHORISATION":
            return [(event["pspReference"], True)]
        if code == "REFUND":
            return [(event["originalReference"], False)]
        return [(event["originalReference"], False), (event["pspReference"], code == "NOTIFICATION_OF_CHARGEBACK")]
    if provider == "braintree":
        item = subject(event)
        if item.tag == "transaction":
            refunded = item.findtext("refunded-transaction-id")
            return [(refunded, False)] if refunded else [(item.findtext("id"), True)]
        if item.tag == "dispute":
            return [(item.findtext("transaction/id"), False), (item.findtext("id"), kind == "dispute_opened")]
        return [(item.findtext("id"), kind == "subscription_went_active")]
    data = event["data"]
    if kind.startswith("dispute_"):
        return [(data["payment_id"], False), (data["id"], kind == "dispute_evidence_required")]
    return [(data["id"], kind in ("payment_approved", "payment_declined"))]
