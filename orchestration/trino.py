"""`TrinoResource`: SQL through the stack's Trino, where every check and the table maintenance run."""

from __future__ import annotations

from typing import Any

import dagster as dg
import trino.dbapi
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential
from trino.exceptions import TrinoQueryError


def is_commit_conflict(exc: BaseException) -> bool:
    """Whether Trino lost an Iceberg commit race (the streaming job committed in between): worth a retry.
    Error name: Trino's IcebergErrorCode."""
    return isinstance(exc, TrinoQueryError) and exc.error_name == "ICEBERG_COMMIT_ERROR"


class TrinoResource(dg.ConfigurableResource):
    """One query at a time through Trino's DB-API client (which itself retries 502-504 answers)."""

    host: str
    port: int = 8080
    user: str = "dagster"
    catalog: str = "iceberg"

    def query(self, sql: str) -> list[list[Any]]:
        """Every row of `sql`; raises `trino.exceptions.TrinoQueryError` when Trino refuses it."""
        conn = trino.dbapi.connect(host=self.host, port=self.port, user=self.user, catalog=self.catalog)
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetchall()
        finally:
            conn.close()

    @retry(
        retry=retry_if_exception(is_commit_conflict),
        stop=stop_after_attempt(6),
        wait=wait_exponential(multiplier=2, max=60),
        reraise=True,
    )
    def commit(self, sql: str) -> list[list[Any]]:
        """`query` for a statement that commits to an Iceberg table, retried while it loses commit races."""
        return self.query(sql)
