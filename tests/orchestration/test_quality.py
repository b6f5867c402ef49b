"""The data-quality rules of Layer 3 (orchestration/quality.py) on crafted counts: what passes, what fails,
and the figures a person reads in the check's metadata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestration.quality import data_quality_score, freshness, quarantine_volume, suspicious_flag_rate


def test_quarantine_volume_fails_above_the_threshold_with_the_counts_per_reason():
    ok = quarantine_volume({"MISSING_CUSTOMER_ID": 60, "AMOUNT_NON_POSITIVE": 40}, max_per_hour=100)
    assert ok.passed
    assert ok.metadata["quarantined_last_hour"] == 100
    burst = quarantine_volume({"MISSING_CUSTOMER_ID": 60, "AMOUNT_NON_POSITIVE": 540}, max_per_hour=100)
    assert not burst.passed
    assert burst.metadata["by_reason"] == {"AMOUNT_NON_POSITIVE": 540, "MISSING_CUSTOMER_ID": 60}
    assert "600 records" in burst.description
    assert "AMOUNT_NON_POSITIVE 540" in burst.description


def test_an_hour_without_quarantined_records_passes():
    assert quarantine_volume({}, max_per_hour=0).passed


@pytest.mark.parametrize(
    ("valid", "quarantined", "score", "passed"),
    [(950, 50, 0.95, True), (900, 100, 0.9, True), (899, 101, 0.899, False), (0, 10, 0.0, False), (7, 0, 1.0, True)],
)
def test_the_score_is_valid_over_all_events_judged_against_the_floor(valid, quarantined, score, passed):
    outcome = data_quality_score(valid, quarantined, floor=0.9)
    assert outcome.metadata["score"] == pytest.approx(score)
    assert outcome.passed is passed
    assert (outcome.metadata["valid"], outcome.metadata["quarantined"]) == (valid, quarantined)


def test_no_events_means_no_score_not_a_perfect_one():
    outcome = data_quality_score(0, 0, floor=0.9)
    assert outcome.passed
    assert outcome.metadata["score"] is None


@pytest.mark.parametrize(("flagged", "total", "passed"), [(20, 100, True), (21, 100, False), (0, 0, True)])
def test_suspicious_flag_rate_fails_above_the_configured_rate(flagged, total, passed):
    outcome = suspicious_flag_rate(flagged, total, max_rate=0.2)
    assert outcome.passed is passed
    assert outcome.metadata["rate"] == (flagged / total if total else None)


NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_a_stale_table_fails_only_while_its_generator_runs():
    stale = NOW - timedelta(minutes=10)
    assert not freshness(stale, NOW, max_age_s=300, generated=True).passed
    assert freshness(stale, NOW, max_age_s=300, generated=False).passed
    assert freshness(NOW - timedelta(seconds=30), NOW, max_age_s=300, generated=True).passed
    assert freshness(stale, NOW, max_age_s=300, generated=True).metadata["age_s"] == 600


def test_an_empty_table_is_not_fresh_while_its_generator_runs():
    assert not freshness(None, NOW, max_age_s=300, generated=True).passed
