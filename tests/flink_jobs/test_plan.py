"""The job's optimized plan, as Flink compiles it: each record is read once and judged once.

Each type's two inserts (bronze, quarantine) read one shared projection that parses the payload and
evaluates every rule; each insert only filters on the outcome and picks its columns. Without the job's
settings Flink copies the validation into both inserts (and, before JSON_FIELD_TEXTS, parsed the payload
once per field reference): the last test shows what the settings change.
"""

from __future__ import annotations

import re

import pytest

from flink_jobs.render import (
    JOB_SETTINGS,
    bronze_columns,
    route_sql,
    statements,
    validation_sql,
)
from payments.events import EVENT_TYPES, EventType
from payments.tables import bronze, quarantine
from payments.validation import ValidationSettings
from providers.flink.gateway import session
from tests.flink_jobs.test_validation_golden import _values_source

pytestmark = pytest.mark.docker  # needs a Docker engine

# Iceberg column types (payments/tables.py) as the Flink sink tables declare them.
FLINK_TYPES = {
    "string": "STRING",
    "decimal(10, 2)": "DECIMAL(10, 2)",
    "timestamp": "TIMESTAMP(6)",
    "timestamptz": "TIMESTAMP_LTZ(6)",
    "int": "INT",
    "long": "BIGINT",
    "boolean": "BOOLEAN",
}


def _blackhole(name: str, columns: tuple[tuple[str, str, str], ...]) -> str:
    fields = ", ".join(f"`{c}` {FLINK_TYPES[t]}" for c, t, _ in columns)
    return f"CREATE TEMPORARY TABLE {name} ({fields}) WITH ('connector' = 'blackhole')"


def _execution_plan(flink_gateway: str, event: EventType, settings: dict[str, str]) -> str:
    with session(flink_gateway, settings) as s:
        s.execute(_values_source(event, ['{"a": 1}']))
        for statement in statements(validation_sql(event, ValidationSettings())):
            s.execute(statement)
        for spec in (bronze(event), quarantine(event)):
            s.execute(_blackhole(spec.name, spec.columns))
        inserts = statements(route_sql(event, "default_catalog", "default_database"))
        rows = s.execute("EXPLAIN STATEMENT SET BEGIN\n" + ";\n".join(inserts) + ";\nEND")
    return str(next(iter(rows[0].values()))).split("== Optimized Execution Plan ==")[1]


@pytest.mark.parametrize("event", EVENT_TYPES, ids=lambda e: e.name)
def test_each_record_is_parsed_once_and_judged_once(flink_gateway, event):
    plan = _execution_plan(flink_gateway, event, JOB_SETTINGS)
    assert plan.count("JSON_FIELD_TEXTS(") == 1, plan
    assert plan.count("CONCAT_WS(") == 1, f"the rules are evaluated in more than one projection:\n{plan}"
    # Each insert reads the shared projection and only filters on its outcome.
    assert len(re.findall(r"Reused\(reference_id=\[\d+\]\)", plan)) == 2, plan
    assert "where=[(rejection_reasons = '')]" in plan
    assert "where=[(rejection_reasons <> '')]" in plan
    assert all(column.split(" AS ")[-1] in plan for column in bronze_columns(event))


def test_without_the_jobs_settings_both_inserts_evaluate_the_rules(flink_gateway):
    plan = _execution_plan(flink_gateway, EVENT_TYPES[0], {})
    assert plan.count("CONCAT_WS(") > 1, plan  # the rules copied into each insert's filter, and projection
