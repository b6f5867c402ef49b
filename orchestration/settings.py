"""What the code location reads from its container's environment, set by `components/dagster.py` from
the stack's config (`dagster` section; defaults and bounds in `config/dagster.py`)."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field

from payments.events import EVENT_TYPES
from payments.tables import NAMESPACE

PREFIX = "LAKEHOUSE_"  # every variable below, upper-cased: LAKEHOUSE_TRINO_HOST


class LakehouseSettings(BaseModel):
    trino_host: str = "trino"
    trino_port: int = 8080
    trino_catalog: str = "iceberg"  # Trino's name for the Iceberg connector (components/trino.py CATALOG)
    namespace: str = NAMESPACE  # the Iceberg namespace the validation job writes
    quarantine_max_per_hour: int = Field(100, ge=0)
    dq_score_floor: float = Field(0.8, ge=0, le=1)
    suspicious_rate_max: float = Field(0.2, ge=0, le=1)
    freshness_max_age_s: float = Field(300, gt=0)
    # The event types whose generator runs: only their bronze tables are expected to stay fresh.
    generated_event_types: tuple[str, ...] = tuple(e.name for e in EVENT_TYPES)
    schedules_running: bool = True
    maintenance_cron: str = "0 3 * * *"
    snapshot_retention: str = "24h"  # a Trino duration
    orphan_file_retention: str = "24h"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> LakehouseSettings:
        """The settings from `LAKEHOUSE_*` variables (comma-separated for the tuple), defaults for the rest;
        `pydantic.ValidationError` names a variable that does not parse."""
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
