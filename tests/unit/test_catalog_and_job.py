"""The Iceberg catalog, its tables and the validation job as the components declare them (Pulumi mocks),
and the table provider's rules for schema changes (no catalog needed to refuse a bad one)."""

from __future__ import annotations

import pulumi
import pytest

from config import ConfigError
from payments.events import EVENT_TYPES
from providers.flink.job import FlinkSqlJobProvider
from providers.iceberg.table import TableProvider
from tests.unit.conftest import unsecret
from tests.unit.seed import SEED_TABLES


@pulumi.runtime.test
def test_bronze_and_quarantine_tables_for_each_event_type(mocks, program):
    catalog = program({})["catalog"]

    def check(_):
        tables = {r.inputs["name"]: r.inputs for r in mocks.resources.values() if r.typ.endswith("iceberg:Table")}
        assert set(SEED_TABLES) <= set(tables), "the guide's eight tables exist by default"
        # Two tables per event type, named as the type is, and no others.
        assert sorted(tables) == sorted(n for e in EVENT_TYPES for n in (e.name, f"quarantine_{e.name}"))
        for e in EVENT_TYPES:
            bronze = {c["name"]: c["type"] for c in tables[e.name]["columns"]}
            assert {f.name for f in e.fields} <= set(bronze), e.name
            assert bronze["amount"] == "decimal(10, 2)"
            assert bronze["created_at"] == "timestamp"
            assert {"kafka_topic", "kafka_partition", "kafka_offset"} <= set(bronze)
            assert tables[e.name]["partition"] == [{"column": "created_at", "transform": "day"}]
            # A type keeps the id of each type its events refer to (refunds: charge_id).
            assert {f"{r.entity}_id" for r in e.references} <= set(bronze), e.name
            quarantine = {c["name"]: c["type"] for c in tables[f"quarantine_{e.name}"]["columns"]}
            assert quarantine["payload"] == quarantine["amount"] == "string"  # what was received, unparsed
            assert {"rejection_reason", "rejection_reasons", "quarantine_timestamp", "kafka_offset"} <= set(quarantine)
            assert tables[e.name]["namespace"] == tables[f"quarantine_{e.name}"]["namespace"] == "payments_db"
        assert "charge_id" in {c["name"] for c in tables["payment_refunds"]["columns"]}

    return pulumi.Output.all(*(t.id for t in catalog.tables.values())).apply(check)


@pulumi.runtime.test
def test_the_catalog_writes_with_its_own_key_and_is_published_on_loopback(mocks, program):
    catalog = program({"catalog": {"port": 29120}})["catalog"]

    def check(_):
        assert catalog.uri == "http://127.0.0.1:29120/"
        server = mocks.resources["catalog-server"].inputs
        assert server["envs"]["CATALOG_S3_ACCESS__KEY__ID"] == "catalog"
        assert server["envs"]["CATALOG_WAREHOUSE"] == "s3://warehouse/"
        assert set(unsecret(server["secret_envs"])) == {"CATALOG_JDBC_PASSWORD", "CATALOG_S3_SECRET__ACCESS__KEY"}
        assert not [v for v in server["envs"].values() if "catalog-secret-key" in str(v)], "no secret in plain envs"
        assert server["ports"][0]["external"] == 29120
        db = mocks.resources["catalog-db"].inputs
        assert db["ports"] == [], "the catalog's database is reachable only on the stack network"

    return catalog.namespace.apply(check)


