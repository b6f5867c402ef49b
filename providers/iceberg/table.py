"""`Table`: an Iceberg table whose columns, partitioning and properties are declared in code.

Changes evolve the table in place, the way Iceberg allows (add or drop a column, widen a type, make a
column optional, change the partitioning), so its data is never dropped by an update; a change Iceberg
cannot make (string to int, optional to required) is refused at preview, naming the column.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
import requests
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import NoSuchTableError, TableAlreadyExistsError
from pyiceberg.partitioning import PartitionField as IcebergPartitionField
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table as IcebergTable
from pyiceberg.transforms import parse_transform
from pyiceberg.types import (
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IcebergType,
    IntegerType,
    LongType,
    NestedField,
    StringType,
    TimestampType,
    TimestamptzType,
)

from providers.errors import IcebergCatalogError
from providers.iceberg.catalog import refusals, rest_catalog
from providers.props import to_props

_PRIMITIVES: dict[str, IcebergType] = {
    "boolean": BooleanType(),
    "int": IntegerType(),
    "long": LongType(),
    "float": FloatType(),
    "double": DoubleType(),
    "date": DateType(),
    "string": StringType(),
    "timestamp": TimestampType(),
    "timestamptz": TimestamptzType(),
}
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
# The type changes Iceberg allows without rewriting data.
_WIDENINGS = {("int", "long"), ("float", "double")}


@dataclass
class Column:
    name: str
    type: str  # an Iceberg type: string, int, long, boolean, decimal(10, 2), timestamp, timestamptz, ...
    required: bool = False
    doc: str = ""


@dataclass
class PartitionField:
    column: str
    transform: str = "identity"  # identity, day, month, year, hour, bucket[N], truncate[W]


@dataclass
class TableArgs:
    namespace: pulumi.Input[str]
    name: str
    columns: list[Column]
    catalog_uri: pulumi.Input[str]
    warehouse: pulumi.Input[str]
    # More REST client properties: OAuth2 (`catalog.oauth2_properties`), a secret then. None: no auth.
    catalog_properties: pulumi.Input[dict[str, str]] | None = None
    partition: list[PartitionField] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)


def iceberg_type(text: str) -> IcebergType:
    text = text.strip().lower()
    if text in _PRIMITIVES:
        return _PRIMITIVES[text]
    if m := _DECIMAL.match(text):
        return DecimalType(int(m.group(1)), int(m.group(2)))
    raise ValueError(f"unknown Iceberg type {text!r}; known: {', '.join(_PRIMITIVES)}, decimal(P, S)")


def _type_change_allowed(old: str, new: str) -> bool:
    a, b = iceberg_type(old), iceberg_type(new)
    if a == b or (str(a), str(b)) in _WIDENINGS:
        return True
    return (
        isinstance(a, DecimalType) and isinstance(b, DecimalType) and a.scale == b.scale and b.precision > a.precision
    )


def _columns(props: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in props.get("columns") or []}


def _schema(props: dict[str, Any]) -> Schema:
    return Schema(
        *(
            NestedField(
                i, c["name"], iceberg_type(c["type"]), required=bool(c.get("required")), doc=c.get("doc") or None
            )
            for i, c in enumerate(props["columns"], start=1)
        )
    )


def _spec(props: dict[str, Any], schema: Schema) -> PartitionSpec:
    fields = []
    for i, p in enumerate(props.get("partition") or [], start=1000):
        transform = parse_transform(p["transform"])
        source = schema.find_field(p["column"]).field_id
        fields.append(IcebergPartitionField(source, i, transform, _partition_name(p)))
    return PartitionSpec(*fields)


def _partition_name(p: dict[str, Any]) -> str:
    transform = re.sub(r"[^a-z0-9]+", "_", p["transform"].lower()).strip("_")
    return p["column"] if transform == "identity" else f"{p['column']}_{transform}"


def _properties(table: IcebergTable) -> dict[str, str]:
    """The table's properties, `format-version` included (Iceberg keeps it in the metadata, not with them)."""
    return {**table.properties, "format-version": str(table.metadata.format_version)}


def _identifier(props: dict[str, Any]) -> str:
    return f"{props['namespace']}.{props['name']}"


