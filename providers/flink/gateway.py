"""A small client of the Flink SQL Gateway REST API (v1/v2 endpoints): sessions, statements, results."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from providers.errors import FlinkSqlError

STATEMENT_TIMEOUT_S = 300


class SqlGatewaySession:
    """One gateway session: catalogs, SET options and temporary objects live as long as it does."""

    def __init__(self, base_url: str, handle: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.handle = handle

    def _url(self, path: str) -> str:
        return f"{self.base_url}/v1/sessions/{self.handle}{path}"

    def execute(self, statement: str, timeout_s: float = STATEMENT_TIMEOUT_S) -> list[dict[str, Any]]:
        """Run one statement to completion and return its rows as dicts (column name -> value)."""
        op = _post(self._url("/statements"), {"statement": statement})["operationHandle"]
        deadline = time.monotonic() + timeout_s
        while True:
            status = _get(self._url(f"/operations/{op}/status"))["status"]
            if status in ("FINISHED", "ERROR", "CANCELED", "CLOSED"):
                break
            if time.monotonic() > deadline:
                raise FlinkSqlError(f"statement still {status} after {timeout_s}s: {statement[:200]}")
            time.sleep(0.2)
        rows: list[dict[str, Any]] = []
        columns: list[str] = []
        url: str | None = self._url(f"/operations/{op}/result/0?rowFormat=JSON")
        while url:
            page = _get(url, statement)
            if page.get("resultType") == "NOT_READY":
                time.sleep(0.2)
                continue
            results = page.get("results", {})
            columns = [c["name"] for c in results.get("columns", [])] or columns
            rows.extend(dict(zip(columns, r["fields"], strict=True)) for r in results.get("data", []))
            next_uri = page.get("nextResultUri")
            url = f"{self.base_url}{next_uri}" if next_uri and page.get("resultType") != "EOS" else None
        return rows

    def close(self) -> None:
        requests.delete(f"{self.base_url}/v1/sessions/{self.handle}", timeout=30)


@contextmanager
def session(base_url: str, properties: dict[str, str] | None = None) -> Iterator[SqlGatewaySession]:
    handle = _post(f"{base_url.rstrip('/')}/v1/sessions", {"properties": properties or {}})["sessionHandle"]
    s = SqlGatewaySession(base_url, handle)
    try:
        yield s
    finally:
        s.close()


def _flink_message(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors", [])
    except ValueError:
        return response.text[:2000]
    # Flink puts a Java stack trace in errors[1]; its root cause is the most useful line.
    text = "\n".join(errors)
    causes = [line.strip() for line in text.splitlines() if line.startswith("Caused by:")]
    return (causes[-1] if causes else (errors[0] if errors else response.text))[:2000]


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(url, json=body, timeout=60)
    if not response.ok:
        raise FlinkSqlError(f"{url}: {response.status_code}: {_flink_message(response)}")
    return response.json()


def _get(url: str, statement: str = "") -> dict[str, Any]:
    response = requests.get(url, timeout=60)
    if not response.ok:
        where = f" running {statement[:300]!r}" if statement else ""
        raise FlinkSqlError(f"Flink SQL Gateway{where}: {_flink_message(response)}")
    return response.json()
