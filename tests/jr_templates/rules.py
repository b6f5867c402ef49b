"""The validation rules (flink_jobs/render.py `rules`) as a Python model, for the generator tests: which
rejection reasons an event's payload would get. tests/jr_templates/test_rules.py holds it to the golden
cases in payments/golden, the ground truth the Flink job itself is tested against, so it cannot drift
from the job unnoticed."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from datetime import datetime
from decimal import Decimal

from payments.currencies import minor_unit
from payments.events import BOOLEAN, EVENT_TYPES, INT, TIMESTAMP
from payments.validation import ValidationSettings

NULL_LIKE = re.compile(r"^\s*(null)?\s*$", re.IGNORECASE)
SCHEMA = {e.name: e for e in EVENT_TYPES}
SETTINGS = ValidationSettings()  # the stack's defaults: what the generators' events are judged by
MAX_NESTING_DEPTH = 1000  # the job's JSON parser reads no deeper (the top-level object is one level)
INT_RANGE = range(-(2**31), 2**31)  # Flink's INT


def _blank(char: str) -> bool:
    """Whitespace, a Unicode separator or format character, or NEL: what the job trims off ids and currencies."""
    return char.isspace() or char == "\x85" or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cf")


def _trimmed(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return text[start:end]


def _depth(payload: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in payload:
        if in_string:
            in_string, escaped = (True, False) if escaped else (char != '"', char == "\\")
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _text(value: object, trim: bool = False) -> str | None:
    """A field as the job's JSON_FIELD_TEXTS reads it: scalars as text (numbers as written), null-like and
    non-scalars as NULL; `trim`: an id, read without surrounding blanks."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    text = _trimmed(text) if trim else text
    return None if NULL_LIKE.match(text) else text


def _is_timestamp(text: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$", text):
        return False
    try:
        datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _casts(text: str, sql_type: str) -> bool:
    if sql_type == BOOLEAN:
        return text.strip().lower() in ("true", "false")
    return bool(re.fullmatch(r"\s*[-+]?\d+\s*", text)) and int(text) in INT_RANGE


def rejection_reasons(topic: str, payload: str) -> set[str]:
    """Every rule the payload breaks, as its rejection reason; empty for an event that belongs in bronze."""
    if _depth(payload) > MAX_NESTING_DEPTH:
        return {"PAYLOAD_TOO_COMPLEX"}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + MAX_NESTING_DEPTH)  # Python's parser recurses once per level
    try:
        # Numbers kept as written: the job judges an amount by its text, never as a binary float.
        event = json.loads(payload, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError:
        return {"NOT_JSON_OBJECT"}
    finally:
        sys.setrecursionlimit(limit)
    if not isinstance(event, dict):
        return {"NOT_JSON_OBJECT"}
    schema = SCHEMA[topic]
    text = {f.name: _text(event.get(f.key or f.name), trim=f.name.endswith("_id")) for f in schema.fields}
    out = {reason for column, reason in schema.required if text[column] is None}
    if text["created_at"] is None:
        out.add("MISSING_CREATED_AT")
    timestamps = [f for f in schema.fields if f.type == TIMESTAMP]
    if any(text[f.name] is not None and not _is_timestamp(text[f.name]) for f in timestamps):
        out.add("INVALID_TIMESTAMP")
    typed = [f for f in schema.fields if f.type in (INT, BOOLEAN)]
    if any(text[f.name] is not None and not _casts(text[f.name], f.type) for f in typed):
        out.add("INVALID_FIELD_TYPE")
    amount = None
    if text["amount"] is None:
        out.add("MISSING_AMOUNT")
    else:
        try:
            amount = Decimal(text["amount"])
        except ArithmeticError:
            amount = None
        if amount is None or not amount.is_finite():
            amount = None
            out.add("INVALID_AMOUNT_FORMAT")
    if text["currency"] is None or _trimmed(text["currency"]).upper() not in SETTINGS.currencies:
        out.add("INVALID_CURRENCY")
    if amount is not None and amount <= 0:
        out.add("INVALID_AMOUNT_NEGATIVE")
    if amount is not None and amount > SETTINGS.max_amount:
        out.add("INVALID_AMOUNT_TOO_LARGE")
    currency = None if text["currency"] is None else _trimmed(text["currency"]).upper()
    if (
        amount is not None
        and currency in SETTINGS.currencies
        and -amount.normalize().as_tuple().exponent > minor_unit(currency)
    ):
        out.add("INVALID_AMOUNT_PRECISION")
    return out
