"""The data-quality rules of Layer 3, as pure functions of counts: each returns an `Outcome` whose metadata
carries the figures it judged. `checks.py` feeds them counts queried from the tables; the tests feed them
crafted ones. The thresholds are the stack's (`dagster` section of the config)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

MetadataValue = int | float | str | bool | dict[str, int] | None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    description: str  # one line a person reads in the UI and in `make dq`
    metadata: dict[str, MetadataValue] = field(default_factory=dict)


def quarantine_volume(counts_by_reason: Mapping[str, int], max_per_hour: int) -> Outcome:
    """Records quarantined over the last hour, `counts_by_reason` ({rejection_reason: records}); fails
    above `max_per_hour`: that many quarantined records is a producer gone wrong, not noise."""
    total = sum(counts_by_reason.values())
    by_reason = dict(sorted(counts_by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    passed = total <= max_per_hour
    top = ", ".join(f"{reason} {n}" for reason, n in list(by_reason.items())[:3]) or "none"
    return Outcome(
        passed,
        f"{total} records quarantined in the last hour ({'within' if passed else 'above'} {max_per_hour}); top: {top}",
        {"quarantined_last_hour": total, "max_per_hour": max_per_hour, "by_reason": by_reason},
    )


def data_quality_score(valid: int, quarantined: int, floor: float) -> Outcome:
    """valid / (valid + quarantined) over the last hour for one event type; fails below `floor`. With no
    event at all there is nothing to judge: it passes with no score (the freshness check reports absence)."""
    total = valid + quarantined
    figures: dict[str, MetadataValue] = {"valid": valid, "quarantined": quarantined, "floor": floor}
    if total == 0:
        return Outcome(True, "no events in the last hour: no score", {**figures, "score": None})
    score = valid / total
    passed = score >= floor
    return Outcome(
        passed,
        f"score {score:.4f} = {valid} valid / {total} events ({'at or above' if passed else 'below'} {floor})",
        {**figures, "score": round(score, 6)},
    )


def suspicious_flag_rate(flagged: int, total: int, max_rate: float) -> Outcome:
    """The share of a silver table's rows of the last hour that carry a suspicious flag; fails above `max_rate`."""
    figures: dict[str, MetadataValue] = {"flagged": flagged, "rows": total, "max_rate": max_rate}
    if total == 0:
        return Outcome(True, "no rows in the last hour", {**figures, "rate": None})
    rate = flagged / total
    passed = rate <= max_rate
    return Outcome(
        passed,
        f"{flagged} of {total} rows flagged ({rate:.2%}, {'within' if passed else 'above'} {max_rate:.2%})",
        {**figures, "rate": round(rate, 6)},
    )


def freshness(newest: datetime | None, now: datetime, max_age_s: float, generated: bool) -> Outcome:
    """Whether the newest row (its Kafka timestamp) is at most `max_age_s` old. Only judged while the
    type's generator runs (`generated`): a type nobody sends to is expected to go stale."""
    age = None if newest is None else (now - newest).total_seconds()
    figures: dict[str, MetadataValue] = {
        "newest_row": newest.isoformat() if newest else None,
        "age_s": None if age is None else round(age, 1),
        "max_age_s": max_age_s,
        "generated": generated,
    }
    if not generated:
        return Outcome(True, "not judged: no generator sends this type", figures)
    if age is None:
        return Outcome(False, "no row at all while its generator runs", figures)
    passed = age <= max_age_s
    return Outcome(passed, f"newest row {age:.0f} s old ({'within' if passed else 'above'} {max_age_s:.0f} s)", figures)