def _described(table: IcebergTable, declared: dict[str, Any] | None = None) -> dict[str, Any]:
    """A table as the catalog has it, in the shape of the resource's inputs (types spelled as declared)."""
    schema = table.schema()
    spelled = {c["name"]: c["type"] for c in (declared or {}).get("columns") or []}

    def spelling(name: str, actual: IcebergType) -> str:
        return spelled[name] if name in spelled and iceberg_type(spelled[name]) == actual else str(actual)

    columns = [
        {"name": f.name, "type": spelling(f.name, f.field_type), "required": f.required, "doc": f.doc or ""}
        for f in schema.fields
    ]
    partition = [
        {"column": schema.find_column_name(p.source_id), "transform": str(p.transform)} for p in table.spec().fields
    ]
    return {"columns": columns, "partition": partition}


def _evolved_schema(table: IcebergTable, columns: list[dict[str, Any]]) -> tuple[Schema, int]:
    """The declared columns as the table's next schema: a kept column keeps its field id (so its data stays
    readable), a new one gets the next free id. Returns the schema and the table's new last column id."""
    current = {f.name: f for f in table.schema().fields}
    last_id = table.metadata.last_column_id
    fields = []
    for c in columns:
        kept = current.get(c["name"])
        if kept is None:
            last_id += 1
        field_id = kept.field_id if kept else last_id
        fields.append(
            NestedField(
                field_id, c["name"], iceberg_type(c["type"]), required=bool(c.get("required")), doc=c.get("doc")
            )
        )
    schema_id = max(s.schema_id for s in table.schemas().values()) + 1
    return Schema(*fields, schema_id=schema_id), last_id


def _commit_schema(catalog: RestCatalog, props: dict[str, Any], table: IcebergTable) -> None:
    """Add the declared schema and make it current, in one commit that fails if someone changed it meanwhile.

    Sent as the REST spec's commit request directly because pyiceberg no longer sends `last-column-id`
    with `add-schema`, which some servers still require (Nessie 0.99 did). Sent through the catalog
    client's own HTTP session, which carries its OAuth2 token when the catalog needs one.
    """
    http = catalog._session  # pyiceberg's authenticated session: the only way to its token
    schema, last_column_id = _evolved_schema(table, props["columns"])
    base = props["catalog_uri"].rstrip("/")
    try:
        config = http.get(f"{base}/v1/config", params={"warehouse": props["warehouse"]}, timeout=30)
        config.raise_for_status()
    except requests.RequestException as exc:
        raise IcebergCatalogError(f"changing the schema of {_identifier(props)}: catalog config: {exc}") from exc
    settings = {**config.json().get("defaults", {}), **config.json().get("overrides", {})}
    prefix = f"/{settings['prefix']}" if settings.get("prefix") else ""
    body = {
        "requirements": [{"type": "assert-current-schema-id", "current-schema-id": table.schema().schema_id}],
        "updates": [
            {"action": "add-schema", "schema": json.loads(schema.model_dump_json()), "last-column-id": last_column_id},
            {"action": "set-current-schema", "schema-id": -1},
        ],
    }
    url = f"{base}/v1{prefix}/namespaces/{props['namespace']}/tables/{props['name']}"
    try:
        response = http.post(url, json=body, timeout=60)
    except requests.RequestException as exc:
        raise IcebergCatalogError(f"changing the schema of {_identifier(props)}: {exc}") from exc
    if not response.ok:
        message = response.json().get("error", {}).get("message", response.text) if response.content else ""
        raise IcebergCatalogError(f"changing the schema of {_identifier(props)}: {response.status_code} {message}")


