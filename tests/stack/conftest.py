"""Throwaway stacks driven through `pulumi.automation`, isolated from the dev stack.

Each stack gets its own local backend, name prefix (so its own network, containers and volumes) and
free host ports, so a dev stack running on the same machine, or brought back by Docker's restart
policy, never collides with it. Whatever happens, the stack is destroyed and removed at the end.

The modules of this package share one full stack (`shared_stack`, generators on): a 2-core machine runs
one stack of tests at a time beside the dev stack, and a full `up` is paid once. Tests marked
`destroys_stack` run after all others.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import trino
import yaml
from pulumi import automation as auto

from providers.docker.client import remove_labelled
from tests.support import published_ports

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "destroys_stack: destroys the shared stack, so runs after every other test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = [i for i, item in enumerate(items) if "tests/stack/" in str(item.fspath)]
    # Within this package only (its fixtures must not end before the destroying test), and stable.
    ordered = sorted((items[i] for i in here), key=lambda item: item.get_closest_marker("destroys_stack") is not None)
    for i, item in zip(here, ordered, strict=True):
        items[i] = item


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli() -> None:
    if shutil.which("pulumi") is None:
        pytest.fail("no `pulumi` on PATH: run the tests with `make test` (it bootstraps the CLI)")


@contextmanager
def trino_query(outputs: dict[str, Any]) -> Iterator[Callable[[str], list[list[Any]]]]:
    """A function running SQL on the stack's Trino from this machine (catalog `iceberg`), for the block."""
    host, port = outputs["trino_url"].removeprefix("http://").split(":")
    connection = trino.dbapi.connect(host=host, port=int(port), user="tests", catalog="iceberg")

    def run(sql: str) -> list[list[Any]]:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()

    try:
        yield run
    finally:
        connection.close()


def isolated_ports() -> dict[str, dict[str, int]]:
    """Free host ports for every service, so a dev stack on the usual ports never collides."""
    kafka, api, console, catalog, rest, gateway, trino, dagster, webhooks = published_ports(9)
    return {
        "kafka": {"hostPort": kafka},
        "minio": {"apiPort": api, "consolePort": console},
        "catalog": {"port": catalog},
        "flink": {"restPort": rest, "sqlGatewayPort": gateway},
        "trino": {"port": trino},
        "dagster": {"port": dagster},
        "webhooks": {"receiver": {"hostPort": webhooks}},
    }


def merged(base: dict, overrides: dict) -> dict:
    out = dict(base)
    for key, value in overrides.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class ThrowawayStack:
    def __init__(
        self, tmp: Path, config: dict[str, object], backend: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        """`backend`: where the state lives (default a directory of the test's own); `env`: more environment
        for the Pulumi CLI (an S3 backend's keys)."""
        run = uuid.uuid4().hex[:8]
        self.name = f"t{run}"
        self.prefix = f"lhtest-{run}"
        self.log: list[str] = []
        self.events: list[auto.EngineEvent] = []  # of every `up`, in order
        project = tmp / "project"
        project.mkdir()
        # The real program; its packages import from this checkout (installed editable in the venv).
        for f in ("Pulumi.yaml", "__main__.py"):
            shutil.copy(ROOT / f, project / f)
        self.config = merged({"namePrefix": self.prefix, **isolated_ports()}, config)
        settings = {f"streaming-lakehouse:{k}": v for k, v in self.config.items()}
        (project / f"Pulumi.{self.name}.yaml").write_text(yaml.safe_dump({"config": settings}))
        (tmp / "state").mkdir()
        env = {
            **(env or {}),
            "PULUMI_BACKEND_URL": backend or f"file://{tmp / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": "throwaway",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }
        ws = auto.LocalWorkspace(work_dir=str(project), env_vars=env)
        self.stack = auto.Stack.create(self.name, ws)

    def on_output(self, line: str) -> None:
        self.log.append(line)

    def up(self) -> auto.UpResult:
        return self.stack.up(on_output=self.on_output, on_event=self.events.append)

    def preview(self) -> auto.PreviewResult:
        return self.stack.preview(on_output=self.on_output)

    def refresh(self) -> auto.RefreshResult:
        return self.stack.refresh(on_output=self.on_output)

    def destroy(self, targets: list[str] | None = None) -> auto.DestroyResult:
        """The whole stack, or only the resources whose URNs match `targets` and whatever depends on them."""
        if targets:
            return self.stack.destroy(on_output=self.on_output, target=targets, target_dependents=True)
        return self.stack.destroy(on_output=self.on_output)

    def resources(self, type_suffix: str) -> list[dict]:
        """The stack's resources of one type (`FlinkSqlJob`, `docker:Container`), as the state has them."""
        deployment = self.stack.export_stack().deployment
        return [r for r in deployment.get("resources", []) if r["type"].endswith(type_suffix)]


@pytest.fixture(scope="module")
def throwaway_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[dict], ThrowawayStack]]:
    made: list[ThrowawayStack] = []

    def make(config: dict[str, object], **kwargs: Any) -> ThrowawayStack:
        s = ThrowawayStack(tmp_path_factory.mktemp("stack"), config, **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        try:
            s.destroy()
        except auto.CommandError:
            remove_labelled(s.name)  # the test already failed; leave nothing behind regardless
            raise
        finally:
            s.stack.workspace.remove_stack(s.name, force=True)


# The provider-native generators at a few times their default rates and problem rates, so that every
# delivery problem shows up while the package's tests run (tests/stack/test_webhooks.py counts them all).
_PROBLEMS = {"redelivery": 0.05, "outOfOrder": 0.1, "badSignature": 0.05, "unusualDecimals": 0.1}
WEBHOOK_TRAFFIC = {
    "generators": {
        "stripe": {
            "ratePerSecond": 4,
            "problemRates": {**_PROBLEMS, "testMode": 0.1, "staleSignature": 0.05, "oldApiVersion": 0.3},
        },
        "adyen": {"ratePerSecond": 2, "problemRates": {**_PROBLEMS, "testMode": 0.1, "batch": 0.3}},
        "braintree": {"ratePerSecond": 2, "problemRates": _PROBLEMS},
        "checkout": {"ratePerSecond": 2, "problemRates": _PROBLEMS},
    }
}


@pytest.fixture(scope="package")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ThrowawayStack, auto.UpResult]]:
    """One full stack with the generators on, brought up once for every module here; the first `up`'s result."""
    # Schedules stopped: a scheduled dbt build would race the dbt runs the serving tests compare.
    s = ThrowawayStack(
        tmp_path_factory.mktemp("shared"), {"dagster": {"schedulesRunning": False}, "webhooks": WEBHOOK_TRAFFIC}
    )
    try:
        yield s, s.up()
    finally:
        try:
            s.destroy()  # a no-op when the destroying test already did it
        except auto.CommandError:
            remove_labelled(s.name)
            raise
        finally:
            s.stack.workspace.remove_stack(s.name, force=True)
