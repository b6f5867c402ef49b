"""Namespace and Table providers against a real Iceberg REST catalog (Iceberg's REST server on MinIO)."""

from __future__ import annotations

import threading

import pytest

from providers.errors import IcebergCatalogError
from providers.iceberg.catalog import rest_catalog
from providers.iceberg.namespace import NamespaceProvider
from providers.iceberg.table import TableProvider
from tests.support import RUN

pytestmark = pytest.mark.docker  # needs a Docker engine


@pytest.fixture
def namespace(iceberg_catalog, name):
    p = NamespaceProvider()
    ns = name.replace("-", "_")
    created = p.create({"name": ns, "properties": {"owner": "tests"}, **iceberg_catalog})
    yield ns
    catalog = rest_catalog(iceberg_catalog)
    for table in catalog.list_tables(ns):  # what a failed test left behind
        catalog.drop_table(table)
    p.delete(created.id, created.outs)


def _table(namespace, catalog, columns, partition=()):
    return {
        "namespace": namespace,
        "name": "events",
        "columns": [{"name": n, "type": t, "required": False, "doc": ""} for n, t in columns],
        "partition": [{"column": c, "transform": tr} for c, tr in partition],
        "properties": {"format-version": "2"},
        **catalog,
    }


def test_namespace_is_created_read_and_dropped(iceberg_catalog, name):
    p = NamespaceProvider()
    ns = name.replace("-", "_") + "_ns"
    created = p.create({"name": ns, "properties": {"owner": "tests"}, **iceberg_catalog})
    assert p.read(created.id, created.outs).outs["properties"] == {"owner": "tests"}
    p.delete(created.id, created.outs)
    assert p.read(created.id, created.outs).id is None


def test_table_is_created_evolved_in_place_and_dropped(iceberg_catalog, namespace):
    p = TableProvider()
    v1 = _table(namespace, iceberg_catalog, [("id", "string"), ("n", "int"), ("at", "timestamp")], [("at", "day")])
    created = p.create(v1)
    # What the catalog has reads back as declared: a refresh shows no drift.
    read = p.read(created.id, created.outs).outs
    assert (read["columns"], read["partition"]) == (v1["columns"], v1["partition"])
    assert read["properties"] == {"format-version": "2"}

    v2 = _table(
        namespace,
        iceberg_catalog,
        [("id", "string"), ("n", "long"), ("at", "timestamp"), ("amount", "decimal(10, 2)")],
        [("at", "month")],
    )
    assert p.check(v1, v2).failures == []
    assert p.diff(created.id, v1, v2).replaces == [], "a schema change must not drop the table"
    p.update(created.id, v1, v2)
    read = p.read(created.id, v2).outs
    assert {c["name"]: c["type"] for c in read["columns"]} == {
        "id": "string",
        "n": "long",
        "at": "timestamp",
        "amount": "decimal(10, 2)",
    }
    assert read["partition"] == [{"column": "at", "transform": "month"}]

    # A table kept from an earlier stack is adopted and brought to the declared shape.
    v3 = v2 | {"columns": [*v2["columns"], {"name": "note", "type": "string", "required": False, "doc": ""}]}
    adopted = p.create(v3)
    assert adopted.id == created.id
    assert [c["name"] for c in p.read(created.id, v3).outs["columns"]] == ["id", "n", "at", "amount", "note"]

    p.delete(created.id, v3)
    assert p.read(created.id, v3).id is None


def test_an_impossible_change_made_behind_preview_is_refused(iceberg_catalog, namespace):
    p = TableProvider()
    v1 = _table(namespace, iceberg_catalog, [("id", "string"), ("n", "int")])
    created = p.create(v1)
    try:
        with pytest.raises(IcebergCatalogError, match="cannot change int to string"):
            p.update(created.id, v1, _table(namespace, iceberg_catalog, [("id", "string"), ("n", "string")]))
    finally:
        p.delete(created.id, v1)


def test_a_restarting_catalog_is_waited_for_not_reported_missing(dc, iceberg_catalog, namespace):
    """A destroy or refresh right after a restart (of the catalog, of the Docker daemon) must find the catalog,
    not fail: connecting is retried while it is down. The namespace is gone afterwards (in-memory store)."""
    server = dc.containers.get(f"lhtest-{RUN}-iceberg-rest")
    server.stop(timeout=10)
    threading.Timer(5, server.start).start()
    catalog = rest_catalog(iceberg_catalog)  # refused for 5 s, then starting
    assert (namespace,) not in catalog.list_namespaces()
    catalog.create_namespace(namespace)  # what the fixture's teardown drops
