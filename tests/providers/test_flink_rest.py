"""The Flink REST clients give up with a clear error instead of waiting for ever (a stand-in server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from providers.errors import FlinkSqlError
from providers.flink.gateway import session
from providers.flink.job import FlinkSqlJobProvider
from providers.flink.rest import FlinkRest

Routes = dict[tuple[str, str], Callable[[], tuple[int, dict]]]


@pytest.fixture
def flink() -> Iterator[Callable[[Routes], str]]:
    """Serves canned answers by (method, path prefix) on a free loopback port; returns its base URL."""
    servers: list[ThreadingHTTPServer] = []

    def serve(routes: Routes) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                for (method, prefix), answer in routes.items():
                    if method == self.command and self.path.startswith(prefix):
                        status, body = answer()
                        break
                else:
                    status, body = 404, {"errors": ["Not found: " + self.path]}
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = _answer  # noqa: N815

            def log_message(self, *_: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()


def _gateway(status: str, result: dict) -> Routes:
    return {
        ("POST", "/v1/sessions/s/statements"): lambda: (200, {"operationHandle": "op"}),
        ("POST", "/v1/sessions"): lambda: (200, {"sessionHandle": "s"}),
        ("GET", "/v1/sessions/s/operations/op/status"): lambda: (200, {"status": status}),
        ("GET", "/v1/sessions/s/operations/op/result/0"): lambda: (200, result),
        ("DELETE", "/v1/sessions/s"): lambda: (200, {}),
    }


def test_a_statement_that_never_finishes_gives_up_after_its_deadline(flink):
    url = flink(_gateway("RUNNING", {}))
    with session(url) as s, pytest.raises(FlinkSqlError, match=r"still RUNNING after 1s: SELECT 1"):
        s.execute("SELECT 1", timeout_s=1)


def test_a_result_that_is_never_ready_gives_up_after_its_deadline(flink):
    url = flink(_gateway("FINISHED", {"resultType": "NOT_READY"}))
    with session(url) as s, pytest.raises(FlinkSqlError, match=r"result not ready after 1s: SELECT 2"):
        s.execute("SELECT 2", timeout_s=1)


def test_a_failed_statement_reports_flinks_root_cause(flink):
    trace = "org.apache.flink.table.api.ValidationException: x\nCaused by: Table 'nope' not found"
    routes = _gateway("ERROR", {})
    routes[("GET", "/v1/sessions/s/operations/op/result/0")] = lambda: (500, {"errors": ["Internal", trace]})
    with (
        session(flink(routes)) as s,
        pytest.raises(FlinkSqlError, match=r"SELECT \* FROM nope.*Table 'nope' not found"),
    ):
        s.execute("SELECT * FROM nope")


def test_an_endpoint_that_does_not_answer_is_named_in_the_error(flink):
    url = flink({})
    closed = url.rsplit(":", 1)[0] + ":1"
    with pytest.raises(FlinkSqlError, match=r"Flink JobManager at http://127.0.0.1:1 does not answer"):
        FlinkRest(closed, "Flink JobManager").json("GET", "/overview")


def test_a_new_job_is_refused_when_a_live_job_of_its_name_runs_on_the_cluster(flink):
    running = {"jobs": [{"jid": "a1", "name": "payments-validation", "state": "RUNNING"}]}
    url = flink({("GET", "/jobs/overview"): lambda: (200, running)})
    props = {"name": "payments-validation", "rest_url": url, "sql_gateway_url": url}
    with pytest.raises(
        FlinkSqlError, match=r"a job named payments-validation already runs on .* \(a1\).*flink\.jobName"
    ):
        FlinkSqlJobProvider().create(props)
