"""Payment providers' own webhooks: the providers, the raw Kafka topic of each, the rejected-webhooks topic,
the record headers the receiver writes, why a request is refused, and the identity of a provider event.

Facts per provider (envelopes, money, timestamps, signatures, delivery habits) with their sources are in
docs/providers.md. The receiver (webhooks/receiver.py) writes each accepted request's body unchanged to
its provider's topic; the provider-native generators (webhooks/generators/) POST to it; tests and the
accounting (lakehouse/webhooks.py) count both sides by `event_identities`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Provider:
    name: str  # stripe: also the endpoint's last path segment and the config key
    title: str  # Stripe
    content_type: str  # what the provider POSTs
    # The body the provider expects with a 2xx (Adyen requires `[accepted]`); empty: any.
    acknowledgement: bytes = b""

    @property
    def topic(self) -> str:
        """The raw topic: every accepted request's body, unchanged, one record per request."""
        return f"webhooks_{self.name}"

    @property
    def path(self) -> str:
        """The receiver's endpoint for this provider."""
        return f"/webhooks/{self.name}"


STRIPE = Provider("stripe", "Stripe", "application/json")
ADYEN = Provider("adyen", "Adyen", "application/json", acknowledgement=b"[accepted]")
BRAINTREE = Provider("braintree", "Braintree", "application/x-www-form-urlencoded")
CHECKOUT = Provider("checkout", "Checkout.com", "application/json")

PROVIDERS = (STRIPE, ADYEN, BRAINTREE, CHECKOUT)
# Refused requests (bad, stale or missing signatures, unreadable bodies), for audit and data quality:
# never on a provider's topic.
REJECTED_TOPIC = "webhooks_rejected"
WEBHOOK_TOPICS = (*(p.topic for p in PROVIDERS), REJECTED_TOPIC)


def provider(name: str) -> Provider:
    """The provider called `name` (stripe); KeyError for any other name."""
    return _BY_NAME[name]


_BY_NAME = {p.name: p for p in PROVIDERS}

# Kafka record headers on both topics (values UTF-8 text).
HEADER_PROVIDER = "provider"
HEADER_RECEIVED_AT = "received_at"  # receipt time, ISO 8601 UTC with microseconds
HEADER_CONTENT_TYPE = "content_type"  # as the request said
HEADER_SIGNATURE = "signature"  # "valid", or on the rejected topic the rejection reason
HEADER_RECEIPT_ID = "receipt_id"  # one per request: also the record key

# Why a request is refused (HTTP 401, or 413 for BODY_TOO_LARGE), the value of HEADER_SIGNATURE there.
SIGNATURE_MISSING = "SIGNATURE_MISSING"  # no signature header or field
SIGNATURE_MISMATCH = "SIGNATURE_MISMATCH"  # wrong secret or a changed body
SIGNATURE_STALE = "SIGNATURE_STALE"  # Stripe: the signed timestamp is outside the tolerance
MALFORMED_BODY = "MALFORMED_BODY"  # the signature cannot be checked: the body is not what the provider sends
BODY_TOO_LARGE = "BODY_TOO_LARGE"
REJECTION_REASONS = (SIGNATURE_MISSING, SIGNATURE_MISMATCH, SIGNATURE_STALE, MALFORMED_BODY, BODY_TOO_LARGE)

# The fields Adyen's HMAC signs, in its order (Adyen's Python library, Adyen/util.py): with `eventDate`
# they are the only stable fields of an item, which has no id of its own.
ADYEN_SIGNED_FIELDS = (
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "value",
    "currency",
    "eventCode",
    "success",
)


def adyen_signed_values(item: dict) -> list[str]:
    """The values Adyen's HMAC signs, from one NotificationRequestItem, in ADYEN_SIGNED_FIELDS order
    (`value` and `currency` come from its `amount`; a missing field is empty)."""
    amount = item.get("amount") or {}
    flat = {**item, "value": amount.get("value", ""), "currency": amount.get("currency", "")}
    return ["" if flat.get(k) is None else str(flat[k]) for k in ADYEN_SIGNED_FIELDS]


def adyen_items(body: bytes) -> list[dict]:
    """The NotificationRequestItems of an Adyen webhook body, in order. Raises ValueError (json's errors
    included) when the body is not one."""
    doc = json.loads(body)
    items = [entry["NotificationRequestItem"] for entry in doc["notificationItems"]]
    if not items or not all(isinstance(i, dict) for i in items):
        raise ValueError("no NotificationRequestItem")
    return items


