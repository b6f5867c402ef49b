"""`ConfigError` and the formatter that turns pydantic's errors into one line per bad key:
`streaming-lakehouse:<key.path>: expected <form>, got <value>`."""

from __future__ import annotations

from typing import Any, get_args, get_origin

import pulumi
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from config.fields import NAMESPACE, UNIONS, field_form, form_of


class ConfigError(pulumi.RunError):
    """A stack config value is missing, of the wrong type, or out of range. The message names the key."""


def _models_below(annotation: Any) -> tuple[type[BaseModel] | None, Any]:
    """The section a field holds, or, for a mapping of names to sections, that section and the type of
    the names (then the next step of an error's path is a name)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None
    if get_origin(annotation) in UNIONS:  # an optional section: `external: KafkaExternal | None`
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return _models_below(inner[0])
    if get_origin(annotation) is dict:
        key, value = get_args(annotation)
        if isinstance(value, type) and issubclass(value, BaseModel):
            return value, key
    return None, None


def _message(root: type[BaseModel], error: Any, raw: dict[str, Any]) -> str:
    """One pydantic error as `<key>: <what is wrong>`: its loc walked down the models from `root` to the
    dotted camelCase key of the field at fault, then that field's expected form and the value given."""
    loc, path = list(error["loc"]), []
    model: type[BaseModel] | None = root
    field: FieldInfo | None = None
    value: Any = raw
    while loc and model is not None:
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == loc[0]), None)
        if field is None:  # loc[0] is an unknown field of `model`
            break
        path.append(loc.pop(0))
        value = value.get(path[-1]) if isinstance(value, dict) else None
        inner, names = _models_below(field.annotation)
        if inner is None or not loc:
            break
        if names is not None:
            if loc[1:] == ["[key]"]:
                return f"{'.'.join(path)}: {loc[0]!r} is not {form_of(names)}"
            path.append(loc.pop(0))
            value = value.get(path[-1]) if isinstance(value, dict) else None
        model, field = inner, None
    key = ".".join(path)
    if error["type"] == "rule":
        return ".".join([*path, error["ctx"]["field"]]) + error["ctx"]["message"]
    if error["type"] == "extra_forbidden" and model is not None:
        known = ", ".join(sorted(f.alias or n for n, f in model.model_fields.items()))
        # {names} is filled in by config_error: one line for all the unknown fields of a section.
        return f"{key}: " + model.unknown.replace("{known}", known)  # type: ignore[attr-defined]
    form = field_form(field) if field is not None else None
    if error["type"] == "missing":
        return f"{key}: required ({form or 'an object with fields'})"
    got = value if loc else error["input"]  # a list's or mapping's whole value, not the item at fault
    return f"{key}: expected {form or 'an object with fields'}, got {got!r}"


def config_error(root: type[BaseModel], exc: ValidationError, raw: dict[str, Any]) -> ConfigError:
    """All of a validation's errors of the model `root` given `raw`, one line each; the unknown fields of
    one section on one line."""
    lines: dict[str, list[str]] = {}
    for error in exc.errors():
        unknown = [str(error["loc"][-1])] if error["type"] == "extra_forbidden" else []
        lines.setdefault(_message(root, error, raw), []).extend(unknown)
    return ConfigError(
        "\n".join(
            f"{NAMESPACE}:{line.replace('{names}', ', '.join(sorted(names))) if names else line}"
            for line, names in lines.items()
        )
    )
