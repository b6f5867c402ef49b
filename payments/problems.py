"""The data-quality problems the JR templates inject into the payment events, and how often.

Each is a template placeholder `@@NAME@@` (jr_templates/render.py fills it in per 10,000 events) and a stack
config key `problemRates.<camelCaseName>`."""

from __future__ import annotations

# Fractions of events that carry each problem; each is drawn independently per event.
DEFAULT_RATES: dict[str, float] = {
    "NULL_VARIATION": 0.05,  # per optional field: JSON null, 'null', 'NULL' or ''
    "INVALID_COUNTRY": 0.03,
    "MIXED_CASE_CURRENCY": 0.10,
    "UNKNOWN_CURRENCY": 0.01,
    "MISSING_CUSTOMER_ID": 0.01,
    # charges (refunds and disputes take their charge's customer): a well-formed customer id that the
    # customer dimension does not have (payments/parties.py UNKNOWN_CUSTOMERS)
    "UNKNOWN_CUSTOMER": 0.005,
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
