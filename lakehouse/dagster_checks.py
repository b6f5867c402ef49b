"""The asset checks of a stack's Dagster, as its webserver's GraphQL API reports them (no Dagster on the
host): the latest outcome of every check, for `make status` and `make dq`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

# Dagster's GraphQL schema (dagster-graphql, schema/asset_checks.py): per asset, each check's latest execution.
LATEST_CHECKS = """
query LatestChecks {
  assetNodes {
    assetKey { path }
    assetChecksOrError {
      ... on AssetChecks {
        checks {
          name
          executionForLatestMaterialization {
            runId
            status
            timestamp
            evaluation {
              severity
              description
              metadataEntries {
                label
                ... on IntMetadataEntry { intValue }
                ... on FloatMetadataEntry { floatValue }
                ... on TextMetadataEntry { text }
                ... on BoolMetadataEntry { boolValue }
                ... on JsonMetadataEntry { jsonString }
                ... on TimestampMetadataEntry { timestamp }
              }
            }
          }
        }
      }
    }
  }
}
"""


class DagsterApiError(RuntimeError):
    """The webserver did not answer, or answered the query with errors."""


@dataclass(frozen=True)
class CheckOutcome:
    asset: str  # the asset key, slash-separated: payments/quarantine_payment_charges
    check: str  # quarantine_volume
    status: str  # SUCCEEDED, FAILED, EXECUTION_FAILED, IN_PROGRESS, SKIPPED; NOT_RUN when never executed
    severity: str | None  # of a FAILED check: ERROR, or WARN (dbt tests configured to warn)
    run_id: str | None
    timestamp: float | None  # when the execution started, seconds since the epoch
    description: str
    metadata: dict[str, Any]

    @property
    def failed(self) -> bool:
        """Failed as an error, or could not run at all; a failed WARN check is `warned`."""
        return self.status == "EXECUTION_FAILED" or (self.status == "FAILED" and not self.warned)

    @property
    def warned(self) -> bool:
        return self.status == "FAILED" and self.severity == "WARN"


def _value(entry: dict[str, Any]) -> Any:
    for field in ("intValue", "floatValue", "text", "boolValue", "timestamp"):
        if field in entry:
            return entry[field]
    return json.loads(entry["jsonString"]) if "jsonString" in entry else None


def latest_checks(url: str) -> list[CheckOutcome]:
    """Every asset check's latest outcome, sorted by asset and check. `url`: the UI (output `dagster_url`).
    Raises `DagsterApiError`."""
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=1, allowed_methods=None)))
    try:
        answer = session.post(f"{url}/graphql", json={"query": LATEST_CHECKS}, timeout=60)
        answer.raise_for_status()
        body = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise DagsterApiError(f"Dagster at {url}: {exc}") from exc
    if body.get("errors"):
        raise DagsterApiError(f"Dagster at {url}: {body['errors']}")
    out = []
    for node in body["data"]["assetNodes"]:
        asset = "/".join(node["assetKey"]["path"])
        for check in (node["assetChecksOrError"] or {}).get("checks", []):
            run = check["executionForLatestMaterialization"]
            evaluation = (run or {}).get("evaluation") or {}
            out.append(
                CheckOutcome(
                    asset,
                    check["name"],
                    run["status"] if run else "NOT_RUN",
                    evaluation.get("severity"),
                    run["runId"] if run else None,
                    run["timestamp"] if run else None,
                    evaluation.get("description") or "",
                    {e["label"]: _value(e) for e in evaluation.get("metadataEntries", [])},
                )
            )
    return sorted(out, key=lambda c: (c.asset, c.check))


def line(c: CheckOutcome) -> str:
    status = "WARNED" if c.warned else c.status
    return f"{status:16} {c.asset}:{c.check}  {c.description}".rstrip()
