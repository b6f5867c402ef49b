"""What the code location reads from its container's environment, set by `components/dagster.py` from
the stack's config. Every variable is required: the defaults and bounds are the stack config's
(`config/dagster.py`), written there once; these types only parse what the stack sends."""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import BaseModel, Field

PREFIX = "LAKEHOUSE_"  # every variable below, upper-cased: LAKEHOUSE_TRINO_HOST


class LakehouseSettings(BaseModel):
    trino_host: str  # Trino as the code server's container reaches it
    trino_port: int
    trino_catalog: str  # Trino's name for the Iceberg connector
    namespace: str  # the Iceberg namespace the validation job writes
    quarantine_max_per_hour: Annotated[int, Field(ge=0)]
    dq_score_floor: Annotated[float, Field(ge=0, le=1)]
    suspicious_rate_max: Annotated[float, Field(ge=0, le=1)]
    freshness_max_age_s: Annotated[float, Field(gt=0)]
    # The event types whose generator runs: only their bronze tables are expected to stay fresh.
    generated_event_types: tuple[str, ...]
    schedules_running: bool
    maintenance_cron: str
    snapshot_retention: str  # a Trino duration
    orphan_file_retention: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> LakehouseSettings:
        """The settings from `LAKEHOUSE_*` variables (comma-separated for the tuple); `pydantic.ValidationError`
        names a variable that is missing or does not parse."""
        env = os.environ if environ is None else environ
        raw: dict[str, object] = {}
        for name in cls.model_fields:
            value = env.get(PREFIX + name.upper())
            if value is not None:
                raw[name] = tuple(v for v in value.split(",") if v) if name == "generated_event_types" else value
        return cls.model_validate(raw)

    def table(self, name: str, metadata: str = "") -> str:
        """The quoted, fully qualified Trino name of a table the validation job writes, or of one of its
        metadata tables (`metadata="files"`: `"t$files"`)."""
        suffix = f"${metadata}" if metadata else ""
        return f'{self.trino_catalog}."{self.namespace}"."{name}{suffix}"'

    @classmethod
    def env_names(cls) -> list[str]:
        """The variables `from_env` reads, in field order."""
        return [PREFIX + name.upper() for name in cls.model_fields]

    def env(self) -> dict[str, str]:
        """The inverse of `from_env`: the variables that reproduce these settings."""
        out = {}
        for name, value in self.model_dump().items():
            out[PREFIX + name.upper()] = (
                ",".join(value)
                if isinstance(value, tuple)
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
        return out
