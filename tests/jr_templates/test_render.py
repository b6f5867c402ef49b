"""The templates as render.py fills them: every domain value comes from payments/, none is left out."""

from __future__ import annotations

import re

import pytest

from jr_templates.render import render
from payments.events import EVENT_TYPES
from payments.validation import ACCEPTED_CURRENCIES


@pytest.mark.parametrize("event", [e.name for e in EVENT_TYPES])
def test_a_rendered_template_has_no_placeholder_left(event):
    assert "@@" not in render(event)


@pytest.mark.parametrize("event", ["payment_charges", "payment_subscriptions"])
def test_generated_currencies_are_the_accepted_ones(event):
    """A valid event's currency is drawn from exactly the currencies the validation rules accept."""
    drawn = re.search(r'\$currency := randoms "([^"]*)"', render(event))
    assert drawn is not None
    assert set(drawn.group(1).split("|")) == set(ACCEPTED_CURRENCIES)


@pytest.mark.parametrize("event", ["payment_refunds", "payment_disputes"])
def test_a_refund_or_dispute_without_a_charge_still_has_an_accepted_currency(event):
    fallback = re.search(r'\$pick = "\|\|\|\|([A-Z]*)\|', render(event))
    assert fallback is not None
    assert fallback.group(1) in ACCEPTED_CURRENCIES
