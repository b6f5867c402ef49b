"""The field types of the stack config: each carries the form its error message expects (`Form`), and
numbers and switches are strict but may arrive as text (`pulumi config set --path kafka.hostPort 9092`)."""

from __future__ import annotations

import json
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

NAMESPACE = "streaming-lakehouse"


@dataclass(frozen=True)
class Form:
    """What a field expects, in words: the `expected …` of its error message."""

    text: str


def _from_text(value: Any) -> Any:
    """`pulumi config set --path kafka.hostPort 9092` stores the text "9092": read such text as the JSON
    scalar it spells (9092, 0.05, true); anything else is left for the field to refuse."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# Numbers and switches are strict (True is not a port, 9092.0 is not a count) but may arrive as text.
_TEXT = BeforeValidator(_from_text)


def int_field(what: str, low: int, high: int) -> Any:
    """An integer field in low..high; `what` names it in the error ("a TCP port number")."""
    return Annotated[int, _TEXT, Field(strict=True, ge=low, le=high), Form(f"{what} in {low}..{high}")]


def text_field(form: str, pattern: str) -> Any:
    """A string field matching `pattern` (anchored with ^); `form` is what the error says it expects."""
    return Annotated[str, Field(strict=True), StringConstraints(pattern=pattern), Form(form)]


def rate_field(unit: str, high: int) -> Any:
    """A number above 0 and at most `high`; `unit` names it in the error ("events per second")."""
    return Annotated[
        float, _TEXT, Field(strict=True, gt=0, le=high, allow_inf_nan=False), Form(f"{unit} above 0, at most {high}")
    ]


Port = int_field("a TCP port number", 1, 65535)
Switch = Annotated[bool, _TEXT, Field(strict=True), Form("true or false")]
Fraction = Annotated[
    float, _TEXT, Field(strict=True, ge=0, le=1, allow_inf_nan=False), Form("a fraction between 0 and 1")
]
HostPorts = text_field("host:port, or several separated by commas", r"^[^\s,:/]+:[0-9]{1,5}(,[^\s,:/]+:[0-9]{1,5})*$")
Url = text_field("an http:// or https:// URL", r"^https?://[^\s/?#]+(/\S*)?$")
BucketName = text_field("an S3 bucket name", r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
Identifier = text_field("letters, digits, '_' or '-', starting with a letter", r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
DURATION = r"^[1-9][0-9]*(ms|s|m|h)$"
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
Duration = text_field("a duration such as 500ms, 10s, 2m or 24h", DURATION)
Cron = text_field("a cron expression of five fields such as '0 3 * * *'", r"^\S+( \S+){4}$")
TopicName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,249}$"), Form("a valid Kafka topic name")]
Currency = Annotated[str, Field(strict=True), StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]


def duration_seconds(text: str) -> float:
    """Seconds in a duration of the config's form (`500ms`, `10s`, `2m`, `1h`); `ValueError` for any other text."""
    match = re.fullmatch(DURATION.strip("^$"), text)
    if not match:
        raise ValueError(f"not a duration such as 500ms, 10s or 2m: {text!r}")
    return int(text.removesuffix(match.group(1))) * _UNIT_SECONDS[match.group(1)]


def rule(field: str, message: str) -> PydanticCustomError:
    """A broken cross-field rule, reported as `<key of the model>.<field><message>`."""
    return PydanticCustomError("rule", "{message}", {"field": field, "message": message})


class Section(BaseModel):
    """One structured config key (`streaming-lakehouse:kafka`): camelCase fields, unknown ones refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)
    # The error for unknown fields; {names}: the unknown ones, {known}: the fields there are.
    unknown: ClassVar[str] = "unknown field(s) {names}; known: {known}"

    @model_validator(mode="before")
    @classmethod
    def _absent_is_empty(cls, data: Any) -> Any:
        # `kafka:` with nothing under it reads as null: all defaults, as for a missing key.
        return {} if data is None else data


UNIONS = (Union, types.UnionType)


def form_of(annotation: Any) -> str | None:
    """The Form a type carries: on it, or on a member of its union (`Duration | None`)."""
    if get_origin(annotation) is Annotated:
        return next((m.text for m in annotation.__metadata__ if isinstance(m, Form)), None) or form_of(
            get_args(annotation)[0]
        )
    return next(filter(None, map(form_of, get_args(annotation))), None) if get_origin(annotation) in UNIONS else None


def field_form(info: FieldInfo) -> str | None:
    """The Form of a model's field: on the field itself, or on its type."""
    return next((m.text for m in info.metadata if isinstance(m, Form)), None) or form_of(info.annotation)
