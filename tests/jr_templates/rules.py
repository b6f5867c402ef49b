"""The validation rules (flink_jobs/README.md; flink_jobs/render.py `rules` and the job's functions in
images/flink/functions) as a Python model, for the generator tests: which rejection reasons an event's
payload would get. tests/jr_templates/test_rules.py holds it to the golden cases in payments/golden, the
ground truth the Flink job itself is tested against, so it cannot drift from the job unnoticed.

Each fact is read from its home: the event types' fields from payments/events.py, how each field is read
(its kind) from flink_jobs/render.py, the settings from payments/validation.py, minor units from
payments/currencies.py and the Default_Ignorable_Code_Point ranges from VisibleText.java."""

from __future__ import annotations

import json
import re
import string
import sys
import unicodedata
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from flink_jobs.render import field_spec
from payments.currencies import minor_unit
from payments.events import EVENT_TYPES
from payments.validation import ValidationSettings

SCHEMA = {e.name: e for e in EVENT_TYPES}
SETTINGS = ValidationSettings()  # the stack's defaults: what the generators' events are judged by
MAX_NESTING_DEPTH = 1000  # JsonObjectFields.MAX_NESTING_DEPTH (the top-level object is one level)
INT_RANGE = range(-(2**31), 2**31)  # Flink's INT
FIRST_YEAR = 1970  # TimestampTextValue.FIRST_YEAR
VISIBLE_TEXT_JAVA = (
    Path(__file__).parents[2] / "images/flink/functions/src/main/java/streaming/lakehouse/flink/VisibleText.java"
)
# The reason a value not of its field's kind earns (FieldKind's `mismatch`); a `json` field earns none.
MISMATCH = {
    "text": "INVALID_FIELD_TYPE",
    "id": "INVALID_FIELD_TYPE",
    "code": "INVALID_FIELD_TYPE",
    "int": "INVALID_FIELD_TYPE",
    "boolean": "INVALID_FIELD_TYPE",
    "timestamp": "INVALID_TIMESTAMP",
    "money": "INVALID_AMOUNT_FORMAT",
}
# A number as DecimalText reads it (a JSON number, leading zeros allowed), once Java's whitespace is trimmed.
NUMBER = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)(?:[eE]([+-]?[0-9]+))?")
# DecimalText clamps exponents beyond this: such numbers are all astronomically large or small.
EXPONENT_CLAMP = 10**15
ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)  # VisibleText.asciiUpperCase
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?")  # ASCII digits


class _Int(str):
    """A JSON integer token, as written."""


class _Float(str):
    """A JSON number token with a fraction or an exponent, as written."""


@cache
def _default_ignorable() -> tuple[tuple[int, int], ...]:
    """Default_Ignorable_Code_Point as inclusive ranges, read from VisibleText.java's DEFAULT_IGNORABLE, the
    ranges' one home (Python's unicodedata lacks the property); ValueError when the table is not found."""
    block = re.search(r"DEFAULT_IGNORABLE = \{(.*?)\n\s*\};", VISIBLE_TEXT_JAVA.read_text(), re.DOTALL)
    ranges = re.findall(r"\{0x([0-9A-Fa-f]+), 0x([0-9A-Fa-f]+)\}", block.group(1)) if block else []
    if not ranges:
        raise ValueError(f"no DEFAULT_IGNORABLE ranges found in {VISIBLE_TEXT_JAVA}")
    return tuple((int(first, 16), int(last, 16)) for first, last in ranges)


def _blank(char: str) -> bool:
    """VisibleText.isBlank: renders as nothing. White_Space and every control (Java's isWhitespace,
    isSpaceChar and CONTROL: categories Cc, Zs, Zl, Zp) or Default_Ignorable_Code_Point."""
    if unicodedata.category(char) in ("Cc", "Zs", "Zl", "Zp"):
        return True
    code = ord(char)
    return any(first <= code <= last for first, last in _default_ignorable())


def _java_whitespace(char: str) -> bool:
    """Java's Character.isWhitespace, what DecimalText trims: separators except the no-break ones, and
    the ASCII controls tab to carriage return and file to unit separator."""
    if char in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        return True
    return unicodedata.category(char) in ("Zs", "Zl", "Zp") and char not in "\xa0\u2007\u202f"


def _trimmed(text: str, blank=_blank) -> str:
    start, end = 0, len(text)
    while start < end and blank(text[start]):
        start += 1
    while end > start and blank(text[end - 1]):
        end -= 1
    return text[start:end]


def _unpaired_surrogate(text: str) -> bool:
    """VisibleText.hasUnpairedSurrogate: `text` as UTF-16 (Java's strings) holds a surrogate with no partner."""
    try:
        text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return True
    return False


def _any_unpaired_surrogate(structure: Any) -> bool:
    """Whether a string or key anywhere in a structure holds an unpaired surrogate (JsonObjectFields.walk);
    iterative, as a structure may be 1,000 levels deep."""
    pending = [structure]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and _unpaired_surrogate(value):  # numbers' text never holds one
            return True
    return False


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


