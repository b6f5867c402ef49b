"""Signed webhook requests for the receiver's tests: provider payloads of our own, signed the way each
provider signs, with its official SDK's signer where it has one (Stripe
`WebhookSignature.generate_signature_header`, Adyen `Adyen.util.generate_notification_sig`, Braintree
`WebhookTestingGateway.sample_notification` and `Crypto.sha1_hmac_hash`) and Checkout.com's documented
algorithm (hex HMAC-SHA256 of the raw body) where it has none."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import braintree
from Adyen.util import generate_notification_sig
from braintree.util.crypto import Crypto
from braintree.webhook_notification import WebhookNotification
from stripe import WebhookSignature


def secrets_env() -> dict[str, str]:
    """Fresh signing secrets, in the forms of the environment contract."""
    return {
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(24),
        "ADYEN_HMAC_KEY": secrets.token_hex(32).upper(),
        "BRAINTREE_MERCHANT_ID": "lakehouse-edge-test",
        "BRAINTREE_PUBLIC_KEY": secrets.token_hex(16),
        "BRAINTREE_PRIVATE_KEY": secrets.token_hex(16),
        "CHECKOUT_WEBHOOK_SECRET": secrets.token_hex(32),
    }


def receiver_env(**overrides: str) -> dict[str, str]:
    """A complete receiver environment with fresh secrets; `overrides` by variable name."""
    return {
        "KAFKA_BOOTSTRAP": "kafka:29092",
        "WEBHOOK_TOPIC_PREFIX": "",
        "WEBHOOK_SIGNATURE_TOLERANCE_SECONDS": "300",
        "WEBHOOK_MAX_BODY_BYTES": "65536",
        "WEBHOOK_ACK_TIMEOUT_MS": "5000",
        "WEBHOOK_WORKERS": "1",
        **secrets_env(),
        **overrides,
    }


@dataclass
class Signed:
    """One request as a provider would POST it."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


# Payloads of our own, in each provider's envelope. The Stripe and Checkout.com ones keep non-ASCII text,
# odd spacing and a trailing zero in a decimal: a re-serialized body would not match its signature.
STRIPE_EVENT = (
    '{"id": "evt_1EdgeTest7Qx2", "object": "event", "api_version": "2025-03-31.basil",'
    ' "created": 1780000000, "livemode": false, "type": "charge.succeeded",\n'
    ' "data": {"object": {"id": "ch_3EdgeTestAa1", "object": "charge", "amount": 4250, "currency": "eur",'
    ' "description": "Caf\u00e9 cr\u00e8me \u00a9", "status": "succeeded"}}}'
).encode()
CHECKOUT_EVENT = (
    '{"id":"evt_k3v7edgetestq2lmn5w4rj6yxa","type":"payment_approved","version":"1.0.33",'
    '"created_on":"2026-03-02T09:15:00.1234567Z","data":{"id":"pay_edgetest4f2","amount":12500,'
    '"currency":"BHD","metadata":{"rate":1.10,"note":"r\u00e9sum\u00e9 \u2122"}}}'
).encode()


def adyen_item(psp: str = "EDGE0000000000A1", value: int = 1999) -> dict:
    return {
        "pspReference": psp,
        "merchantAccountCode": "LakehouseEdgeTest",
        "merchantReference": f"order-{psp[-4:]}",
        "amount": {"value": value, "currency": "EUR"},
        "eventCode": "AUTHORISATION",
        "success": "true",
        "eventDate": "2026-03-02T10:15:00+01:00",
        "additionalData": {"cardBin": "411111"},
    }


def sign_stripe(body: bytes, secret: str, at: float | None = None) -> Signed:
    header = WebhookSignature.generate_signature_header(body.decode(), secret, int(at or time.time()))
    return Signed(body, {"Stripe-Signature": header, "Content-Type": "application/json"})


def sign_adyen(items: list[dict], hmac_key: str) -> Signed:
    signed = []
    for item in items:
        item = copy.deepcopy(item)
        item["additionalData"]["hmacSignature"] = generate_notification_sig(item, hmac_key).decode()
        signed.append({"NotificationRequestItem": item})
    body = json.dumps({"live": "false", "notificationItems": signed}).encode()
    return Signed(body, {"Content-Type": "application/json"})


def braintree_gateway(env: dict[str, str]) -> braintree.BraintreeGateway:
    return braintree.BraintreeGateway(
        braintree.Configuration(
            braintree.Environment.Sandbox,
            env["BRAINTREE_MERCHANT_ID"],
            env["BRAINTREE_PUBLIC_KEY"],
            env["BRAINTREE_PRIVATE_KEY"],
        )
    )


def sign_braintree(env: dict[str, str], subscription_id: str = "sub_edge_7") -> Signed:
    """Braintree's own sample notification, signed by its testing gateway."""
    form = braintree_gateway(env).webhook_testing.sample_notification(
        WebhookNotification.Kind.SubscriptionChargedSuccessfully, subscription_id
    )
    body = urlencode({"bt_signature": form["bt_signature"], "bt_payload": form["bt_payload"]}).encode()
    return Signed(body, {"Content-Type": "application/x-www-form-urlencoded"})


def sign_braintree_payload(payload: bytes, public_key: str, private_key: str) -> Signed:
    """Any payload (base64 text), signed as Braintree signs: `public_key|hex(HMAC-SHA1)`."""
    signature = f"{public_key}|{Crypto.sha1_hmac_hash(private_key, payload)}"
    body = urlencode({"bt_signature": signature, "bt_payload": payload}).encode()
    return Signed(body, {"Content-Type": "application/x-www-form-urlencoded"})


def sign_checkout(body: bytes, secret: str) -> Signed:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Signed(body, {"Cko-Signature": signature, "Content-Type": "application/json"})


def signed(provider: str, env: dict[str, str]) -> Signed:
    """A valid request for `provider`, signed with the secrets of `env`."""
    if provider == "stripe":
        return sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"])
    if provider == "adyen":
        return sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"])
    if provider == "braintree":
        return sign_braintree(env)
    if provider == "checkout":
        return sign_checkout(CHECKOUT_EVENT, env["CHECKOUT_WEBHOOK_SECRET"])
    raise KeyError(provider)
