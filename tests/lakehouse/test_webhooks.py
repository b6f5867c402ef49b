"""The webhook accounting: what it calls lost, doubled, refused and not generated."""

from __future__ import annotations

import json

from lakehouse.webhooks import Record, account
from payments.webhooks import (
    HEADER_PROVIDER,
    HEADER_RECEIVED_AT,
    HEADER_SIGNATURE,
    SIGNATURE_MISMATCH,
    event_identities,
)

T0 = "2026-12-07T10:00:00+00:00"


def stripe_body(event_id: str) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": "charge.succeeded"}).encode()


def adyen_body(*psp_references: str) -> bytes:
    items = [
        {
            "NotificationRequestItem": {
                "pspReference": ref,
                "merchantAccountCode": "Shop",
                "amount": {"value": 1000, "currency": "EUR"},
                "eventCode": "AUTHORISATION",
                "success": "true",
                "eventDate": "2026-12-07T11:00:00+01:00",
            }
        }
        for ref in psp_references
    ]
    return json.dumps({"live": "true", "notificationItems": items}).encode()


def attempt(provider: str, identities: list[str], status: int | None, delivery: str) -> dict:
    return {
        "provider": provider,
        "identities": identities,
        "delivery_id": delivery,
        "attempt": 1,
        "status": status,
        "problems": [],
        "signature": "valid" if status != 401 else "bad",
        "sent_at": T0,
    }


def on_topic(body: bytes, **headers: str) -> Record:
    return Record(body, {HEADER_RECEIVED_AT: T0, **headers})


def test_each_accepted_delivery_on_the_topic_once_balances_a_redelivery_counting_twice():
    lines = [
        attempt("stripe", ["stripe:evt_1"], 503, "d1"),
        attempt("stripe", ["stripe:evt_1"], 200, "d1"),
        attempt("stripe", ["stripe:evt_1"], 200, "d2"),  # redelivered later: a second delivery
    ]
    records = {"webhooks_stripe": [on_topic(stripe_body("evt_1")), on_topic(stripe_body("evt_1"))]}
    stripe = account(lines, records)["stripe"]
    assert stripe.balanced
    assert (stripe.attempts, stripe.unavailable, stripe.accepted["stripe:evt_1"]) == (3, 1, 2)


def test_an_accepted_delivery_missing_from_the_topic_is_lost_and_an_unanswered_one_on_it_is_doubled():
    lines = [attempt("stripe", ["stripe:evt_1"], 200, "d1"), attempt("stripe", ["stripe:evt_2"], 503, "d2")]
    records = {"webhooks_stripe": [on_topic(stripe_body("evt_2"))]}
    stripe = account(lines, records)["stripe"]
    assert dict(stripe.missing) == {"stripe:evt_1": 1}
    assert dict(stripe.extra) == {"stripe:evt_2": 1}
    assert not stripe.balanced


def test_an_adyen_batch_counts_each_item_and_records_the_generators_never_sent_are_set_apart():
    body = adyen_body("PSP0000000000001", "PSP0000000000002")
    lines = [attempt("adyen", list(event_identities("adyen", body)), 200, "d1")]
    records = {"webhooks_adyen": [on_topic(body), on_topic(adyen_body("PSP9999999999999"))]}
    adyen = account(lines, records)["adyen"]
    assert adyen.balanced
    assert (adyen.on_topic.total(), adyen.foreign) == (2, 1)


def test_refusals_balance_against_the_providers_records_on_the_rejected_topic():
    lines = [attempt("checkout", ["checkout:evt_9"], 401, "d1")]
    rejected = on_topic(stripe_body("evt_9"), **{HEADER_PROVIDER: "checkout", HEADER_SIGNATURE: SIGNATURE_MISMATCH})
    assert account(lines, {"webhooks_rejected": [rejected]})["checkout"].balanced
    assert not account(lines, {"webhooks_rejected": []})["checkout"].balanced


def test_a_refused_request_whose_body_no_one_can_read_is_not_mistaken_for_a_generated_one():
    lines = [attempt("braintree", ["braintree:x"], 401, "d1")]
    rejected = on_topic(b"not a form", **{HEADER_PROVIDER: "braintree", HEADER_SIGNATURE: "MALFORMED_BODY"})
    braintree = account(lines, {"webhooks_rejected": [rejected]})["braintree"]
    assert (braintree.on_rejected, braintree.foreign, braintree.balanced) == (0, 1, False)
