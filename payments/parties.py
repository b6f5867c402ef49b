"""The parties events name: customers and merchants, as id spaces the generators draw from and the dbt
dimensions cover (`tools/dbt_artifacts.py` writes them as seeds).

An `IdSpace` is a printf format and an inclusive range of numbers: `cus_%06d` over 1..5000 gives
`cus_000001` .. `cus_005000`. The JR templates get each space's format and bounds through render.py
placeholders (`@@CUSTOMER_ID_FORMAT@@`, `@@CUSTOMER_ID_FIRST@@`, `@@CUSTOMER_ID_END@@`, …), so a change
here changes the generators and the dimensions together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class IdSpace:
    """Ids `<prefix><number, zero-padded to digits>` for every number in first..last (both included)."""

    prefix: str  # cus_
    digits: int  # 6
    first: int
    last: int

    @property
    def format(self) -> str:
        """The printf format of one id: `cus_%06d`."""
        return f"{self.prefix}%0{self.digits}d"

    @property
    def pattern(self) -> re.Pattern[str]:
        """What any id of this shape looks like, inside the range or not: `cus_\\d{6}`."""
        return re.compile(rf"{re.escape(self.prefix)}\d{{{self.digits}}}")

    def id(self, number: int) -> str:
        """The id of `number`: 42 -> `cus_000042`."""
        return self.format % number

    def ids(self) -> Iterator[str]:
        """Every id of the space, in order."""
        return (self.id(n) for n in range(self.first, self.last + 1))

    def __contains__(self, value: object) -> bool:
        """`"cus_000042" in CUSTOMERS`: well-formed and inside the range."""
        return (
            isinstance(value, str)
            and self.pattern.fullmatch(value) is not None
            and self.first <= int(value[len(self.prefix) :]) <= self.last
        )

    def placeholders(self, name: str) -> dict[str, str]:
        """Template values for JR: `{NAME}_FORMAT`, `{NAME}_FIRST` and `{NAME}_END`, the end exclusive because
        JR's `integer first end` draws first..end-1 (images/jr/README.md)."""
        return {f"{name}_FORMAT": self.format, f"{name}_FIRST": str(self.first), f"{name}_END": str(self.last + 1)}


# The customer dimension: every customer a generator names, unless the event carries UNKNOWN_CUSTOMER.
CUSTOMERS = IdSpace("cus_", 6, 1, 5000)
MERCHANTS = IdSpace("merch_", 4, 1, 200)
# Where UNKNOWN_CUSTOMER (payments/problems.py) draws from: well-formed ids that no dimension row has.
UNKNOWN_CUSTOMERS = IdSpace("cus_", 6, 900_001, 999_999)


def template_values() -> dict[str, str]:
    """The id spaces' JR template placeholders by name (without the @@): CUSTOMER_ID_FORMAT -> `cus_%06d`."""
    return {
        **CUSTOMERS.placeholders("CUSTOMER_ID"),
        **MERCHANTS.placeholders("MERCHANT_ID"),
        **UNKNOWN_CUSTOMERS.placeholders("UNKNOWN_CUSTOMER_ID"),
    }
