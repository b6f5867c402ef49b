"""The dbt project's files derived from payments/ (tools/dbt_artifacts.py) are committed as generated, they and
the silver contracts give each field the type payments/ declares, and the domain values the templates and dbt
share are consistent (no engine, no Docker)."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import yaml

from jr_templates.render import VALUES, render
from payments import parties, vocabulary
from payments.events import BOOLEAN, COMMON, EVENT_TYPES, INT, JSON, MONEY, STRING, TIMESTAMP
from payments.glossary import describe
from payments.problems import DEFAULT_RATES
from payments.tables import LINEAGE
from tests.required import REQUIRED_TOPICS
from tools.dbt_artifacts import EVENT_COLUMNS, ROOT, artifacts, main

# The SQL type a field of each payments/ type has in Trino, bronze and silver alike.
SQL_TYPES = {
    STRING: "varchar",
    JSON: "varchar",
    MONEY: "decimal(10,2)",
    TIMESTAMP: "timestamp(6)",
    INT: "integer",
    BOOLEAN: "boolean",
}
LINEAGE_TYPES = {
    "kafka_topic": "varchar",
    "kafka_partition": "integer",
    "kafka_offset": "bigint",
    "kafka_timestamp": "timestamp(6) with time zone",
}


def test_committed_dbt_files_are_what_the_generator_writes():
    stale = [
        str(path)
        for path, text in artifacts().items()
        if not (ROOT / path).is_file() or (ROOT / path).read_text() != text
    ]
    assert not stale, f"out of date, run `make dbt-artifacts`: {stale}"
    assert main(["--check"]) == 0


def test_dimensions_cover_the_id_spaces_and_nothing_else():
    files = artifacts()
    rows = {
        name: list(csv.DictReader(io.StringIO(files[Path(f"dbt/seeds/{name}.csv")])))
        for name in ("dim_customers", "dim_merchants")
    }
    assert [r["customer_id"] for r in rows["dim_customers"]] == list(parties.CUSTOMERS.ids())
    assert [r["merchant_id"] for r in rows["dim_merchants"]] == list(parties.MERCHANTS.ids())
    assert rows["dim_customers"][0]["customer_id"] == "cus_000001"
    assert rows["dim_customers"][-1]["customer_id"] == "cus_005000"
    assert rows["dim_merchants"][-1]["merchant_id"] == "merch_0200"


def test_unknown_customers_are_well_formed_but_outside_the_dimension():
    unknown = parties.UNKNOWN_CUSTOMERS
    assert (unknown.prefix, unknown.digits) == (parties.CUSTOMERS.prefix, parties.CUSTOMERS.digits)
    assert unknown.first > parties.CUSTOMERS.last
    sample = unknown.id(unknown.first)
    assert parties.CUSTOMERS.pattern.fullmatch(sample)
    assert sample not in parties.CUSTOMERS
    assert "cus_005000" in parties.CUSTOMERS
    assert "cus_005001" not in parties.CUSTOMERS
    assert 0 < DEFAULT_RATES["UNKNOWN_CUSTOMER"] < 0.05


def test_templates_draw_ids_over_the_whole_space():
    """JR's `integer first end` draws first..end-1: the templates get the end past the last id."""
    charges = render("payment_charges")
    space = parties.CUSTOMERS
    assert f'printf "{space.format}" (integer {space.first} {space.last + 1})' in charges
    assert "@@" not in charges
    subscriptions = render("payment_subscriptions")
    assert f"(integer {parties.MERCHANTS.first} {parties.MERCHANTS.last + 1})" in subscriptions
    assert "UNKNOWN_CUSTOMER" not in subscriptions  # only charges draw it; refunds and disputes inherit it


def test_template_values_and_problem_rates_have_distinct_names():
    assert not set(VALUES) & set(DEFAULT_RATES)