class TableProvider(ResourceProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        where = f"table {news.get('namespace', '?')}.{news.get('name')}"
        names = [c.get("name") for c in news.get("columns") or []]
        if not names:
            failures.append(CheckFailure("columns", f"{where}: declare at least one column"))
        for dup in sorted({n for n in names if names.count(n) > 1}):
            failures.append(CheckFailure("columns", f"{where}: column {dup!r} is declared twice"))
        for c in news.get("columns") or []:
            try:
                iceberg_type(c.get("type", ""))
            except ValueError as exc:
                failures.append(CheckFailure("columns", f"{where}, column {c.get('name')!r}: {exc}"))
        for p in news.get("partition") or []:
            if p.get("column") not in names:
                failures.append(
                    CheckFailure("partition", f"{where}: partition column {p.get('column')!r} is not a column")
                )
            try:
                parse_transform(p.get("transform", ""))
            except ValueError as exc:
                failures.append(CheckFailure("partition", f"{where}: {exc}"))
        if olds.get("columns") and not failures:
            failures += self._evolution_failures(where, _columns(olds), _columns(news))
        return CheckResult(news, failures)

    @staticmethod
    def _evolution_failures(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[CheckFailure]:
        failures = []
        for name, c in new.items():
            before = old.get(name)
            if before is None:
                if c.get("required"):
                    failures.append(
                        CheckFailure(
                            "columns", f"{where}: new column {name!r} must be optional (existing rows lack it)"
                        )
                    )
                continue
            if not _type_change_allowed(before["type"], c["type"]):
                failures.append(
                    CheckFailure(
                        "columns",
                        f"{where}, column {name!r}: Iceberg cannot change {before['type']} to {c['type']} in place "
                        "(allowed: int to long, float to double, a wider decimal); add a new column instead",
                    )
                )
            if c.get("required") and not before.get("required"):
                failures.append(CheckFailure("columns", f"{where}, column {name!r}: cannot become required"))
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        catalog = rest_catalog(props)
        schema = _schema(props)
        with refusals(f"creating table {_identifier(props)}"):
            try:
                catalog.create_table(
                    _identifier(props),
                    schema=schema,
                    partition_spec=_spec(props, schema),
                    properties=props.get("properties") or {},
                )
            except TableAlreadyExistsError:
                # Kept from an earlier stack with its data: adopt it and bring it to the declared shape.
                self._evolve(catalog, props)
        return CreateResult(_identifier(props), props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("namespace", "name", "warehouse") if olds.get(k) != news.get(k)]
        changes = replaces + [
            k
            for k in ("columns", "partition", "properties", "catalog_uri", "catalog_properties")
            if olds.get(k) != news.get(k)
        ]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._evolve(rest_catalog(news), news)
        return UpdateResult(news)

    def _evolve(self, catalog: RestCatalog, props: dict[str, Any]) -> None:
        identifier = _identifier(props)
        with refusals(f"evolving table {identifier}"):
            table = catalog.load_table(identifier)
            have = _described(table, props)
            old, new = _columns(have), _columns(props)
            failures = self._evolution_failures(f"table {identifier}", old, new)
            if failures:  # the table changed behind the last preview
                raise IcebergCatalogError("; ".join(f.reason for f in failures))
            if old != new:
                _commit_schema(catalog, props, table)
                table = catalog.load_table(identifier)
            with table.transaction() as tx:
                if have["partition"] != (props.get("partition") or []):
                    with tx.update_spec() as spec:
                        for p in have["partition"]:
                            spec.remove_field(_partition_name(p))
                        for p in props.get("partition") or []:
                            spec.add_field(p["column"], parse_transform(p["transform"]), _partition_name(p))
                # Declared properties are set; others (the engines' own) are left alone.
                current = _properties(table)
                wanted = {k: v for k, v in (props.get("properties") or {}).items() if current.get(k) != v}
                if "format-version" in wanted:
                    tx.upgrade_table_version(int(wanted.pop("format-version")))
                if wanted:
                    tx.set_properties(wanted)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with refusals(f"reading table {id_}"):
            try:
                table = rest_catalog(props).load_table(id_)
            except NoSuchTableError:
                return ReadResult(None, {})
        declared = props.get("properties") or {}
        properties = {k: v for k, v in _properties(table).items() if k in declared}
        return ReadResult(id_, {**props, **_described(table, props), "properties": properties})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with refusals(f"dropping table {id_}"), contextlib.suppress(NoSuchTableError):
            rest_catalog(props).drop_table(id_)


class Table(Resource, module="iceberg", name="Table"):
    name: pulumi.Output[str]
    namespace: pulumi.Output[str]

    def __init__(self, resource_name: str, args: TableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TableProvider(), resource_name, to_props(args), opts)
