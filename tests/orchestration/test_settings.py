"""What the stack hands the Dagster code location (components/dagster.py -> orchestration/settings.py)."""

from __future__ import annotations

import pydantic
import pytest

from components.dagster import lakehouse_settings
from orchestration.settings import LakehouseSettings


def test_the_code_location_reads_back_what_the_stack_sets(stack_config):
    s = stack_config(
        {
            "dagster": {
                "quarantineMaxPerHour": 250,
                "freshnessMaxAge": "2m",
                "maintenance": {"snapshotRetention": "48h"},
            },
            "generators": {"payment_disputes": {"enabled": False}},
            "catalog": {"namespace": "payments_ci"},
        }
    )
    sent = lakehouse_settings(s, "trino", 8080, "iceberg")
    read = LakehouseSettings.from_env(sent.env())
    assert read == sent
    assert read.quarantine_max_per_hour == 250
    assert read.freshness_max_age_s == 120
    assert read.snapshot_retention == "48h"
    assert read.namespace == "payments_ci"
    assert "payment_disputes" not in read.generated_event_types
    assert "payment_charges" in read.generated_event_types
    assert read.table("payment_charges", "files") == 'iceberg."payments_ci"."payment_charges$files"'


def test_a_variable_that_does_not_parse_is_named(stack_config):
    sent = lakehouse_settings(stack_config({}), "trino", 8080, "iceberg").env()
    with pytest.raises(pydantic.ValidationError, match=r"1 validation error[\s\S]*dq_score_floor"):
        LakehouseSettings.from_env({**sent, "LAKEHOUSE_DQ_SCORE_FLOOR": "high"})


def test_the_code_location_has_no_defaults_of_its_own(stack_config):
    """A variable the stack did not send is an error, not a second default that could drift from config/."""
    sent = lakehouse_settings(stack_config({}), "trino", 8080, "iceberg").env()
    del sent["LAKEHOUSE_QUARANTINE_MAX_PER_HOUR"]
    with pytest.raises(pydantic.ValidationError, match="quarantine_max_per_hour"):
        LakehouseSettings.from_env(sent)
