"""The JR templates rendered by JR itself, thousands of times: valid events are well-formed and
internally consistent, and each injected problem shows up at its configured rate (within 2 points)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jr_templates.render import render
from payments.currencies import minor_unit
from payments.parties import CUSTOMERS, MERCHANTS, UNKNOWN_CUSTOMERS
from payments.problems import DEFAULT_RATES
from payments.validation import ACCEPTED_CURRENCIES
from payments.vocabulary import CHARGE_FAILURE_CODES, PROVIDERS, RISK_LEVELS, STATUSES

CURRENCIES = set(ACCEPTED_CURRENCIES)
NULL_LIKE = (None, "null", "NULL", "")
TS = "%Y-%m-%d %H:%M:%S.%f"
EVENTS = 6000

pytestmark = pytest.mark.docker


def _render_with_jr(dc, image: str, tmp_path: Path, name: str, count: int) -> list[str]:
    (tmp_path / f"{name}.tpl").write_text(render(name))
    tmp_path.chmod(0o755)  # JR runs as an unprivileged user in its container
    out = dc.containers.run(
        image,
        environment={
            "OUTPUT": "stdout",
            "TEMPLATE": name,
            "TOPIC": name,
            "COUNT_PER_TICK": str(count),
            "FREQUENCY": "1s",
            "DURATION": "1500ms",
        },
        volumes={str(tmp_path): {"bind": "/templates", "mode": "ro"}},
        remove=True,
        stderr=False,
    )
    lines = [line for line in out.decode().splitlines() if line.strip()]
    assert len(lines) >= count, f"JR rendered {len(lines)} events, expected at least {count}"
    return lines


def _parse(lines: list[str]) -> tuple[list[dict], Counter]:
    """The events that parse, and a counter that already holds the malformed ones."""
    seen: Counter = Counter()
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            seen["MALFORMED"] += 1
    ids = [e["event_id"] for e in events]
    assert len(set(ids)) == len(ids), "event ids must be unique"
    return events, seen


def _count_common_problems(e: dict, seen: Counter) -> None:
    if e["currency"].upper() not in CURRENCIES:
        seen["UNKNOWN_CURRENCY"] += 1
    elif e["currency"] != e["currency"].upper():
        seen["MIXED_CASE_CURRENCY"] += 1
    if e["customer_id"] in NULL_LIKE:
        seen["MISSING_CUSTOMER_ID"] += 1
    amount = Decimal(str(e["amount"]))
    seen["AMOUNT_NON_POSITIVE"] += amount <= 0
    seen["AMOUNT_TOO_LARGE"] += amount > 1_000_000
    if 0 < amount <= 1_000_000 and e["currency"].upper() in CURRENCIES:  # no injected problem: exact
        decimals = max(0, -amount.normalize().as_tuple().exponent)
        assert decimals <= minor_unit(e["currency"].upper()), f"{e['amount']} {e['currency']}: finer than its unit"


def _assert_rates(seen: Counter, totals: dict[str, int], expected: dict[str, float]) -> None:
    off = {k: (seen[k] / totals[k], v) for k, v in expected.items() if abs(seen[k] / totals[k] - v) > 0.02}
    assert not off, f"observed vs configured rates: {off} (counts {dict(seen)}, out of {totals})"
    assert all(seen[k] > 0 for k in expected), f"every problem must occur at least once: {dict(seen)}"


def test_charges_are_consistent_and_carry_problems_at_their_rates(dc, jr_image, tmp_path):
    lines = _render_with_jr(dc, jr_image, tmp_path, "payment_charges", EVENTS)
    events, seen = _parse(lines)
    total = len(lines)
    assert len({e["charge_id"] for e in events}) == len(events), "charge ids must be unique"
    for e in events:
        # consistency of the valid branch, whatever problems were injected elsewhere in the event
        assert e["event_type"] == f"charge.{e['status']}"
        assert e["status"] in {"succeeded", "failed", "pending"}
        assert (e["failure_code"] is not None) == (e["status"] == "failed"), e
        assert (e["failure_message"] is not None) == (e["status"] == "failed"), e
        level = next(name for name, low, high in RISK_LEVELS if low <= e["risk_score"] <= high)
        assert e["risk_level"] == level
        assert e["failure_code"] is None or e["failure_code"] in CHARGE_FAILURE_CODES, e
        assert e["provider"] in PROVIDERS
        assert e["merchant_id"] in MERCHANTS
        assert 1 <= e["card_exp_month"] <= 12
        created, updated = datetime.strptime(e["created_at"], TS), datetime.strptime(e["updated_at"], TS)
        assert created <= updated
        assert re.fullmatch(r"[A-Z]{2}", e["billing_country"])

        _count_common_problems(e, seen)
        if not re.fullmatch(r"[A-Z]{2}", e["card_country"] or ""):
            seen["INVALID_COUNTRY"] += 1
        seen["NULL_VARIATION"] += e["billing_postal_code"] in NULL_LIKE  # one of the optional fields
        if e["customer_id"] not in NULL_LIKE and e["customer_id"] not in CUSTOMERS:
            assert e["customer_id"] in UNKNOWN_CUSTOMERS, e["customer_id"]
            seen["UNKNOWN_CUSTOMER"] += 1

    problems = (
        "NULL_VARIATION", "INVALID_COUNTRY", "MIXED_CASE_CURRENCY", "UNKNOWN_CURRENCY",
        "MISSING_CUSTOMER_ID", "AMOUNT_NON_POSITIVE", "AMOUNT_TOO_LARGE", "MALFORMED", "UNKNOWN_CUSTOMER",
    )  # fmt: skip
    expected = {k: DEFAULT_RATES[k] for k in problems}
    # A missing customer id replaces an unknown one.
    expected["UNKNOWN_CUSTOMER"] *= 1 - DEFAULT_RATES["MISSING_CUSTOMER_ID"]
    # Mixed case is drawn before the unknown-currency override replaces a few of them.
    expected["MIXED_CASE_CURRENCY"] *= 1 - DEFAULT_RATES["UNKNOWN_CURRENCY"]
    _assert_rates(seen, dict.fromkeys(problems, total), expected)


DAY = timedelta(days=1)
PERIOD = {"week": 7 * DAY, "month": 30 * DAY, "year": 365 * DAY}
STATUS = STATUSES["payment_subscriptions"]


def test_subscriptions_are_coherent_and_carry_problems_at_their_rates(dc, jr_image, tmp_path):
    lines = _render_with_jr(dc, jr_image, tmp_path, "payment_subscriptions", 20_000)
    events, seen = _parse(lines)
    trialing = 0
    for e in events:
        action = e["event_type"].removeprefix("subscription.")
        assert e["status"] in STATUS[action], e
        assert (e["canceled_at"] is not None) == (e["status"] == "canceled")
        assert e["cancel_at_period_end"] == (e["status"] == "canceled")
        start = datetime.strptime(e["current_period_start"], TS)
        assert datetime.strptime(e["current_period_end"], TS) - start == PERIOD[e["interval"]]
        assert e["plan_name"] in {"basic", "pro", "team"}
        assert e["provider"] in PROVIDERS
        assert e["merchant_id"] in MERCHANTS
        assert e["customer_id"] in NULL_LIKE or e["customer_id"] in CUSTOMERS, e["customer_id"]
        if e["status"] == "trialing":
            trialing += 1
            if e["trial_end"] in NULL_LIKE:
                seen["NULL_TRIAL_DATES"] += 1
            else:
                assert datetime.strptime(e["trial_end"], TS) - datetime.strptime(e["trial_start"], TS) == 14 * DAY
        else:
            assert e["trial_start"] is None
            assert e["trial_end"] is None
        _count_common_problems(e, seen)
        seen["MISSING_PLAN_ID"] += e["plan_id"] in NULL_LIKE
        seen["MISSING_PROMO_CODE"] += "promo_code" not in e["metadata"]

    problems = ("MISSING_PLAN_ID", "MISSING_PROMO_CODE", "UNKNOWN_CURRENCY", "MISSING_CUSTOMER_ID",
                "AMOUNT_NON_POSITIVE", "MALFORMED")  # fmt: skip
    totals = {**dict.fromkeys(problems, len(lines)), "NULL_TRIAL_DATES": trialing}
    _assert_rates(seen, totals, {k: DEFAULT_RATES[k] for k in (*problems, "NULL_TRIAL_DATES")})
