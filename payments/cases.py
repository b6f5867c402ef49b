"""The golden cases of payments/golden/<event type>.yaml as payloads with their expected outcome: shared by
the SQL golden tests, the end-to-end pipeline tests and the bench, so all judge the same ground truth."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from payments.events import EVENT_TYPES, event_type

# A large payload is judged like any other. Kept to 60 kB because the golden tests put payloads in VALUES
# literals, which become part of the job graph; through Kafka the limit is the topic's max.message.bytes.
HUGE = "x" * 60_000
# A value `"<<RAW:1 0*1000>>"` is written into the payload as raw JSON text: space-separated parts, each
# `text` or `text*count` (here a 1 and 1,000 zeros: a number no YAML or Python float can hold as such).
_RAW = re.compile(r'"<<RAW:((?:[^"\\]|\\.)*)>>"')


@dataclass(frozen=True)
class Case:
    name: str
    payload: str | None  # None: a tombstone
    reasons: list[str]  # every failed rule in precedence order; empty: the event belongs in bronze
    bronze: dict[str, Any] = field(default_factory=dict)  # columns the bronze row must have


def event_names() -> list[str]:
    """Every event type's name, sorted: each has a golden file."""
    return sorted(e.name for e in EVENT_TYPES)


@cache
def _spec(event_name: str) -> dict[str, Any]:
    return yaml.safe_load(event_type(event_name).golden.read_text())


def cases(event_name: str, event_id: str | None = None) -> list[Case]:
    """The event type's cases; with `event_id`, every case that keeps the base's id gets `<event_id>-<n>`
    instead, so the same cases can be sent again and again as distinct events."""
    spec = _spec(event_name)
    out = []
    for i, case in enumerate(spec["cases"]):
        base = dict(spec["base"])
        if event_id is not None:
            base["event_id"] = f"{event_id}-{i}"
        out.append(Case(case["name"], _payload(base, case), case.get("quarantine", []), case.get("bronze", {})))
    return out


def _payload(base: dict[str, Any], case: dict[str, Any]) -> str | None:
    if "raw" in case:
        return case["raw"]
    doc = {**base, **{k: HUGE if v == "<<PAD>>" else v for k, v in case.get("set", {}).items()}}
    for key in case.get("unset", []):
        doc.pop(key)
    return _RAW.sub(lambda m: _expand(json.loads(f'"{m.group(1)}"')), json.dumps(doc, ensure_ascii=False))


def _expand(parts: str) -> str:
    def part(p: str) -> str:
        text, _, count = p.rpartition("*")
        return text * int(count) if text and count.isdigit() else p

    return "".join(part(p) for p in parts.split(" "))


def valid_event(event_name: str, event_id: str, **changes: Any) -> str:
    """The event type's valid base payload with a new id and the given fields changed."""
    return json.dumps({**_spec(event_name)["base"], "event_id": event_id, **changes}, ensure_ascii=False)