def test_vocabularies_agree_with_each_other():
    weighted = set(vocabulary.REFUND_REASON_WEIGHTS) | set(vocabulary.DISPUTE_REASON_WEIGHTS)
    assert weighted == set(vocabulary.REASONS)
    assert {c.reason for c in vocabulary.NETWORK_REASON_CODES} == set(vocabulary.DISPUTE_REASON_WEIGHTS)
    assert len({c.code for c in vocabulary.NETWORK_REASON_CODES}) == len(vocabulary.NETWORK_REASON_CODES)
    mapped = set(vocabulary.CHARGE_FAILURE_CODES.values()) | set(vocabulary.REFUND_FAILURE_REASONS.values())
    assert mapped <= set(vocabulary.FAILURE_CODES)
    levels = vocabulary.RISK_LEVELS
    assert levels[0][1] == 0
    assert all(a[2] + 1 == b[1] for a, b in itertools.pairwise(levels))
    assert set(vocabulary.STATUSES) == {e.name for e in EVENT_TYPES}
    assert vocabulary.reason_spellings("requested_by_customer") == (
        "requested_by_customer",
        "Requested By Customer",
        "REQUESTED_BY_CUSTOMER",
        "requested-by-customer",
    )


def test_every_field_has_a_description():
    for event in EVENT_TYPES:
        for field in event.fields:
            assert describe(event, field.name), (event.name, field.name)


def _columns(jinja: str) -> list[tuple[str, str]]:
    """The (name, data_type) pairs of a Jinja list literal of the generated macros, in order."""
    return re.findall(r"\{'name': '(\w+)', 'data_type': '([^']+)'\}", jinja)


def _macro(text: str, name: str) -> str:
    return re.search(rf"\{{% macro {name}\(.*?\{{%- endmacro %\}}", text, re.S).group(0)


def test_generated_event_columns_give_every_field_of_every_type_with_its_sql_type():
    text = artifacts()[EVENT_COLUMNS]
    assert _columns(_macro(text, "common_fields")) == [(f.name, SQL_TYPES[f.type]) for f in COMMON]
    own = dict(re.findall(r"'(\w+)': (\[.*?\])", _macro(text, "event_fields"), re.S))
    assert list(own) == [e.name for e in EVENT_TYPES]
    for event in EVENT_TYPES:
        assert _columns(own[event.name]) == [(f.name, SQL_TYPES[f.type]) for f in event.own_fields], event.name
        assert event.fields[: len(COMMON)] == COMMON  # event_fields puts the common ones first
    assert _columns(_macro(text, "lineage_columns")) == [(name, LINEAGE_TYPES[name]) for name, _, _ in LINEAGE]
    names = re.search(r"return\(\[(.*?)\]\)", _macro(text, "event_type_names")).group(1)
    assert names == ", ".join(f"'{e.name}'" for e in EVENT_TYPES)


def test_silver_contracts_type_the_event_fields_as_payments_does():
    """dbt needs each silver model's contract (its yml's data_type per column) in the model's own yml: there the
    fields' types are written again, so they must agree with payments/."""
    silver = ROOT / "dbt/models/marts/silver"
    modelled = [e for e in EVENT_TYPES if (silver / f"{e.name.removeprefix('payment_')}.yml").exists()]
    # A new event type's silver model is modelling work of its own; the four required ones have theirs.
    assert set(REQUIRED_TOPICS) <= {e.name for e in modelled}
    for event in modelled:
        model = event.name.removeprefix("payment_")
        spec = yaml.safe_load((silver / f"{model}.yml").read_text())
        (contract,) = (m for m in spec["models"] if m["name"] == model)
        declared = {c["name"]: c["data_type"].replace(" ", "") for c in contract["columns"]}
        expected = {f.name: SQL_TYPES[f.type] for f in event.fields} | LINEAGE_TYPES
        typed = {name: declared[name] for name in expected if name in declared}
        assert typed == {name: expected[name].replace(" ", "") for name in typed}, model
        assert set(LINEAGE_TYPES) <= set(typed), model
        assert {f.name for f in COMMON} <= set(typed), model
