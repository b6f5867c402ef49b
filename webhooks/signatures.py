"""One signature verifier per payment provider, each as that provider specifies, through its official SDK
where the SDK verifies. Each takes the raw request body, unchanged (never re-serialized), and the request's
headers, and returns None for an authentic request or raises `SignatureRejectedError` with a reason from
payments.webhooks (SIGNATURE_MISSING, SIGNATURE_MISMATCH, SIGNATURE_STALE, MALFORMED_BODY).

The schemes, as read in the pinned SDKs (requirements.txt):
- Stripe (stripe 16.1.0, `stripe/_webhook.py`, `WebhookSignature.verify_header`): header
  `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=...]`; v1 = hex HMAC-SHA256 keyed with the whole secret
  (`whsec_...`, UTF-8) over `"<t>.<body as UTF-8 text>"`; it checks the signatures first, then that
  t >= now - tolerance (a future t passes).
- Adyen (Adyen 16.0.0, `Adyen/util.py`, `is_valid_hmac_notification`): per NotificationRequestItem,
  `additionalData.hmacSignature` = base64 HMAC-SHA256 keyed with the hex-decoded key over
  `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`
  (`generate_notification_sig`; a missing field is empty). Given a whole notification it checks only the
  first item, so each item is checked here.
- Braintree (braintree 4.48.0, `braintree/webhook_notification_gateway.py`, `WebhookNotificationGateway.parse`):
  form fields `bt_signature` = `public_key|hex` pairs joined by `&`, `bt_payload` = base64 XML; the pair
  with our public key must carry hex HMAC-SHA1 keyed with SHA-1(private key) over the payload, or the
  payload plus a newline (`braintree/util/crypto.py`, `Crypto.sha1_hmac_hash`); then it parses the XML.
- Checkout.com (no verifier in an official SDK): header `Cko-Signature` = hex HMAC-SHA256 of the raw
  body keyed with the webhook's signature key as text
  (https://www.checkout.com/docs/developer-resources/webhooks/manage-webhooks/set-up-your-webhook-receiver).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import parse_qs
from xml.parsers.expat import ExpatError

import braintree
from Adyen.util import is_valid_hmac_notification
from braintree.exceptions.invalid_signature_error import InvalidSignatureError
from stripe import SignatureVerificationError, WebhookSignature

from payments.webhooks import (
    ADYEN,
    ADYEN_SIGNED_FIELDS,
    BRAINTREE,
    CHECKOUT,
    MALFORMED_BODY,
    SIGNATURE_MISMATCH,
    SIGNATURE_MISSING,
    SIGNATURE_STALE,
    STRIPE,
    adyen_items,
)
from webhooks.settings import WebhookSecrets


class SignatureRejectedError(Exception):
    """A request whose signature is missing, wrong or stale, or whose body cannot carry one. `reason` is one
    of payments.webhooks.REJECTION_REASONS; the message says why, without secrets or signature values."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class Verifier(Protocol):
    def __call__(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Return if `body` (the raw request body) is authentic; raise SignatureRejectedError if not. `headers`:
        the request's headers, looked up by lower-case name (Starlette's `Headers` is case-insensitive)."""


class StripeVerifier:
    """Stripe: `Stripe-Signature` checked by stripe.WebhookSignature.verify_header with a timestamp
    tolerance in seconds."""

    def __init__(self, secret: str, tolerance_seconds: int) -> None:
        self._secret = secret
        self._tolerance = tolerance_seconds

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> None:
        header = headers.get("stripe-signature")
        if not header:
            raise SignatureRejectedError(SIGNATURE_MISSING, "no Stripe-Signature header")
        try:
            WebhookSignature.verify_header(body, header, self._secret, self._tolerance)
        except UnicodeDecodeError as exc:  # the SDK signs the body as UTF-8 text
            raise SignatureRejectedError(MALFORMED_BODY, "the body is not UTF-8 text") from exc
        except SignatureVerificationError:
            # The SDK raises one error type; it checks the signature before the timestamp, so a signature
            # that holds without the tolerance is a good but stale one.
            try:
                WebhookSignature.verify_header(body, header, self._secret, None)
            except SignatureVerificationError as exc:
                raise SignatureRejectedError(SIGNATURE_MISMATCH, "no v1 signature matches the body") from exc
            raise SignatureRejectedError(
                SIGNATURE_STALE, f"the signed timestamp is more than {self._tolerance}s old"
            ) from None


class AdyenVerifier:
    """Adyen: every NotificationRequestItem's `additionalData.hmacSignature` checked by
    Adyen.util.is_valid_hmac_notification; all must hold."""

    def __init__(self, hmac_key_hex: str) -> None:
        self._key = hmac_key_hex

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> None:
        try:
            items = adyen_items(body)
        except (ValueError, KeyError, TypeError) as exc:  # json's errors are ValueErrors
            raise SignatureRejectedError(
                MALFORMED_BODY, "not an Adyen notification: no NotificationRequestItem"
            ) from exc
        for index, item in enumerate(items):
            additional = item.get("additionalData") or {}
            amount = item.get("amount")
            if not isinstance(additional, dict) or not isinstance(amount, dict):
                raise SignatureRejectedError(MALFORMED_BODY, f"item {index}: additionalData or amount is no object")
            signature = additional.get("hmacSignature")
            if not signature:
                raise SignatureRejectedError(SIGNATURE_MISSING, f"item {index} has no additionalData.hmacSignature")
            # Only what Adyen signs, and the signature: given anything with a `notificationItems` key, the SDK
            # checks that key's first item instead, so an item carrying a signed one inside would pass unread.
            signed = {k: item[k] for k in ADYEN_SIGNED_FIELDS if k in item}
            signed |= {"amount": amount, "additionalData": {"hmacSignature": signature}}
            try:
                valid = is_valid_hmac_notification(signed, self._key)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:  # fields of the wrong types
                raise SignatureRejectedError(MALFORMED_BODY, f"item {index} lacks the fields Adyen signs") from exc
            if not valid:
                raise SignatureRejectedError(SIGNATURE_MISMATCH, f"item {index}: hmacSignature does not match")


class BraintreeVerifier:
    """Braintree: the form's `bt_signature` and `bt_payload` checked (and parsed) by the gateway's
    webhook_notification.parse; one gateway, built once."""

    def __init__(self, merchant_id: str, public_key: str, private_key: str) -> None:
        # Parsing a webhook makes no request: the environment only names an API host that is never called.
        config = braintree.Configuration(braintree.Environment.Sandbox, merchant_id, public_key, private_key)
        self._gateway = braintree.BraintreeGateway(config)

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> None:
        try:
            form = parse_qs(body.decode("ascii"), strict_parsing=True, max_num_fields=16)
        except (UnicodeDecodeError, ValueError) as exc:
            raise SignatureRejectedError(MALFORMED_BODY, "not a URL-encoded form") from exc
        signature, payload = form.get("bt_signature"), form.get("bt_payload")
        if not signature:
            raise SignatureRejectedError(SIGNATURE_MISSING, "no bt_signature field")
        if not payload:
            raise SignatureRejectedError(MALFORMED_BODY, "no bt_payload field")
        try:
            self._gateway.webhook_notification.parse(signature[0], payload[0])
        except InvalidSignatureError as exc:  # no pair with our public key, a wrong HMAC, or a non-base64 payload
            raise SignatureRejectedError(SIGNATURE_MISMATCH, f"bt_signature refused: {exc}") from exc
        except (ExpatError, KeyError, TypeError, AttributeError, ValueError, UnicodeError) as exc:
            # Authentic, but not a notification the SDK can read (base64 of no XML, no <notification>).
            raise SignatureRejectedError(
                MALFORMED_BODY, f"bt_payload is not a notification: {type(exc).__name__}"
            ) from exc


class CheckoutVerifier:
    """Checkout.com: `Cko-Signature`, hex HMAC-SHA256 of the raw body, compared in constant time."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> None:
        header = headers.get("cko-signature")
        if not header:
            raise SignatureRejectedError(SIGNATURE_MISSING, "no Cko-Signature header")
        expected = hmac.new(self._key, body, hashlib.sha256).hexdigest().encode()
        # Header values arrive as latin-1 text (ASGI): back to bytes, so any value compares without error.
        if not hmac.compare_digest(expected, header.strip().lower().encode("latin-1")):
            raise SignatureRejectedError(SIGNATURE_MISMATCH, "Cko-Signature does not match the body")


def verifiers(secrets: WebhookSecrets, stripe_tolerance_seconds: int) -> dict[str, Verifier]:
    """One verifier per provider name (payments.webhooks.PROVIDERS), built once from the stack's secrets."""
    return {
        STRIPE.name: StripeVerifier(secrets.stripe_webhook_secret.get_secret_value(), stripe_tolerance_seconds),
        ADYEN.name: AdyenVerifier(secrets.adyen_hmac_key.get_secret_value()),
        BRAINTREE.name: BraintreeVerifier(
            secrets.braintree_merchant_id,
            secrets.braintree_public_key.get_secret_value(),
            secrets.braintree_private_key.get_secret_value(),
        ),
        CHECKOUT.name: CheckoutVerifier(secrets.checkout_webhook_secret.get_secret_value()),
    }
