"""The Iceberg table provider's rules for schema changes: a change Iceberg cannot make is refused at
preview, with no catalog needed."""

from __future__ import annotations

import pytest

from providers.iceberg.table import TableProvider


def _table(*columns: tuple[str, str, bool]) -> dict:
    return {
        "namespace": "payments_db",
        "name": "t",
        "columns": [{"name": n, "type": t, "required": r, "doc": ""} for n, t, r in columns],
        "partition": [],
    }


@pytest.mark.parametrize(
    ("new", "error"),
    [
        (_table(("id", "string", False), ("n", "long", False)), None),  # int to long: allowed
        (_table(("id", "string", False), ("n", "int", False), ("extra", "string", False)), None),
        (_table(("id", "string", False)), None),  # dropping a column is allowed
        (_table(("id", "string", False), ("n", "string", False)), "column 'n': Iceberg cannot change int to string"),
        (_table(("id", "string", True), ("n", "int", False)), "column 'id': cannot become required"),
        (_table(("id", "string", False), ("n", "int", False), ("x", "int", True)), "new column 'x' must be optional"),
        (_table(("id", "strin", False)), "unknown Iceberg type 'strin'"),
        (_table(("id", "string", False), ("id", "int", False)), "column 'id' is declared twice"),
    ],
)
def test_schema_changes_iceberg_cannot_make_are_refused_at_preview(new, error):
    old = _table(("id", "string", False), ("n", "int", False))
    failures = TableProvider().check(old, new).failures or []
    reasons = "; ".join(f.reason for f in failures)
    if error is None:
        assert not failures, reasons
    else:
        assert error in reasons


def test_a_partition_on_a_missing_column_is_refused():
    table = {**_table(("id", "string", False)), "partition": [{"column": "day", "transform": "day"}]}
    assert "partition column 'day' is not a column" in TableProvider().check({}, table).failures[0].reason
