"""The Iceberg catalog and its tables as the component declares them (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from payments.events import EVENT_TYPES
from tests.components.conftest import unsecret
from tests.required import REQUIRED_TABLES


@pulumi.runtime.test
def test_bronze_and_quarantine_tables_for_each_event_type(mocks, program):
    catalog = program({})["catalog"]

    def check(_):
        tables = {r.inputs["name"]: r.inputs for r in mocks.resources.values() if r.typ.endswith("iceberg:Table")}
        assert set(REQUIRED_TABLES) <= set(tables), "the eight required tables exist by default"
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