def braintree_notification(body: bytes) -> ET.Element:
    """The `<notification>` XML of a Braintree webhook (form fields `bt_signature`, `bt_payload`; the
    payload is base64 XML). Raises ValueError when the body is not one."""
    form = parse_qs(body.decode("ascii"), strict_parsing=True)
    payload = base64.b64decode(form["bt_payload"][0], validate=False)
    return ET.fromstring(payload)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def event_identities(provider_name: str, body: bytes) -> tuple[str, ...]:
    """The provider events in one webhook body, each as `<provider>:<identity>`: Stripe's and Checkout.com's
    event `id`; for Adyen, whose items have no id, a digest of each item's signed fields and `eventDate`;
    for Braintree, which sends no id, a digest of `kind`, the subject's id and `timestamp`. A redelivery has
    the identities of the first delivery. Raises ValueError (KeyError, json and XML errors are ValueErrors
    or re-raised as one) when the body is not the provider's."""
    try:
        if provider_name in (STRIPE.name, CHECKOUT.name):
            return (f"{provider_name}:{json.loads(body)['id']}",)
        if provider_name == ADYEN.name:
            return tuple(
                f"adyen:{_digest(*adyen_signed_values(i), str(i.get('eventDate', '')))}" for i in adyen_items(body)
            )
        if provider_name == BRAINTREE.name:
            note = braintree_notification(body)
            subject = note.find("subject")
            first = subject[0] if subject is not None and len(subject) else None
            subject_id = first.findtext("id", "") if first is not None else ""
            return (f"braintree:{_digest(note.findtext('kind', ''), subject_id, note.findtext('timestamp', ''))}",)
    except (KeyError, IndexError, TypeError, ET.ParseError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a {provider_name} webhook body: {exc!r}") from exc
    raise KeyError(provider_name)


@dataclass(frozen=True)
class DeliveryProblem:
    """A way real providers deliver webhooks that the lake has to cope with; the provider-native generators
    inject each at a configured rate (stack config `webhooks.generators.<provider>.problemRates`)."""

    name: str  # REDELIVERY; the config key is its camelCase (redelivery, outOfOrder)
    default_rate: float  # fraction of the generated provider events (or requests) with it
    providers: tuple[str, ...]  # the providers whose webhooks can have it
    description: str


_ALL = tuple(p.name for p in PROVIDERS)
DELIVERY_PROBLEMS = (
    DeliveryProblem("REDELIVERY", 0.02, _ALL, "an accepted webhook delivered again later, re-signed, same events"),
    DeliveryProblem(
        "OUT_OF_ORDER",
        0.05,
        _ALL,
        "a lifecycle's later event delivered before its earlier one (a dispute closed before it opened)",
    ),
    DeliveryProblem("BATCH", 0.2, (ADYEN.name,), "a request carrying 2 to 5 notification items"),
    DeliveryProblem(
        "TEST_MODE",
        0.01,
        (STRIPE.name, ADYEN.name),
        'a test-mode event (Stripe `livemode: false`, Adyen `live: "false"`); the others send no such flag',
    ),
    DeliveryProblem("BAD_SIGNATURE", 0.01, _ALL, "a request signed with a wrong secret: refused with 401"),
    DeliveryProblem(
        "STALE_SIGNATURE",
        0.005,
        (STRIPE.name,),
        "a signature whose signed timestamp is older than the tolerance (only Stripe signs one): refused with 401",
    ),
    DeliveryProblem(
        "OLD_API_VERSION",
        0.3,
        (STRIPE.name,),
        "an event rendered in the older of two Stripe API versions, whose invoices carry `subscription` at the"
        " top level instead of under `parent.subscription_details`",
    ),
    DeliveryProblem(
        "UNUSUAL_DECIMALS",
        0.1,
        _ALL,
        "an amount in a zero-decimal (JPY, KRW) or three-decimal (BHD, KWD) currency, or one the provider counts"
        " differently from ISO 4217 (Stripe ISK; Adyen CLP, CVE, IDR)",
    ),
)


# How old the generators' STALE_SIGNATURE timestamps are: Stripe's tolerance (stack config) must stay below it.
STALE_SIGNATURE_AGE_SECONDS = 3600


def delivery_problems(provider_name: str) -> tuple[DeliveryProblem, ...]:
    """The delivery problems a provider's generator can inject."""
    return tuple(p for p in DELIVERY_PROBLEMS if provider_name in p.providers)
