"""Turn typed args dataclasses into the property bags dynamic resources take."""

from __future__ import annotations

import dataclasses
from typing import Any


def to_props(value: Any) -> Any:
    """Like dataclasses.asdict, without deep-copying the Outputs inside and dropping None fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_props(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, (list, tuple)):
        return [to_props(v) for v in value]
    if isinstance(value, dict):
        return {k: to_props(v) for k, v in value.items()}
    return value
