"""Fill a template's rate placeholders (`@@NAME@@`, per 10,000 events) from the configured rates."""

from __future__ import annotations

import re
from pathlib import Path

from payments.events import event_type
from payments.problems import DEFAULT_RATES

TEMPLATES = Path(__file__).parent
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")


class TemplateError(ValueError):
    """A template names a rate that has no value."""


def render(name: str, rates: dict[str, float] | None = None) -> str:
    """The event type's template (`name`: payment_charges) with every placeholder replaced by its rate in
    events per 10,000: the given rates over the defaults. Raises TemplateError for a rate with no value."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    template = event_type(name).template
    text = (TEMPLATES / template).read_text()

    def per_10k(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in rates:
            raise TemplateError(f"{template} uses @@{key}@@, which has no configured rate")
        return str(round(rates[key] * 10_000))

    return _PLACEHOLDER.sub(per_10k, text)
