"""A small client of the Flink SQL Gateway REST API (v1 endpoints): sessions, statements, results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from providers.errors import FlinkSqlError
from providers.flink.rest import FlinkRest
from providers.polling import poll_until

STATEMENT_TIMEOUT_S = 300
POLL_S = 0.2


class SqlGatewaySession:
    """One gateway session: catalogs, SET options and temporary objects live as long as it does."""

    def __init__(self, rest: FlinkRest, handle: str) -> None:
        self.rest = rest
        self.handle = handle

    def _path(self, path: str) -> str:
        return f"/v1/sessions/{self.handle}{path}"

    def execute(self, statement: str, timeout_s: float = STATEMENT_TIMEOUT_S) -> list[dict[str, Any]]:
        """Run one statement to completion and return its rows as dicts (column name -> value).

        Raises `FlinkSqlError` with Flink's root cause when the statement fails, and when it has not
        finished, or its result is still not ready, `timeout_s` seconds after it was sent.
        """
        op = self.rest.json("POST", self._path("/statements"), {"statement": statement})["operationHandle"]
        rows: list[dict[str, Any]] = []
        columns: list[str] = []
        path: str | None = None  # the next page of the result, once the statement finished
        waiting = "still SUBMITTED"

        def advance() -> bool | None:
            """True once every page of the result is read; None while the statement runs or a page is not ready."""
            nonlocal path, columns, waiting
            if path is None:
                status = self.rest.json("GET", self._path(f"/operations/{op}/status"))["status"]
                if status not in ("FINISHED", "ERROR", "CANCELED", "CLOSED"):
                    waiting = f"still {status}"
                    return None
                path, waiting = self._path(f"/operations/{op}/result/0?rowFormat=JSON"), "result not ready"
            while path:
                try:
                    page = self.rest.json("GET", path)
                except FlinkSqlError as exc:  # a failed statement reports its error when its result is fetched
                    raise FlinkSqlError(f"running {statement[:300]!r}: {exc}") from exc
                if page.get("resultType") == "NOT_READY":
                    return None
                results = page.get("results", {})
                columns = [c["name"] for c in results.get("columns", [])] or columns
                rows.extend(dict(zip(columns, r["fields"], strict=True)) for r in results.get("data", []))
                next_uri = page.get("nextResultUri")
                path = next_uri if next_uri and page.get("resultType") != "EOS" else ""
            return True

        if not poll_until(advance, timeout_s, POLL_S):
            raise FlinkSqlError(f"statement {waiting} after {timeout_s:.0f}s: {statement[:200]}")
        return rows

    def close(self) -> None:
        self.rest.request("DELETE", f"/v1/sessions/{self.handle}", ok_statuses=(404, 500))


@contextmanager
def session(base_url: str, properties: dict[str, str] | None = None) -> Iterator[SqlGatewaySession]:
    """A gateway session with `properties` (SET options), closed on exit."""
    rest = FlinkRest(base_url, "Flink SQL Gateway")
    handle = rest.json("POST", "/v1/sessions", {"properties": properties or {}})["sessionHandle"]
    s = SqlGatewaySession(rest, handle)
    try:
        yield s
    finally:
        s.close()
