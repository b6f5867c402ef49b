"""Golden cases: the validation SQL runs in Flink on crafted inputs; each case's outcome must match.

One streaming query per event type over a bounded VALUES table shaped like the Kafka source, so the SQL
under test is exactly the SQL the streaming job runs.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from flink_jobs.render import JOB_SETTINGS, bronze_columns, quote, statements, validation_sql
from payments.cases import cases, event_names
from payments.events import EventType, event_type
from payments.validation import ValidationSettings
from providers.flink.gateway import session

pytestmark = pytest.mark.docker  # needs a Docker engine


def _values_source(event: EventType, payloads: list[str | None]) -> str:
    rows = ",\n".join(
        f"  (CAST({quote(p) if p is not None else 'NULL'} AS STRING), '{event.topic}', 0, CAST({i} AS BIGINT),"
        " TO_TIMESTAMP_LTZ(0, 3))"
        for i, p in enumerate(payloads)
    )
    return (
        f"CREATE TEMPORARY VIEW raw_{event.name} AS SELECT * FROM (VALUES\n{rows}\n)"
        " AS t(payload, kafka_topic, kafka_partition, kafka_offset, kafka_timestamp)"
    )


def _comparable(value: Any) -> Any:
    """Numbers as decimals, timestamps as datetimes (the gateway prints 10:15:30.25 for 10:15:30.250),
    JSON objects as dicts."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value))
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)  # key order is not meaning
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


@pytest.mark.parametrize("event_name", event_names())
def test_golden_cases(flink_gateway, event_name):
    event = event_type(event_name)
    golden = cases(event_name)
    payloads = [case.payload for case in golden]
    # What the bronze insert selects, so stored values (money rounded to cents) are what is compared.
    columns = ["kafka_offset", "rejection_reasons", *bronze_columns(event)]
    with session(flink_gateway, JOB_SETTINGS) as s:
        s.execute(_values_source(event, payloads))
        for statement in statements(validation_sql(event, ValidationSettings())):
            s.execute(statement)
        rows = s.execute(f"SELECT {', '.join(columns)} FROM {event.name}_validated")

    by_offset = {row["kafka_offset"]: row for row in rows}
    assert sorted(by_offset) == list(range(len(golden))), "every input must come out exactly once"
    failures = []
    for i, case in enumerate(golden):
        row = by_offset[i]
        reasons = [r for r in row["rejection_reasons"].split(",") if r]
        if case.reasons:
            if reasons != case.reasons:
                failures.append(f"{case.name}: reasons {reasons}, expected {case.reasons}")
            continue
        if reasons:
            failures.append(f"{case.name}: quarantined with {reasons}, expected bronze")
            continue
        for column, expected in case.bronze.items():
            got = row[column]
            if _comparable(got) != _comparable(expected):
                failures.append(f"{case.name}: {column} = {got!r}, expected {expected!r}")
    assert not failures, "\n".join(failures)
