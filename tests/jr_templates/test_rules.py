"""The generator tests' model of the validation rules gives every golden case the reasons the Flink job
must give it (payments/golden: the cases tests/flink_jobs runs through the job's SQL)."""

from __future__ import annotations

import pytest

from payments.cases import cases, event_names
from tests.jr_templates.rules import rejection_reasons


@pytest.mark.parametrize("event", event_names())
def test_the_model_of_the_rules_agrees_with_every_golden_case(event):
    judged = [
        (case.name, sorted(rejection_reasons(event, case.payload)), sorted(case.reasons))
        for case in cases(event)
        if case.payload is not None  # a tombstone never reaches the rules
    ]
    assert [j for j in judged if j[1] != j[2]] == []
