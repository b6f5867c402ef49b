"""Currencies and their minor units: how many decimals an amount in each can have.

Source: ISO 4217, List One (current currency and funds codes), as published by SIX Financial
Information, the standard's maintenance agency (the amendments of 2025 included: XCG beside ANG, ZWG,
SLE, VED). Codes whose minor unit the list gives as "N.A." (gold, SDR, testing, XXX) are not money a
payment is made in and are left out. An amount with more decimals than its currency's minor unit is
refused (`INVALID_AMOUNT_PRECISION`), never rounded.
"""

from __future__ import annotations

# fmt: off
_BY_EXPONENT: dict[int, tuple[str, ...]] = {
    0: ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
        "XOF", "XPF"),
    2: ("AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD",
        "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CNY",
        "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
        "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR",
        "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
        "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD",
        "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
        "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD",
        "XCG", "YER", "ZAR", "ZMW", "ZWG"),
    3: ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"),
    4: ("CLF", "UYW"),
}
# fmt: on

# Currency code -> its minor unit (the exponent: 2 for USD's cents, 0 for JPY, 3 for KWD's fils).
MINOR_UNITS: dict[str, int] = {code: exponent for exponent, codes in _BY_EXPONENT.items() for code in codes}


def minor_unit(code: str) -> int:
    """Decimals an amount in `code` (upper-case ISO 4217) can have; KeyError for a code not in the list."""
    return MINOR_UNITS[code]


def template_values() -> dict[str, str]:
    """The JR template placeholder of currencies without decimals, as arguments of Go's `eq`:
    WHOLE_CURRENCIES -> `"BIF" "CLP" … "JPY" …` (their amounts are whole: yen, not cents)."""
    return {"WHOLE_CURRENCIES": " ".join(f'"{code}"' for code in _BY_EXPONENT[0])}