@pulumi.runtime.test
def test_one_job_inserts_every_stream_into_its_tables(mocks, program):
    job = program({"validation": {"maxAmount": 5000}})["validation"]

    def check(_):
        inputs = mocks.resources["validation-job"].inputs
        targets = sorted(s.split()[2] for s in inputs["inserts"])
        # One INSERT into each of the two tables of every event type, all in this one job.
        assert targets == sorted(f"lakehouse.payments_db.{q}{e.name}" for e in EVENT_TYPES for q in ("", "quarantine_"))
        assert {f"lakehouse.payments_db.{t}" for t in SEED_TABLES} <= set(targets)
        connections, setup = "\n".join(inputs["connections"]), "\n".join(inputs["setup"])
        for e in EVENT_TYPES:  # the job reads every type's topic
            assert f"'topic' = '{e.name}'" in connections, e.name
        assert "'uri' = 'http://catalog:8181/'" in connections
        # The catalog hands out no storage settings: the job names Flink's endpoint (its key is its environment).
        assert "'s3.endpoint' = 'http://minio:9000'" in connections
        assert "secret" not in connections
        assert "'properties.bootstrap.servers' = 'kafka:29092'" in connections
        assert "'5000') > 0 THEN 'INVALID_AMOUNT_TOO_LARGE'" in setup, "the configured bound is the rule the job runs"
        assert "kafka:29092" not in setup, "no endpoint in the part previews show"
        assert "catalog:8181" not in setup
        assert inputs["state_store"]["access_key"] == "flink"

    return job.job_id.apply(check)


def test_catalog_port_must_differ_from_the_others(stack_config):
    with pytest.raises(ConfigError, match=r"port 8081 is already used by streaming-lakehouse:catalog\.port"):
        stack_config({"catalog": {"port": 8081}})


def test_max_amount_must_fit_the_bronze_decimal(stack_config):
    with pytest.raises(ConfigError, match=r"streaming-lakehouse:validation\.maxAmount"):
        stack_config({"validation": {"maxAmount": 100_000_000}})


def _table(*columns: tuple[str, str, bool]) -> dict:
    return {
        "namespace": "payments_db",
        "name": "t",
        "columns": [{"name": n, "type": t, "required": r, "doc": ""} for n, t, r in columns],
        "partition": [],
    }


@pytest.mark.parametrize(
    ("new", "error"),
    [
        (_table(("id", "string", False), ("n", "long", False)), None),  # int to long: allowed
        (_table(("id", "string", False), ("n", "int", False), ("extra", "string", False)), None),
        (_table(("id", "string", False)), None),  # dropping a column is allowed
        (_table(("id", "string", False), ("n", "string", False)), "column 'n': Iceberg cannot change int to string"),
        (_table(("id", "string", True), ("n", "int", False)), "column 'id': cannot become required"),
        (_table(("id", "string", False), ("n", "int", False), ("x", "int", True)), "new column 'x' must be optional"),
        (_table(("id", "strin", False)), "unknown Iceberg type 'strin'"),
        (_table(("id", "string", False), ("id", "int", False)), "column 'id' is declared twice"),
    ],
)
def test_schema_changes_iceberg_cannot_make_are_refused_at_preview(new, error):
    old = _table(("id", "string", False), ("n", "int", False))
    failures = TableProvider().check(old, new).failures or []
    reasons = "; ".join(f.reason for f in failures)
    if error is None:
        assert not failures, reasons
    else:
        assert error in reasons


def test_a_partition_on_a_missing_column_is_refused():
    table = {**_table(("id", "string", False)), "partition": [{"column": "day", "transform": "day"}]}
    assert "partition column 'day' is not a column" in TableProvider().check({}, table).failures[0].reason


def test_a_new_cluster_replaces_the_job_deleting_it_first_and_a_new_query_updates_it():
    old = {"name": "j", "setup": ["a"], "inserts": ["INSERT INTO t SELECT 1"], "cluster_id": "c1", "job_id": "x"}
    moved = FlinkSqlJobProvider().diff("j", old, {**old, "cluster_id": "c2"})
    # Stopped with a savepoint on the old cluster before it goes, never two jobs at once.
    assert (moved.replaces, moved.delete_before_replace) == (["cluster_id"], True)
    changed = FlinkSqlJobProvider().diff("j", old, {**old, "setup": ["b"]})
    assert (changed.changes, changed.replaces) == (True, [])  # stop with savepoint, resubmit: an update
