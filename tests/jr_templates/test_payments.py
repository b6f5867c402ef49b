"""The payments generator (charges, refunds and disputes as emitters of one JR process), run by JR
itself exactly as the stack configures it, in burst mode to stdout.

Checked over thousands of events per type: the schema and value domains, consistency within each
event, refunds and disputes referring to charges that were emitted (and agreeing with them), each
injected problem at its configured rate (within 2 points), exact duplicates at theirs, and which
validation rules of the Flink job (flink_jobs/README.md) each event breaks: only the intended ones.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime
from decimal import Decimal

import pytest

from components.generators import SHARED, generator_env
from config import GeneratorSettings
from payments.events import DISPUTES, EVENT_TYPES, REFUNDS, EventType
from payments.parties import CUSTOMERS, MERCHANTS, UNKNOWN_CUSTOMERS
from payments.problems import DEFAULT_RATES
from payments.validation import ACCEPTED_CURRENCIES
from payments.vocabulary import (
    DISPUTE_REASON_WEIGHTS,
    NETWORK_REASON_CODES,
    PROVIDERS,
    REFUND_FAILURE_REASONS,
    REFUND_REASON_WEIGHTS,
    STATUSES,
    reason_spellings,
)
from tests.jr_templates.rules import rejection_reasons

pytestmark = pytest.mark.docker

PER_TYPE = 6000  # events per type: enough to measure each injected problem's rate within 2 points
TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NULL_LIKE = re.compile(r"^\s*(null)?\s*$", re.IGNORECASE)  # flink_jobs/README.md: "Null-like"
CURRENCIES = set(ACCEPTED_CURRENCIES)
SCHEMA = {e.name: e for e in EVENT_TYPES}
R = DEFAULT_RATES


def _null_like(value: object) -> bool:
    return value is None or (isinstance(value, str) and bool(NULL_LIKE.match(value)))


# ---------------------------------------------------------------------------------------------------
# Running the payments generator


GENERATORS = tuple(GeneratorSettings(e.name, True, e.generator_interval, 1) for e in EVENT_TYPES if e.name in SHARED)
ENV = generator_env(GENERATORS, DEFAULT_RATES)  # what the stack gives the payments container
PRELOAD = int(ENV["EMITTERS_SPEC"].splitlines()[0].split()[4])  # charges rendered at start-up


@pytest.fixture(scope="module")
def emitted(dc, jr_image) -> list[tuple[str, str, str]]:
    """(topic, key, value) of every message, duplicates included, in the order JR wrote them."""
    env = {
        **ENV,
        "OUTPUT": "stdout",
        "BURST": str(PER_TYPE),
        "OUTPUT_TEMPLATE": r"{{TOPIC}}\t{{.K}}\t{{.V}}\n",
    }
    out = dc.containers.run(jr_image, environment=env, remove=True, stderr=False)
    messages = [tuple(line.split("\t", 2)) for line in out.decode().splitlines() if line.strip()]
    assert all(len(m) == 3 for m in messages), [m for m in messages if len(m) != 3][:3]
    return messages


@pytest.fixture(scope="module")
def distinct(emitted) -> dict[str, list[str]]:
    """The payloads of each topic with exact duplicates dropped, in order."""
    seen: set[tuple[str, str, str]] = set()
    out: dict[str, list[str]] = {}
    for m in emitted:
        if m not in seen:
            seen.add(m)
            out.setdefault(m[0], []).append(m[2])
    return out


def _events(payloads: list[str]) -> list[dict]:
    events = []
    for p in payloads:
        try:
            events.append(json.loads(p))
        except json.JSONDecodeError:
            continue
    return events


def _assert_rate(name: str, count: int, total: int, expected: float) -> None:
    """Within 2 points, and present whenever configured (a missing problem fails even at small rates)."""
    observed = count / total
    assert abs(observed - expected) <= 0.02, f"{name}: observed {observed:.4f} ({count}/{total}), configured {expected}"
    if expected > 0:
        # and not wildly off for small rates either: 5 standard deviations of a binomial count
        sigma = math.sqrt(expected * (1 - expected) / total)
        assert abs(observed - expected) <= 5 * sigma + 1 / total, f"{name}: {observed:.4f} vs {expected} (n={total})"


# ---------------------------------------------------------------------------------------------------


def test_every_type_renders_its_burst_keyed_by_unique_event_ids(emitted, distinct):
    assert {t: len(p) for t, p in distinct.items()} == {
        "payment_charges": PER_TYPE + PRELOAD,
        "payment_refunds": PER_TYPE,
        "payment_disputes": PER_TYPE,
    }
    ids: Counter = Counter()
    for topic, key, value in set(emitted):
        assert UUID.match(key), (topic, key, value[:120])
        # every payload, malformed ones too, starts with its event id
        match = re.match(r'^\{\s*"event_id":\s*"([^"]+)"', value)
        assert match, (topic, key, value[:120])
        assert match.group(1) == key, (topic, key, value[:120])
        ids[key] += 1
    assert max(ids.values()) == 1, "event ids must be unique across the three types"


def test_exact_duplicates_at_their_rate(emitted):
    copies = Counter(emitted)
    assert max(copies.values()) <= 2, "a message is sent at most twice"
    duplicated = sum(1 for c in copies.values() if c == 2)
    _assert_rate("EXACT_DUPLICATE", duplicated, len(copies), R["EXACT_DUPLICATE"])
    for topic in ("payment_charges", "payment_refunds", "payment_disputes"):
        assert any(c == 2 and m[0] == topic for m, c in copies.items()), f"no duplicate on {topic}"


def _charges_by_id(distinct) -> dict[str, dict]:
    return {c["charge_id"]: c for c in _events(distinct["payment_charges"])}


def _check_reference(e: dict, charges: dict[str, dict]) -> None:
    """The refund or dispute refers to an emitted, succeeded charge and agrees with it."""
    charge = charges.get(e["charge_id"])
    assert charge is not None, f"{e['event_type']} {e['event_id']} refers to {e['charge_id']}, never emitted"
    assert charge["status"] == "succeeded", (e["event_id"], charge["status"])
    assert e["merchant_id"] == charge["merchant_id"]
    assert e["provider"] == charge["provider"]
    if not _null_like(e["customer_id"]):
        assert e["customer_id"] == charge["customer_id"]
    if not _null_like(e["currency"]) and e["currency"] in CURRENCIES:
        assert e["currency"] == charge["currency"].upper()
    assert e["created_at"] >= charge["created_at"], "created before its charge"


def _referring_events(distinct, event: EventType, may_lack: set[str]) -> list[tuple[dict, str]]:
    """The well-formed events of a type that refers to charges, each with its action (`succeeded` of
    `refund.succeeded`), once its fields and the checks common to every type have passed."""
    out = []
    for e in _events(distinct[event.name]):
        assert set(e) | may_lack == _json_keys(event), sorted(e)
        _check_common(e, f"{event.entity}.")
        out.append((e, e["event_type"].removeprefix(f"{event.entity}.")))
    return out


def _check_common(e: dict, action_prefix: str) -> None:
    assert UUID.match(e["event_id"])
    assert e["event_type"].startswith(action_prefix)
    assert e["provider"] in PROVIDERS
    assert e["merchant_id"] in MERCHANTS
    assert isinstance(e["amount"], (int, float))
    assert TS.match(e["created_at"]), e
    assert TS.match(e["updated_at"]), e
    assert datetime.strptime(e["created_at"], TS_FORMAT) <= datetime.strptime(e["updated_at"], TS_FORMAT)
    if not _null_like(e["customer_id"]):
        assert e["customer_id"] in CUSTOMERS or e["customer_id"] in UNKNOWN_CUSTOMERS, e["customer_id"]


REFUND_STATUS = STATUSES["payment_refunds"]
REFUND_REASONS = set(REFUND_REASON_WEIGHTS)


def _json_keys(event: EventType) -> set[str]:
    return {f.key or f.name for f in event.fields}


def test_refunds_are_consistent_refer_to_emitted_charges_and_carry_problems_at_their_rates(distinct):
    charges = _charges_by_id(distinct)
    payloads = distinct["payment_refunds"]
    events = _referring_events(distinct, REFUNDS, may_lack={"charge_id"})
    seen: Counter = Counter()
    for e, action in events:
        assert action in REFUND_STATUS
        if _null_like(e["status"]):
            seen["NULL_STATUS"] += 1
        else:
            assert e["status"] in REFUND_STATUS[action], e
        assert (e["failure_reason"] is not None) == (action == "failed"), e
        assert e["failure_reason"] is None or e["failure_reason"] in REFUND_FAILURE_REASONS, e
        assert re.fullmatch(r"re_[0-9a-f]{32}", e["refund_id"])
        if e["reason"] not in REFUND_REASONS:
            seen["INCONSISTENT_REASON"] += 1
            assert any(e["reason"] in reason_spellings(r) for r in REFUND_REASONS), e["reason"]
        assert e["metadata"]["refund_requested_by"] in {"customer", "merchant", "support_agent"}
        seen["NULL_VARIATION"] += _null_like(e["metadata"]["original_order_id"])
        seen["NULL_VARIATION_2"] += _null_like(e["metadata"]["support_ticket_id"])
        if _null_like(e.get("charge_id")):
            seen["MISSING_CHARGE_ID"] += 1
        else:
            _check_reference(e, charges)
            charge = charges[e["charge_id"]]
            if 0 < e["amount"] <= 1_000_000:
                assert Decimal(str(e["amount"])) <= Decimal(str(charge["amount"])), "refunds more than charged"
        seen["UNKNOWN_CURRENCY"] += e["currency"] not in CURRENCIES
        seen["MISSING_CUSTOMER_ID"] += _null_like(e["customer_id"])
        seen["AMOUNT_NON_POSITIVE"] += e["amount"] <= 0
        seen["AMOUNT_TOO_LARGE"] += e["amount"] > 1_000_000

    _assert_rate("MALFORMED", len(payloads) - len(events), len(payloads), R["MALFORMED"])
    n = len(events)
    _assert_rate("NULL_VARIATION (support_ticket_id)", seen.pop("NULL_VARIATION_2"), n, R["NULL_VARIATION"])
    expected = {k: R[k] for k in ("NULL_STATUS", "INCONSISTENT_REASON", "NULL_VARIATION", "MISSING_CHARGE_ID",
                                  "UNKNOWN_CURRENCY", "MISSING_CUSTOMER_ID", "AMOUNT_TOO_LARGE")}  # fmt: skip
    expected["AMOUNT_NON_POSITIVE"] = R["AMOUNT_NON_POSITIVE"] * (1 - R["AMOUNT_TOO_LARGE"])  # drawn first
    assert set(seen) <= set(expected)
    for name, rate in expected.items():
        _assert_rate(name, seen[name], n, rate)


DISPUTE_STATUS = STATUSES["payment_disputes"]
DISPUTE_REASONS = set(DISPUTE_REASON_WEIGHTS)
NETWORK_CODE = {c.reason: c.code for c in NETWORK_REASON_CODES}


def test_disputes_are_consistent_refer_to_emitted_charges_and_carry_problems_at_their_rates(distinct):
    charges = _charges_by_id(distinct)
    payloads = distinct["payment_disputes"]
    events = _referring_events(distinct, DISPUTES, may_lack={"charge_id", "metadata"})
    seen: Counter = Counter()
    for e, action in events:
        assert e["status"] in DISPUTE_STATUS[action], e
        assert e["reason"] in DISPUTE_REASONS
        assert _null_like(e["network_reason_code"]) or e["network_reason_code"] == NETWORK_CODE[e["reason"]], e
        assert re.fullmatch(r"dp_[0-9a-f]{32}", e["dispute_id"])
        assert isinstance(e["is_charge_refundable"], bool)
        assert TS.match(e["evidence_due_by"])
        assert e["evidence_due_by"] > e["created_at"]
        seen["NULL_VARIATION"] += _null_like(e["network_reason_code"])
        metadata = e.get("metadata")
        evidence = (metadata or {}).get("customer_contacted"), (metadata or {}).get("evidence_submitted")
        if metadata is None or None in evidence:
            seen["MISSING_EVIDENCE"] += 1
        else:
            assert re.fullmatch(r"CASE-\d{6}", metadata["case_number"])
            assert evidence[1] == (e["status"] != "needs_response"), e  # submitted once under review
        if _null_like(e.get("charge_id")):
            seen["MISSING_CHARGE_ID"] += 1
        else:
            _check_reference(e, charges)
            if 0 < e["amount"] <= 1_000_000:
                assert e["amount"] == charges[e["charge_id"]]["amount"], "a dispute is for the whole charge"
        seen["NULL_CURRENCY"] += _null_like(e["currency"])
        seen["UNKNOWN_CURRENCY"] += not _null_like(e["currency"]) and e["currency"] not in CURRENCIES
        seen["MISSING_CUSTOMER_ID"] += _null_like(e["customer_id"])
        seen["AMOUNT_NON_POSITIVE"] += e["amount"] <= 0
        seen["AMOUNT_TOO_LARGE"] += e["amount"] > 1_000_000

    _assert_rate("MALFORMED", len(payloads) - len(events), len(payloads), R["MALFORMED"])
    expected = {k: R[k] for k in ("NULL_VARIATION", "MISSING_EVIDENCE", "MISSING_CHARGE_ID", "UNKNOWN_CURRENCY",
                                  "MISSING_CUSTOMER_ID", "AMOUNT_TOO_LARGE")}  # fmt: skip
    expected["NULL_CURRENCY"] = R["NULL_CURRENCY"] * (1 - R["UNKNOWN_CURRENCY"])  # an unknown one replaces it
    expected["AMOUNT_NON_POSITIVE"] = R["AMOUNT_NON_POSITIVE"] * (1 - R["AMOUNT_TOO_LARGE"])
    assert set(seen) <= set(expected)
    for name, rate in expected.items():
        _assert_rate(name, seen[name], len(events), rate)


def _rule_breaking_rates(topic: str) -> dict[str, float]:
    """Expected share of all events (malformed included) that the job quarantines for each reason."""
    ok = 1 - R["MALFORMED"]
    currency = R["UNKNOWN_CURRENCY"]
    if topic == "payment_disputes":
        currency = 1 - (1 - R["NULL_CURRENCY"]) * (1 - R["UNKNOWN_CURRENCY"])
    rates = {
        "NOT_JSON_OBJECT": R["MALFORMED"],
        "MISSING_CUSTOMER_ID": R["MISSING_CUSTOMER_ID"] * ok,
        "INVALID_CURRENCY": currency * ok,
        "INVALID_AMOUNT_NEGATIVE": R["AMOUNT_NON_POSITIVE"] * (1 - R["AMOUNT_TOO_LARGE"]) * ok,
        "INVALID_AMOUNT_TOO_LARGE": R["AMOUNT_TOO_LARGE"] * ok,
    }
    if topic != "payment_charges":
        rates["MISSING_CHARGE_ID"] = R["MISSING_CHARGE_ID"] * ok
    return rates


@pytest.mark.parametrize("topic", ["payment_charges", "payment_refunds", "payment_disputes"])
def test_only_the_intended_validation_rules_are_broken_at_their_rates(distinct, topic):
    """Data-quality problems that are not rule-breakers (null status, reason formats, missing evidence,
    null variations, mixed-case currencies) must pass validation; each rule-breaker must trigger its
    reason, at its rate."""
    payloads = distinct[topic]
    reasons = Counter(r for p in payloads for r in rejection_reasons(topic, p))
    expected = _rule_breaking_rates(topic)
    assert set(reasons) <= set(expected), f"unintended reasons: {set(reasons) - set(expected)}"
    for reason, rate in expected.items():
        _assert_rate(reason, reasons[reason], len(payloads), rate)
    clean = sum(1 for p in payloads if not rejection_reasons(topic, p))
    # the events with no rule-breaker: every draw missed
    no_breaker = (1 - R["MALFORMED"]) * math.prod(
        1 - R[k] for k in ("MISSING_CUSTOMER_ID", "UNKNOWN_CURRENCY", "AMOUNT_NON_POSITIVE", "AMOUNT_TOO_LARGE")
    )
    if topic != "payment_charges":
        no_breaker *= 1 - R["MISSING_CHARGE_ID"]
    if topic == "payment_disputes":
        no_breaker *= 1 - R["NULL_CURRENCY"]
    _assert_rate("valid", clean, len(payloads), no_breaker)