def _read(payload: str) -> dict[str, Any] | str:
    """The payload's top-level object as JsonObjectFields reads it (numbers as `_Int`/`_Float` text), or
    the one reason its status earns: NOT_JSON_OBJECT, PAYLOAD_TOO_COMPLEX or DUPLICATE_KEY."""
    if _depth(payload) > MAX_NESTING_DEPTH:  # Jackson stops reading there
        return "PAYLOAD_TOO_COMPLEX"
    duplicate = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicate
        obj = dict(items)
        duplicate |= len(obj) < len(items)  # a key twice in any object, at any level
        return obj

    def constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")  # Jackson refuses NaN and Infinity; Python takes them

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + MAX_NESTING_DEPTH)  # Python's parser recurses once per level
    try:
        event = json.loads(
            payload, object_pairs_hook=pairs, parse_int=_Int, parse_float=_Float, parse_constant=constant
        )
    except ValueError:  # JSONDecodeError included
        return "NOT_JSON_OBJECT"
    finally:
        sys.setrecursionlimit(limit)
    if not isinstance(event, dict):
        return "NOT_JSON_OBJECT"
    return "DUPLICATE_KEY" if duplicate else event


def _is_timestamp(text: str) -> bool:
    """TimestampTextValue.parse: `yyyy-MM-dd HH:mm:ss[.SSS]` in ASCII digits, a real time, years 1970..9999."""
    if not TIMESTAMP.fullmatch(text) or int(text[:4]) < FIRST_YEAR:
        return False
    try:
        datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _number(text: str | None) -> Decimal | None:
    """DecimalText.parse: the number `text` writes, exactly; None when it is not one."""
    match = NUMBER.fullmatch(_trimmed(text, _java_whitespace)) if text is not None else None
    if match is None:
        return None
    exponent = max(-EXPONENT_CLAMP, min(EXPONENT_CLAMP, int(match.group(2) or 0)))
    return Decimal(f"{match.group(1)}e{exponent}")


def _decimals(amount: Decimal) -> int:
    """DecimalText.decimals: how many decimals the value needs, trailing zeros not counted (12.50: 1)."""
    _, digits, exponent = amount.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")
    return 0 if not significant else max(0, -(int(exponent) + len(digits) - len(significant)))


def _judge(value: Any, kind: str) -> tuple[str | None, str | None]:
    """JsonObjectFields.judge: a field's text (None when absent or null-like) and the reason its value earns."""
    if isinstance(value, (dict, list)):
        # The job stores its compact JSON; the rules only see that a text is there, so a stand-in will do.
        # A structure where a scalar belongs is a mismatch, one where a structure belongs is judged by its strings.
        text = "{...}" if isinstance(value, dict) else "[...]"
        if kind != "json":
            return text, MISMATCH[kind]
        return text, "INVALID_TEXT" if _any_unpaired_surrogate(value) else None
    if value is None or kind == "json":
        return None, None  # JSON null; a scalar where a structure belongs is kept out, not judged
    if isinstance(value, bool):
        return ("true" if value else "false"), None if kind == "boolean" else MISMATCH[kind]
    if isinstance(value, _Int):  # a number as written
        fits = kind == "money" or (kind == "int" and len(value.lstrip("-")) <= 10 and int(value) in INT_RANGE)
        return value, None if fits else MISMATCH[kind]
    if isinstance(value, _Float):
        return value, None if kind == "money" else MISMATCH[kind]
    visible = _trimmed(value)
    if not visible or (visible.isascii() and visible.lower() == "null"):
        return None, None  # null-like: nothing visible but an optional `null` in any ASCII case
    if kind in ("text", "id", "code"):
        reason = "INVALID_TEXT" if _unpaired_surrogate(value) else None
        if kind == "text":
            return value, reason  # kept as sent
        # Ids and codes are stored trimmed; a code with ASCII a-z upper-cased and nothing else (a long s stays).
        return (visible.translate(ASCII_UPPER) if kind == "code" else visible), reason
    if kind == "timestamp":
        return value, None if _is_timestamp(value) else MISMATCH[kind]
    if kind == "money":
        return value, None if _number(value) is not None else MISMATCH[kind]
    return value, MISMATCH[kind]  # an int or a boolean written as a string is text, not of its type


def rejection_reasons(topic: str, payload: str) -> set[str]:
    """Every rule the payload breaks, as its rejection reason; empty for an event that belongs in bronze."""
    event = _read(payload)
    if isinstance(event, str):
        return {event}  # the payload's status is its only reason
    schema = SCHEMA[topic]
    text: dict[str, str | None] = {}
    out: set[str] = set()  # the reasons the fields' values earn
    for f in schema.fields:
        key, _, kind = field_spec(f).rpartition(":")
        text[f.name], reason = _judge(event.get(key), kind)  # an absent field is read as JSON null
        if reason is not None:
            out.add(reason)
    # The rules of flink_jobs/render.py `rules` that combine the texts with the settings.
    out |= {reason for column, reason in schema.required if text[column] is None}
    if text["created_at"] is None:
        out.add("MISSING_CREATED_AT")
    if text["amount"] is None:
        out.add("MISSING_AMOUNT")
    currency = text["currency"]
    if currency not in SETTINGS.currencies:
        out.add("INVALID_CURRENCY")
    amount = _number(text["amount"])
    if amount is not None and amount <= 0:
        out.add("INVALID_AMOUNT_NEGATIVE")
    if amount is not None and amount > SETTINGS.max_amount:
        out.add("INVALID_AMOUNT_TOO_LARGE")
    if amount is not None and currency in SETTINGS.currencies and _decimals(amount) > minor_unit(currency):
        out.add("INVALID_AMOUNT_PRECISION")
    return out
