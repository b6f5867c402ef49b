"""Fill a template's rate placeholders (`@@NAME@@`, per 10,000 events) from the configured rates."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).parent
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")

# Fractions of events that carry each problem; each is drawn independently per event.
DEFAULT_RATES: dict[str, float] = {
    "NULL_VARIATION": 0.05,  # per optional field: JSON null, 'null', 'NULL' or ''
    "INVALID_COUNTRY": 0.03,
    "MIXED_CASE_CURRENCY": 0.10,
    "UNKNOWN_CURRENCY": 0.01,
    "MISSING_CUSTOMER_ID": 0.01,
    "AMOUNT_NON_POSITIVE": 0.01,
    "AMOUNT_TOO_LARGE": 0.01,
    "MALFORMED": 0.005,
    "NULL_TRIAL_DATES": 0.05,  # of the events that carry a trial
    "MISSING_PLAN_ID": 0.01,
    "MISSING_PROMO_CODE": 0.10,
    "MISSING_CHARGE_ID": 0.01,  # refunds and disputes: absent, JSON null, 'null' or ''
    "NULL_STATUS": 0.05,  # refunds
    "INCONSISTENT_REASON": 0.10,  # refunds: 'Requested By Customer', 'REQUESTED_BY_CUSTOMER', 'requested-by-customer'
    "MISSING_EVIDENCE": 0.10,  # disputes: metadata absent or null, or its evidence fields absent or null
    "NULL_CURRENCY": 0.02,  # disputes
    # Not a template placeholder: JR itself sends this fraction of messages twice (images/jr, patch 0004).
    "EXACT_DUPLICATE": 0.01,
}


class TemplateError(ValueError):
    """A template names a rate that has no value."""


def render(name: str, rates: dict[str, float] | None = None) -> str:
    rates = {**DEFAULT_RATES, **(rates or {})}
    text = (TEMPLATES / f"{name}.tpl").read_text()

    def per_10k(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in rates:
            raise TemplateError(f"{name}.tpl uses @@{key}@@, which has no configured rate")
        return str(round(rates[key] * 10_000))

    return _PLACEHOLDER.sub(per_10k, text)
