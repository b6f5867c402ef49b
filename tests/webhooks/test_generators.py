"""The provider-native generators: what each sends verifies with the provider's own SDK, follows the
provider's conventions, is traceable by payments.webhooks.event_identities, and shows each delivery
problem exactly at its rate's extremes."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from payments import currencies, provider_currencies
from payments.webhooks import DELIVERY_PROBLEMS, delivery_problems, event_identities
from tests.webhooks.support import PROVIDER_NAMES, braintree_parsed, events, make_generator, marks, name, verifies
from webhooks.generators.core import ProviderGenerator, Request, central_european, utc_seven_digits
from webhooks.generators.stripe import API_VERSION, OLDER_API_VERSION

# Enough requests for every lifecycle branch to appear (the rarest, a dispute, starts in about 1 in 25).
MANY = 1500


def requests(generator: ProviderGenerator, count: int = MANY) -> list[Request]:
    return [generator.next_request() for _ in range(count)]


def all_events(provider: str, sent: list[Request]) -> list:
    return [event for request in sent for event in events(provider, request.body)]


def default_rates(provider: str) -> dict[str, float]:
    return {p.name: p.default_rate for p in delivery_problems(provider)}


# Signatures.
@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_every_request_verifies_with_the_providers_sdk_and_not_with_another_secret(provider):
    wrong = {"stripe": "whsec_" + "00" * 24, "adyen": "11" * 32, "braintree": "22" * 16, "checkout": "33" * 32}
    generator = make_generator(provider)
    for request in requests(generator, 300):
        headers = generator.headers(request, time.time())
        assert headers["Content-Type"] == {"braintree": "application/x-www-form-urlencoded"}.get(
            provider, "application/json"
        )
        assert request.signature == "valid"
        assert verifies(request, headers), request.body[:200]
        assert not verifies(request, headers, wrong[provider])


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_a_bad_signature_fails_the_sdk_with_the_right_secret(provider):
    generator = make_generator(provider, {"BAD_SIGNATURE": 1.0})
    for request in requests(generator, 100):
        assert request.signature == "bad"
        assert "BAD_SIGNATURE" in request.problems
        assert not verifies(request, generator.headers(request, time.time()))


def test_a_stale_stripe_signature_is_right_but_an_hour_old():
    generator = make_generator("stripe", {"STALE_SIGNATURE": 1.0})
    for request in requests(generator, 50):
        headers = generator.headers(request, time.time())
        assert request.signature == "stale"
        assert verifies(request, headers, tolerance=None)  # the signature itself matches
        assert not verifies(request, headers, tolerance=300)  # Stripe's default tolerance refuses it
        signed_at = int(dict(part.split("=", 1) for part in headers["Stripe-Signature"].split(","))["t"])
        assert time.time() - signed_at >= 3600


def test_each_stripe_attempt_is_signed_at_its_own_time():
    generator = make_generator("stripe")
    request = generator.next_request()
    first, later = generator.headers(request, 1_800_000_000.0), generator.headers(request, 1_800_000_030.0)
    assert first["Stripe-Signature"].startswith("t=1800000000,")
    assert later["Stripe-Signature"].startswith("t=1800000030,")


def test_braintree_notifications_parse_into_the_librarys_objects():
    kinds = Counter()
    for request in requests(make_generator("braintree"), 400):
        notification = braintree_parsed(request.body)
        kinds[notification.kind] += 1
        if notification.kind.startswith("subscription_"):
            assert notification.subscription.status in ("Active", "Past Due", "Canceled")
            assert isinstance(notification.subscription.price, Decimal)
        elif notification.kind.startswith("dispute_"):
            assert notification.dispute.amount_disputed > 0
        else:
            assert notification.transaction.amount > 0
    assert {"transaction_settled", "subscription_went_active", "subscription_went_past_due"} <= set(kinds)


# Event names: each provider's own, for the kinds it has.
EXPECTED_NAMES = {
    "stripe": {
        "charge.succeeded",
        "charge.failed",
        "refund.created",
        "refund.failed",
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.closed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.payment_failed",
    },
    "adyen": {
        "AUTHORISATION",
        "AUTHORISATION:false",
        "REFUND",
        "REFUND:false",
        "NOTIFICATION_OF_CHARGEBACK",
        "CHARGEBACK",
        "CHARGEBACK_REVERSED",
        "SECOND_CHARGEBACK",
    },
    "braintree": {
        "transaction_settled",
        "transaction_settlement_declined",
        "refund_failed",
        "dispute_opened",
        "dispute_under_review",
        "dispute_won",
        "dispute_lost",
        "dispute_accepted",
        "subscription_went_active",
        "subscription_charged_successfully",
        "subscription_charged_unsuccessfully",
        "subscription_went_past_due",
        "subscription_canceled",
    },
    "checkout": {
        "payment_approved",
        "payment_declined",
        "payment_refunded",
        "payment_refund_declined",
        "dispute_evidence_required",
        "dispute_evidence_submitted",
        "dispute_won",
        "dispute_lost",
    },
}


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_each_provider_sends_its_own_event_names_and_no_others(provider):
    seen = {name(provider, e) for e in all_events(provider, requests(make_generator(provider), 3000))}
    assert seen == EXPECTED_NAMES[provider]


def test_disputes_close_won_and_lost_in_each_providers_terms():
    stripe_closed = {
        e["data"]["object"]["status"]
        for e in all_events("stripe", requests(make_generator("stripe"), 3000))
        if e["type"] == "charge.dispute.closed"
    }
    assert stripe_closed == {"won", "lost"}
    adyen = all_events("adyen", requests(make_generator("adyen"), 3000))
    statuses = {
        e["eventCode"]: e["additionalData"]["disputeStatus"] for e in adyen if "disputeStatus" in e["additionalData"]
    }
    assert statuses["CHARGEBACK_REVERSED"] == "Won"
    assert statuses["SECOND_CHARGEBACK"] == "Lost"


# Conventions.
def test_stripe_amounts_are_integers_in_minor_units_with_lower_case_currencies():
    sent = requests(make_generator("stripe", {"UNUSUAL_DECIMALS": 0.5}))
    amounts: list[tuple[str, int]] = []
    for event in all_events("stripe", sent):
        obj = event["data"]["object"]
        assert isinstance(event["created"], int)
        assert isinstance(obj["created"], int)
        assert re.fullmatch(r"evt_[0-9A-Za-z]{24}", event["id"])
        if obj["object"] == "subscription":
            price = obj["items"]["data"][0]["price"]
            amounts.append((price["currency"], price["unit_amount"]))
        elif obj["object"] == "invoice":
            amounts.append((obj["currency"], obj["amount_due"]))
        else:
            amounts.append((obj["currency"], obj["amount"]))
    assert {type(a) for _, a in amounts} == {int}
    assert all(c == c.lower() and len(c) == 3 for c, _ in amounts)
    # JPY is whole: yen, not sen (the generators' yen amounts are 150 to 75,000; in hundredths they would
    # be 100 times more).
    yen = [a for c, a in amounts if c == "jpy"]
    assert yen
    assert all(100 <= a <= 100_000 for a in yen)
    # Three-decimal amounts end in 0; ISK goes in hundredths of whole krónur.
    assert all(a % 10 == 0 for c, a in amounts if c in ("bhd", "kwd"))
    assert all(a % 100 == 0 for c, a in amounts if c == "isk")
    assert {"bhd", "kwd", "isk", "krw"} <= {c for c, _ in amounts}


def test_stripe_failed_charges_carry_a_failure_code_and_an_outcome_with_advice():
    failed = [
        e["data"]["object"]
        for e in all_events("stripe", requests(make_generator("stripe")))
        if e["type"] == "charge.failed"
    ]
    assert failed
    for charge in failed:
        assert charge["status"] == "failed"
        assert charge["paid"] is False
        assert charge["failure_code"] in ("card_declined", "expired_card", "incorrect_cvc")
        assert charge["outcome"]["type"] in ("issuer_declined", "blocked")
        assert charge["outcome"]["advice_code"] in (None, "confirm_card_data", "do_not_try_again", "try_again_later")
    assert {c["outcome"]["advice_code"] for c in failed} >= {"try_again_later", "do_not_try_again"}


def test_adyen_items_use_strings_for_booleans_minor_units_and_dates_with_an_offset():
    sent = requests(make_generator("adyen", {"UNUSUAL_DECIMALS": 0.5}))
    items = all_events("adyen", sent)
    for request in sent:
        assert json.loads(request.body)["live"] == "true"
    values: dict[str, list[int]] = {}
    for item in items:
        assert item["success"] in ("true", "false")
        assert re.fullmatch(r"[0-9A-Z]{16}", item["pspReference"])
        assert all(isinstance(v, str) for v in item["additionalData"].values())
        assert isinstance(item["amount"]["value"], int)
        values.setdefault(item["amount"]["currency"], []).append(item["amount"]["value"])
        event_date = datetime.fromisoformat(item["eventDate"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", item["eventDate"])
        assert event_date.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        if item["eventCode"] == "AUTHORISATION" and item["success"] == "false":
            assert item["reason"]
            assert item["additionalData"]["refusalReasonRaw"]
    # Adyen's CLP has 2 decimals (whole pesos: multiples of 100), its IDR none.
    assert values["CLP"]
    assert all(v % 100 == 0 for v in values["CLP"])
    assert {"IDR", "CVE", "BHD", "KWD", "JPY", "KRW"} <= set(values)


def test_braintree_amounts_are_decimal_strings_in_major_units_and_statuses_title_case():
    sent = requests(make_generator("braintree", {"UNUSUAL_DECIMALS": 0.5}))
    notifications = all_events("braintree", sent)
    seen_currencies = set()
    statuses = set()
    for notification in notifications:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", notification.findtext("timestamp"))
        for tx in notification.iter("transaction"):
            currency = tx.findtext("currency-iso-code")
            if currency is None:  # a dispute's summary of its transaction
                continue
            seen_currencies.add(currency)
            decimals = currencies.minor_unit(currency)
            pattern = r"\d+" if decimals == 0 else rf"\d+\.\d{{{decimals}}}"
            assert re.fullmatch(pattern, tx.findtext("amount")), (currency, tx.findtext("amount"))
            code, kind = tx.findtext("processor-response-code"), tx.findtext("processor-response-type")
            assert (code == "1000") == (kind == "approved")
            assert kind in ("approved", "soft_declined", "hard_declined")
        for sub in notification.iter("subscription"):
            statuses.add(sub.findtext("status"))
    assert statuses == {"Active", "Past Due", "Canceled"}
    assert {"USD", "JPY", "BHD"} <= seen_currencies


def test_checkout_times_have_seven_fractional_digits_and_disputes_use_timestamp():
    sent = requests(make_generator("checkout", {"UNUSUAL_DECIMALS": 0.5}))
    seven = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z"
    amounts = []
    for event in all_events("checkout", sent):
        if event["type"].startswith("dispute_"):
            assert "created_on" not in event
            assert re.fullmatch(seven, event["timestamp"])
        else:
            assert "timestamp" not in event
            assert re.fullmatch(seven, event["created_on"])
            assert re.fullmatch(seven, event["data"]["processed_on"])
        assert re.fullmatch(r"evt_[a-z2-7]{26}", event["id"])
        data = event["data"]
        assert isinstance(data["amount"], int)
        assert data["currency"] == data["currency"].upper()
        amounts.append((data["currency"], data["amount"]))
        code = data.get("response_code")
        if event["type"] == "payment_approved":
            assert code == "10000"
        elif event["type"] == "payment_declined":
            assert code[0] in "234"  # soft, hard or risk
    assert all(a % 10 == 0 for c, a in amounts if c in ("BHD", "KWD"))


def test_time_formats():
    # 2025's summer time in Amsterdam: 30 March 01:00 UTC to 26 October 01:00 UTC.
    at = datetime(2025, 3, 30, 1, tzinfo=UTC).timestamp()
    assert central_european(at - 1) == "2025-03-30T01:59:59+01:00"
    assert central_european(at) == "2025-03-30T03:00:00+02:00"
    autumn = datetime(2025, 10, 26, 1, tzinfo=UTC).timestamp()
    assert central_european(autumn - 1) == "2025-10-26T02:59:59+02:00"
    assert central_european(autumn) == "2025-10-26T02:00:00+01:00"
    assert utc_seven_digits(datetime(2025, 5, 1, 9, 30, tzinfo=UTC).timestamp()) == "2025-05-01T09:30:00.0000000Z"
    assert (
        utc_seven_digits(datetime(2025, 5, 1, 9, 30, tzinfo=UTC).timestamp() + 0.25) == "2025-05-01T09:30:00.2500000Z"
    )


# Identities.
@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_identities_are_the_bodys_and_distinct_events_never_share_one(provider):
    sent = requests(make_generator(provider, default_rates(provider)), 5000)
    identities = []
    for request in sent:
        assert request.identities == event_identities(provider, request.body)
        assert len(request.identities) == len(events(provider, request.body))
        identities.extend(request.identities)
    assert len(identities) == len(set(identities))


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_a_seed_gives_the_same_requests_again(provider):
    assert requests(make_generator(provider, seed=3), 50) == requests(make_generator(provider, seed=3), 50)
    assert requests(make_generator(provider, seed=3), 5) != requests(make_generator(provider, seed=4), 5)


# Delivery problems.
def shows(problem: str, request: Request, generator: ProviderGenerator) -> bool:
    """Whether the body (and its signature) of `request` shows `problem`."""
    provider = request.provider
    found = events(provider, request.body)
    if problem == "BATCH":
        return len(found) > 1
    if problem == "TEST_MODE":
        return found[0]["livemode"] is False if provider == "stripe" else json.loads(request.body)["live"] == "false"
    if problem == "BAD_SIGNATURE":
        return not verifies(request, generator.headers(request, time.time()), tolerance=None)
    if problem == "STALE_SIGNATURE":
        return not verifies(request, generator.headers(request, time.time()))
    if problem == "OLD_API_VERSION":
        return found[0]["api_version"] == OLDER_API_VERSION
    if problem == "UNUSUAL_DECIMALS":
        currency = {
            "stripe": lambda e: e["data"]["object"]["currency"].upper(),
            "adyen": lambda e: e["amount"]["currency"],
            "braintree": lambda e: (
                next(el.text for el in e.iter() if el.tag in ("currency-iso-code", "merchant-account-id"))
                .rsplit("_", 1)[-1]
                .upper()
            ),
            "checkout": lambda e: e["data"]["currency"],
        }[provider](found[0])
        return currency in provider_currencies.unusual_decimal_currencies(provider)
    raise KeyError(problem)


BODY_PROBLEMS = [
    (provider, p.name)
    for provider in PROVIDER_NAMES
    for p in DELIVERY_PROBLEMS
    if provider in p.providers and p.name not in ("REDELIVERY", "OUT_OF_ORDER")
]


@pytest.mark.parametrize(("provider", "problem"), BODY_PROBLEMS)
def test_a_problem_at_rate_1_shows_in_every_body_and_at_rate_0_in_none(provider, problem):
    for rate, expected in ((1.0, True), (0.0, False)):
        generator = make_generator(provider, {problem: rate})
        for request in requests(generator, 200):
            assert shows(problem, request, generator) is expected, (rate, request.body[:300])
            assert (problem in request.problems) is expected


def test_old_and_new_stripe_api_versions_put_an_invoices_subscription_in_different_places():
    for rate, version in ((1.0, OLDER_API_VERSION), (0.0, API_VERSION)):
        invoices = [
            e["data"]["object"]
            for e in all_events("stripe", requests(make_generator("stripe", {"OLD_API_VERSION": rate})))
            if e["api_version"] == version and e["type"] == "invoice.payment_failed"
        ]
        assert invoices
        for invoice in invoices:
            if version == OLDER_API_VERSION:
                assert invoice["subscription"].startswith("sub_")
                assert "parent" not in invoice
            else:
                assert invoice["parent"]["subscription_details"]["subscription"].startswith("sub_")
                assert "subscription" not in invoice


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_out_of_order_at_rate_1_sends_every_lifecycles_later_events_first_and_at_rate_0_never(provider):
    for rate in (1.0, 0.0):
        sent = requests(make_generator(provider, {"OUT_OF_ORDER": rate}), 2000)
        first_seen: dict[str, bool] = {}
        count: Counter[str] = Counter()
        for event in all_events(provider, sent):
            for key, opening in marks(provider, event):
                first_seen.setdefault(key, opening)
                count[key] += 1
        lifecycles = [key for key in count if count[key] > 1]
        assert len(lifecycles) > 100
        if rate:  # a dispute closed before it opened, a refund before its charge, a subscription updated first
            assert not any(first_seen[key] for key in lifecycles)
            assert any("OUT_OF_ORDER" in r.problems for r in sent)
        else:
            assert all(first_seen[key] for key in count)
            assert not any("OUT_OF_ORDER" in r.problems for r in sent)


def test_an_event_sent_late_keeps_its_own_earlier_time():
    sent = requests(make_generator("stripe", {"OUT_OF_ORDER": 1.0}), 500)
    created: dict[str, list[int]] = {}
    for event in all_events("stripe", sent):
        for key, _ in marks("stripe", event):
            created.setdefault(key, []).append(event["created"])
    reversed_lifecycles = [times for times in created.values() if len(times) > 1]
    assert reversed_lifecycles
    assert all(times == sorted(times, reverse=True) for times in reversed_lifecycles)


def test_adyen_batches_carry_2_to_5_items_each_signed():
    generator = make_generator("adyen", {"BATCH": 1.0})
    sizes = Counter(len(events("adyen", r.body)) for r in requests(generator, 300))
    assert set(sizes) == {2, 3, 4, 5}


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_redelivery_is_the_same_body_under_a_new_delivery_id(provider):
    generator = make_generator(provider, {"REDELIVERY": 1.0})
    for request in requests(generator, 50):
        assert 5 <= request.redeliver_after <= 60
        again = generator.redelivery(request)
        assert again.body == request.body
        assert again.identities == request.identities
        assert again.delivery_id != request.delivery_id
        assert "REDELIVERY" in again.problems
        assert again.redeliver_after is None
    assert all(r.redeliver_after is None for r in requests(make_generator(provider, {"REDELIVERY": 0.0}), 50))


def test_a_problem_the_provider_does_not_have_is_refused():
    with pytest.raises(ValueError, match="BATCH"):
        make_generator("stripe", {"BATCH": 0.5})
    with pytest.raises(ValueError, match="between 0 and 1"):
        make_generator("adyen", {"BATCH": 1.5})
