"""One way to reach the REST catalog from the providers, and to turn its refusals into `IcebergCatalogError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import RESTError, ServerError, ValidationError
from requests.exceptions import ConnectionError as RequestsConnectionError

from providers.errors import IcebergCatalogError


def rest_catalog(props: dict[str, Any]) -> RestCatalog:
    """`catalog_uri` is the REST endpoint as this machine reaches it; `warehouse` names the catalog's warehouse."""
    try:
        return RestCatalog("lakehouse", uri=props["catalog_uri"], warehouse=props["warehouse"])
    except (RESTError, ServerError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"Iceberg REST catalog at {props['catalog_uri']}: {exc}") from exc


@contextmanager
def refusals(what: str) -> Iterator[None]:
    """Re-raise the catalog's and pyiceberg's errors as one type, saying what was being done."""
    try:
        yield
    except (RESTError, ServerError, ValidationError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"{what}: {exc}") from exc
