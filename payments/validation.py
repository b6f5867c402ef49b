"""The settings of the validation rules (the rules themselves are in `flink_jobs/README.md`): which
currencies are accepted and the largest amount bronze takes. Stack config overrides both
(`validation.currencies`, `validation.maxAmount`); these are the defaults, written once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The currencies the generators emit and the rules accept unless the stack says otherwise.
ACCEPTED_CURRENCIES = ("USD", "CAD", "GBP", "EUR", "JPY")


@dataclass(frozen=True)
class ValidationSettings:
    currencies: tuple[str, ...] = ACCEPTED_CURRENCIES
    max_amount: Decimal = Decimal("1000000")
