"""The golden cases of payments/golden/<event type>.yaml as payloads with their expected outcome: shared by
the SQL golden tests, the end-to-end pipeline tests and the bench, so all judge the same ground truth."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from payments.events import EVENT_TYPES, event_type

# A large payload is judged like any other. Kept to 60 kB because the golden tests put payloads in VALUES
# literals, which become part of the job graph; through Kafka the limit is the topic's max.message.bytes.
HUGE = "x" * 60_000
# A case's `duplicate` keys come twice: first with the given values, then as the payload has them.
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
    text = json.dumps(doc, ensure_ascii=False)
    if "duplicate" in case:  # these keys first, each with this value, then again as the rest of the payload has it
        text = "{" + json.dumps(case["duplicate"], ensure_ascii=False)[1:-1] + ", " + text[1:]
    return _RAW.sub(lambda m: _expand(json.loads(f'"{m.group(1)}"')), text)


def _expand(parts: str) -> str:
    def part(p: str) -> str:
        text, _, count = p.rpartition("*")
        return text * int(count) if text and count.isdigit() else p

    return "".join(part(p) for p in parts.split(" "))


def valid_event(event_name: str, event_id: str, **changes: Any) -> str:
    """The event type's valid base payload with a new id and the given fields changed."""
    return json.dumps({**_spec(event_name)["base"], "event_id": event_id, **changes}, ensure_ascii=False)


# Kafka's default max.message.bytes, which the stack's topics keep: 1 MiB and 12 bytes for a whole record
# batch, so a payload needs a little less for its key and the batch's framing.
TOPIC_MAX_MESSAGE_BYTES = 1_048_588
WORST_CASE_BYTES = (1 << 20) - 1024  # 1 MiB less 1 KiB


@dataclass(frozen=True)
class WorstCase:
    """A payload of the worst shape for one family of bad input, about `WORST_CASE_BYTES` long."""

    family: str  # what it stresses: blanks, invisible characters, many keys, a long number, deep arrays
    event_name: str
    payload: str
    reason: str  # its rejection reason


def worst_cases(event_id: str, size: int = WORST_CASE_BYTES) -> list[WorstCase]:
    """One payload per family of bad input, each at most `size` bytes of UTF-8 (the biggest the topics
    take by default) and built so that a check costing more than one pass over its text would show:
    the shapes that once stalled the job (a run of blanks before a stop) and every other long run the
    rules read. Ids start with `event_id`."""

    def shaped(event_name: str, field: str, fill: Callable[[int], str], **changes: Any) -> str:
        """The base payload with `field` the raw JSON `fill(room)` gives to make it `size` bytes long, and
        `changes` (None: the field removed)."""
        doc = {**_spec(event_name)["base"], "event_id": f"{event_id}-{event_name}-{field}", **changes, field: 0}
        doc = {k: v for k, v in doc.items() if v is not None}
        marker = f'"{field}": 0'
        text = json.dumps(doc, ensure_ascii=False)
        value = fill(size - len(text.encode()) + len(marker) - len(f'"{field}": '))
        return text.replace(marker, f'"{field}": {value}')

    def run(head: str, unit: str, tail: str) -> Callable[[int], str]:
        """`head`, as many `unit`s as fit, `tail`."""
        return lambda room: head + unit * ((room - len((head + tail).encode())) // len(unit.encode())) + tail

    def keys(repeated: str) -> Callable[[int], str]:
        """An object of as many distinct keys as fit, `repeated` first and last."""

        def fill(room: int) -> str:
            parts, length, i = [f'"{repeated}": 0'], 16, 1  # 16: the first key and the braces
            while length + len(f'"k{i}": 0, ') + len(f', "{repeated}": 1}}') + 2 < room:
                parts.append(f'"k{i}": 0')
                length += len(parts[-1]) + 2
                i += 1
            return "{" + ", ".join([*parts, f'"{repeated}": 1']) + "}"

        return fill

    deep = "[" * 997 + "]" * 997 + ","  # in an array in the object: 999 levels, within the 1,000 limit
    return [
        # The blank run that stalled the job: a quadratic regex on 150,000 spaces and a stop took minutes.
        WorstCase(
            "blanks",
            "payment_charges",
            shaped("payment_charges", "description", run('"', " ", '."'), customer_id=None),
            "MISSING_CUSTOMER_ID",
        ),
        WorstCase(
            "invisible characters",
            "payment_charges",
            shaped("payment_charges", "customer_id", run('"', "\u3164\ufe0f\u200b", 'null"')),
            "MISSING_CUSTOMER_ID",
        ),
        WorstCase(
            "unpaired surrogates",
            "payment_refunds",
            shaped("payment_refunds", "charge_id", run('"ch_', "\\ud800", '"')),
            "INVALID_TEXT",
        ),
        WorstCase(
            "many keys, one twice",
            "payment_subscriptions",
            shaped("payment_subscriptions", "discount", keys("k0")),
            "DUPLICATE_KEY",
        ),
        WorstCase(
            "deep arrays",
            "payment_disputes",
            shaped("payment_disputes", "created_at", run("[", deep, "[]]")),
            "INVALID_TIMESTAMP",
        ),
        WorstCase(
            "a long integer",
            "payment_subscriptions",
            shaped("payment_subscriptions", "interval_count", run("1", "0", "")),
            "INVALID_FIELD_TYPE",
        ),
        WorstCase(
            "a long amount",
            "payment_disputes",
            shaped("payment_disputes", "amount", run("1", "0", "")),
            "INVALID_AMOUNT_TOO_LARGE",
        ),
        WorstCase(
            "a long fraction",
            "payment_refunds",
            shaped("payment_refunds", "amount", run("0.", "0", "1")),
            "INVALID_AMOUNT_PRECISION",
        ),
    ]
