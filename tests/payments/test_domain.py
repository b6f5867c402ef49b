"""The payments domain package: every event type declared once, with its template, golden file and
references in place (no engine, no Docker)."""

from __future__ import annotations

from jr_templates.render import TEMPLATES, render
from payments.cases import WORST_CASE_BYTES, cases, event_names, worst_cases
from payments.events import EVENT_TYPES, TOPICS, event_type, fields
from payments.tables import bronze, quarantine


def test_each_event_type_has_its_template_and_golden_cases():
    assert len({e.name for e in EVENT_TYPES}) == len(EVENT_TYPES) == len(TOPICS)
    assert event_names() == sorted(e.name for e in EVENT_TYPES)
    for e in EVENT_TYPES:
        assert (TEMPLATES / e.template).is_file(), e.template
        assert "@@" not in render(e.name)
        assert any(not c.reasons for c in cases(e.name)), f"{e.name}: no valid golden case"


def test_each_worst_case_is_as_large_as_a_topic_takes_and_has_an_id():
    for case in worst_cases("w"):
        size = len(case.payload.encode())
        # Within 1 % of the size: the cost of a long run shows; not over it: Kafka would refuse it.
        assert WORST_CASE_BYTES * 0.99 < size <= WORST_CASE_BYTES, (case.family, size)
        assert case.event_name in event_names()
        assert case.payload.startswith('{"event_id": "w-'), case.family  # the Kafka key the tests send it with


def test_references_point_to_earlier_types_whose_id_is_required():
    for i, e in enumerate(EVENT_TYPES):
        for target in e.references:
            # Earlier: a JR process renders its emitters in this order, the referenced ones first.
            assert target in EVENT_TYPES[:i], (e.name, target.name)
            assert (f"{target.entity}_id", f"MISSING_{target.entity.upper()}_ID") in e.required
            assert f"{target.entity}_id" in {f.name for f in e.fields}


def test_required_columns_and_table_columns_are_fields_of_the_type():
    for e in EVENT_TYPES:
        names = [f.name for f in e.fields]
        assert len(names) == len(set(names)), e.name
        assert {column for column, _ in e.required} <= set(names)
        assert bronze(e).column_names[: len(names)] == names
        assert set(names) < set(quarantine(e).column_names)


def test_field_words_give_name_type_and_json_key():
    amount, flag, interval = fields("amount:money three_ds:boolean=3ds billing_interval=interval")
    assert (amount.name, amount.type, amount.json_key) == ("amount", "DECIMAL(10, 2)", "amount")
    assert (flag.type, flag.json_key) == ("BOOLEAN", "3ds")
    assert (interval.type, interval.json_key) == ("STRING", "interval")
    assert event_type("payment_refunds").references == (event_type("payment_charges"),)
