"""`Namespace`: an Iceberg namespace (a database in Flink and Trino) in the REST catalog."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult
from pyiceberg.exceptions import NamespaceAlreadyExistsError, NoSuchNamespaceError

from providers.iceberg.catalog import refusals, rest_catalog
from providers.props import to_props


@dataclass
class NamespaceArgs:
    name: str
    catalog_uri: pulumi.Input[str]
    warehouse: pulumi.Input[str]
    # More REST client properties: OAuth2 (`catalog.oauth2_properties`), a secret then. None: no auth.
    catalog_properties: pulumi.Input[dict[str, str]] | None = None
    properties: dict[str, str] = field(default_factory=dict)


class NamespaceProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        catalog = rest_catalog(props)
        with refusals(f"creating namespace {props['name']}"):
            try:
                catalog.create_namespace(props["name"], props.get("properties") or {})
            except NamespaceAlreadyExistsError:
                # Kept from an earlier stack (its tables hold data): adopt it.
                self._set_properties(props, catalog.load_namespace_properties(props["name"]))
        return CreateResult(props["name"], props)

    def _set_properties(self, props: dict[str, Any], current: dict[str, str]) -> None:
        wanted = props.get("properties") or {}
        stale = {k for k in current if k not in wanted and k != "location"}
        changed = {k: v for k, v in wanted.items() if current.get(k) != v}
        if stale or changed:
            rest_catalog(props).update_namespace_properties(props["name"], removals=stale, updates=changed)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("name", "warehouse") if olds.get(k) != news.get(k)]
        changes = replaces + [k for k in ("properties", "catalog_properties") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        catalog = rest_catalog(news)
        with refusals(f"updating namespace {news['name']}"):
            self._set_properties(news, catalog.load_namespace_properties(news["name"]))
        return UpdateResult(news)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with refusals(f"reading namespace {id_}"):
            try:
                current = rest_catalog(props).load_namespace_properties(id_)
            except NoSuchNamespaceError:
                return ReadResult(None, {})
        properties = {k: v for k, v in current.items() if k in (props.get("properties") or {})}
        return ReadResult(id_, {**props, "properties": properties})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with refusals(f"dropping namespace {id_}"), contextlib.suppress(NoSuchNamespaceError):
            rest_catalog(props).drop_namespace(id_)


class Namespace(Resource, module="iceberg", name="Namespace"):
    name: pulumi.Output[str]

    def __init__(self, resource_name: str, args: NamespaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NamespaceProvider(), resource_name, to_props(args), opts)
