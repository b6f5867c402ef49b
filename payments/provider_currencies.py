"""Money in the payment providers' own webhooks: how many decimals each provider gives a currency's minor
unit where it departs from ISO 4217, which providers want a three-decimal amount to end in 0, and the
currencies the provider-native generators draw.

Sources (docs/providers.md, "What each provider sends"): Stripe's currency page (ISK is sent with 2
decimals for backward compatibility, 500 = 5 ISK; three-decimal amounts must end in 0); Adyen's
currency codes (CLP has 2 decimals and CVE 0, "differs from standard") and its platform's currency
table (IDR 0); Checkout.com's
"calculating the amount" (ISK in full units; three-decimal amounts must end in 0). Braintree sends
decimal strings in major units, so only ISO's minor unit says how many decimals they carry.
"""

from __future__ import annotations

from decimal import Decimal

from payments import currencies
from payments.validation import ACCEPTED_CURRENCIES

# (provider, currency) -> decimals of that provider's minor unit, where the provider says so. Checkout.com's
# ISK agrees with ISO (0) and is written here because Checkout.com states it, unlike Stripe.
PROVIDER_MINOR_UNITS: dict[tuple[str, str], int] = {
    ("stripe", "ISK"): 2,
    ("adyen", "CLP"): 2,
    ("adyen", "CVE"): 0,
    ("adyen", "IDR"): 0,
    ("checkout", "ISK"): 0,
}

# Providers whose three-decimal amounts must be a multiple of 10 in minor units (KWD 5.124 -> 5120 or 5130).
THREE_DECIMALS_END_IN_ZERO = frozenset({"stripe", "checkout"})

# The currencies of the UNUSUAL_DECIMALS delivery problem: zero-decimal and three-decimal ones.
ZERO_DECIMAL_CURRENCIES = ("JPY", "KRW")
THREE_DECIMAL_CURRENCIES = ("BHD", "KWD")

# About how many units of a currency buy what one unit of an ordinary one does (rounded 2025 rates), so the
# generators' amounts look plausible: a ¥7,500 charge, not a ¥50 one.
AMOUNT_SCALE: dict[str, Decimal] = {
    "JPY": Decimal(150),
    "KRW": Decimal(1400),
    "BHD": Decimal("0.38"),
    "KWD": Decimal("0.31"),
    "ISK": Decimal(140),
    "CLP": Decimal(950),
    "CVE": Decimal(100),
    "IDR": Decimal(16000),
}

# The currencies of every other generated event: the accepted ones with ISO's 2 decimals, which every
# provider treats as ISO does, weighted like the JR generators' (USD 3, EUR 2, others 1).
ORDINARY_CURRENCY_WEIGHTS: dict[str, int] = {
    code: {"USD": 3, "EUR": 2}.get(code, 1) for code in ACCEPTED_CURRENCIES if currencies.minor_unit(code) == 2
}


def minor_unit(provider: str, currency: str) -> int:
    """Decimals of `currency`'s minor unit in `provider`'s webhooks (upper-case ISO code): the provider's
    own where PROVIDER_MINOR_UNITS has it, else ISO 4217's. KeyError for a code not in ISO 4217."""
    return PROVIDER_MINOR_UNITS.get((provider, currency), currencies.minor_unit(currency))


def amount_decimals(provider: str, currency: str) -> int:
    """Decimals an amount in `currency` can really have at `provider`: never more than ISO's (Stripe's ISK
    has 2 decimals in minor units but is paid in whole krónur), nor than the provider's minor unit (Adyen's
    IDR), and 2 for three-decimal currencies at providers whose amounts end in 0."""
    decimals = min(currencies.minor_unit(currency), minor_unit(provider, currency))
    if decimals == 3 and provider in THREE_DECIMALS_END_IN_ZERO:
        return 2
    return decimals


def to_minor_units(provider: str, currency: str, amount: Decimal) -> int:
    """`amount` (major units: 49.99 USD) in `provider`'s minor units of `currency` (4999). Raises ValueError
    when the amount has more decimals than amount_decimals(provider, currency) allows."""
    if amount != round(amount, amount_decimals(provider, currency)):
        raise ValueError(f"{amount} {currency} has more decimals than {provider} takes")
    return int(amount.scaleb(minor_unit(provider, currency)))


def unusual_decimal_currencies(provider: str) -> tuple[str, ...]:
    """The currencies the UNUSUAL_DECIMALS problem draws for `provider`: zero- and three-decimal ones, and
    those whose decimals at this provider differ from ISO 4217 (Adyen's CLP, CVE and IDR)."""
    own = tuple(
        code
        for (name, code), decimals in PROVIDER_MINOR_UNITS.items()
        if name == provider and decimals != currencies.minor_unit(code)
    )
    return ZERO_DECIMAL_CURRENCIES + THREE_DECIMAL_CURRENCIES + own
