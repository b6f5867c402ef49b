"""One HTTP client for Flink's REST APIs (the JobManager's and the SQL Gateway's): a `requests.Session`
that retries what is safe to retry, and one mapping of Flink's error bodies to `FlinkSqlError`.

Flink answers errors as `{"errors": [message, java stack trace]}`
(https://nightlies.apache.org/flink/flink-docs-release-2.1/docs/ops/rest_api/); the root cause
(the last `Caused by:` line) is the part a user can act on.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from providers.errors import FlinkSqlError

REQUEST_TIMEOUT_S = 60  # one call; a JobManager under load answers slowly, not never


def _session() -> requests.Session:
    # Connection failures and 502/503/504 of idempotent calls are retried with back-off (about 7 s in all):
    # a JobManager restarting, or a machine so loaded that a connect times out once.
    retry = Retry(
        total=4,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "DELETE", "PATCH"}),
        raise_on_status=False,
    )
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    return s


def flink_message(response: requests.Response) -> str:
    """The most useful line of Flink's error answer (at most 2,000 characters)."""
    try:
        errors = response.json().get("errors", [])
    except ValueError:
        return response.text[:2000]
    text = "\n".join(str(e) for e in errors)
    causes = [line.strip() for line in text.splitlines() if line.startswith("Caused by:")]
    return (causes[-1] if causes else (str(errors[0]) if errors else response.text))[:2000]


class FlinkRest:
    """Calls to one Flink REST endpoint (`base_url`, e.g. `http://127.0.0.1:8081`).

    Raises `FlinkSqlError` when the endpoint does not answer, or answers an error (except where the
    caller asks for the raw response with `ok_statuses`).
    """

    def __init__(self, base_url: str, what: str = "Flink") -> None:
        self.base_url = base_url.rstrip("/")
        self.what = what
        self.http = _session()

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, ok_statuses: tuple[int, ...] = ()
    ) -> requests.Response:
        """The response of `method path`; a non-2xx answer not in `ok_statuses` raises `FlinkSqlError`."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        try:
            response = self.http.request(method, url, json=body, timeout=REQUEST_TIMEOUT_S)
        except requests.RequestException as exc:
            raise FlinkSqlError(f"{self.what} at {self.base_url} does not answer: {exc}") from exc
        if not response.ok and response.status_code not in ok_statuses:
            raise FlinkSqlError(f"{self.what} {method} {path}: {response.status_code}: {flink_message(response)}")
        return response

    def json(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.request(method, path, body).json()
