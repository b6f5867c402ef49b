"""Dagster as the component declares it, and what its code location is handed (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from tests.components.conftest import unsecret


@pulumi.runtime.test
def test_dagster_serves_its_ui_on_loopback_and_its_code_queries_trino_with_the_stacks_thresholds(mocks, program):
    dagster = program(
        {
            "namePrefix": "lh-unit",
            "dagster": {"port": 13000, "quarantineMaxPerHour": 250},
            "catalog": {"namespace": "pay"},
        }
    )["dagster"]

    def check(_):
        web, code, daemon = (mocks.resources[f"dagster-{n}"].inputs for n in ("webserver", "code", "daemon"))
        db = mocks.resources["dagster-db"].inputs
        assert dagster.url == "http://127.0.0.1:13000"
        assert [(p["internal"], p["external"], p["ip"]) for p in web["ports"]] == [(3000, 13000, "127.0.0.1")]
        assert not code.get("ports")
        assert not daemon.get("ports")
        assert not db.get("ports")
        # The code server is what the workspace names, and what runs the checks against Trino and dbt.
        assert code["networks_advanced"] == [{"name": "lh-unit-net", "aliases": ["dagster-code"]}]
        assert code["envs"]["LAKEHOUSE_TRINO_HOST"] == code["envs"]["DBT_TRINO_HOST"] == "trino"
        assert code["envs"]["LAKEHOUSE_QUARANTINE_MAX_PER_HOUR"] == "250"
        assert code["envs"]["LAKEHOUSE_NAMESPACE"] == code["envs"]["DBT_SOURCE_NAMESPACE"] == "pay"
        # Instance storage in a database and role of its own, its password only in secret_envs.
        assert (db["envs"]["POSTGRES_DB"], db["envs"]["POSTGRES_USER"]) == ("dagster", "dagster")
        assert db["volumes"][0]["volume_name"] == "lh-unit-dagster-data"
        for container in (web, code, daemon):
            assert container["envs"]["DAGSTER_PG_HOST"] == "dagster-db"
            assert set(unsecret(container["secret_envs"])) == {"DAGSTER_PG_PASSWORD"}

    return pulumi.Output.all(dagster.webserver.id, dagster.daemon.id, dagster.code_server_container).apply(check)


def test_without_trino_there_is_no_dagster(mocks, program):
    assert program({"trino": {"enabled": False}})["dagster"] is None
