"""Fill a template's placeholders (`@@NAME@@`): an injected problem's rate, per 10,000 events, from the
configured rates; or a domain value from payments/ (id spaces, vocabularies, currencies: `@@PROVIDERS@@`)."""

from __future__ import annotations

import re
from pathlib import Path

from payments import currencies, parties, vocabulary
from payments.events import event_type
from payments.problems import DEFAULT_RATES

TEMPLATES = Path(__file__).parent
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
# Domain values the templates use, by placeholder name; disjoint from the problem names (a unit test checks).
VALUES: dict[str, str] = {**parties.template_values(), **vocabulary.template_values(), **currencies.template_values()}


class TemplateError(ValueError):
    """A template names a rate or value that has none."""


def render(name: str, rates: dict[str, float] | None = None) -> str:
    """The event type's template (`name`: payment_charges) with every placeholder replaced: a rate by its
    value in events per 10,000 (the given rates over the defaults), a domain value by its text. Raises
    TemplateError for a placeholder with neither."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    template = event_type(name).template
    text = (TEMPLATES / template).read_text()

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in rates:
            return str(round(rates[key] * 10_000))
        if key in VALUES:
            return VALUES[key]
        raise TemplateError(f"{template} uses @@{key}@@, which has no configured rate or value")

    return _PLACEHOLDER.sub(fill, text)
