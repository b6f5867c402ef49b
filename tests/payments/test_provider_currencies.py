"""Minor units per provider: where Stripe, Adyen and Checkout.com depart from ISO 4217, and three-decimal
amounts that must end in 0."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payments.provider_currencies import amount_decimals, minor_unit, to_minor_units, unusual_decimal_currencies


@pytest.mark.parametrize(
    ("provider", "currency", "amount", "minor"),
    [
        ("stripe", "USD", "49.99", 4999),
        ("stripe", "JPY", "500", 500),  # zero-decimal: yen, not sen
        ("stripe", "ISK", "5", 500),  # Stripe sends ISK with 2 decimals
        ("stripe", "KWD", "5.12", 5120),
        ("adyen", "EUR", "10.00", 1000),
        ("adyen", "CLP", "1000", 100000),  # Adyen's CLP has 2 decimals
        ("adyen", "IDR", "15000", 15000),  # and its IDR none
        ("adyen", "BHD", "1.234", 1234),
        ("checkout", "BHD", "100", 100000),
        ("checkout", "ISK", "700", 700),
        ("braintree", "KWD", "5.125", 5125),
    ],
)
def test_amounts_in_each_providers_minor_units(provider, currency, amount, minor):
    assert to_minor_units(provider, currency, Decimal(amount)) == minor


@pytest.mark.parametrize(
    ("provider", "currency", "amount"),
    [
        ("stripe", "KWD", "5.125"),  # must end in 0
        ("checkout", "BHD", "0.001"),
        ("stripe", "ISK", "5.5"),  # whole krónur
        ("adyen", "IDR", "10.50"),
        ("adyen", "JPY", "1.5"),
    ],
)
def test_an_amount_the_provider_cannot_take_is_refused(provider, currency, amount):
    with pytest.raises(ValueError, match=currency):
        to_minor_units(provider, currency, Decimal(amount))


def test_provider_exponents_where_they_differ_from_iso():
    assert (minor_unit("stripe", "ISK"), minor_unit("checkout", "ISK"), minor_unit("braintree", "ISK")) == (2, 0, 0)
    assert (minor_unit("adyen", "CLP"), minor_unit("stripe", "CLP")) == (2, 0)
    assert (minor_unit("adyen", "CVE"), minor_unit("checkout", "CVE")) == (0, 2)
    assert (amount_decimals("stripe", "KWD"), amount_decimals("adyen", "KWD")) == (2, 3)


def test_unusual_decimals_are_zero_and_three_decimal_currencies_and_the_providers_own_exponents():
    assert set(unusual_decimal_currencies("braintree")) == {"JPY", "KRW", "BHD", "KWD"}
    assert set(unusual_decimal_currencies("adyen")) == {"JPY", "KRW", "BHD", "KWD", "CLP", "CVE", "IDR"}
    assert set(unusual_decimal_currencies("stripe")) == {"JPY", "KRW", "BHD", "KWD", "ISK"}
    assert set(unusual_decimal_currencies("checkout")) == {"JPY", "KRW", "BHD", "KWD"}
