"""One way to reach the REST catalog from the providers, and to turn its refusals into `IcebergCatalogError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import RESTError, ServerError, ValidationError
from requests.exceptions import ConnectionError as RequestsConnectionError
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

from providers.errors import IcebergCatalogError

# A catalog that is restarting (its container, or the Docker daemon with every container) answers again
# within this; until then connecting is retried, so a destroy or refresh right after such a restart works.
UNAVAILABLE_FOR_AT_MOST_S = 180


@retry(
    retry=retry_if_exception_type((RequestsConnectionError, ServerError)),
    stop=stop_after_delay(UNAVAILABLE_FOR_AT_MOST_S),
    wait=wait_fixed(2),
    reraise=True,
)
def _connect(uri: str, warehouse: str) -> RestCatalog:
    return RestCatalog("lakehouse", uri=uri, warehouse=warehouse)


def rest_catalog(props: dict[str, Any]) -> RestCatalog:
    """`catalog_uri` is the REST endpoint as this machine reaches it; `warehouse` names the catalog's warehouse.
    Raises `IcebergCatalogError` when the catalog refuses, or does not answer within 180 s."""
    try:
        return _connect(props["catalog_uri"], props["warehouse"])
    except (RESTError, ServerError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"Iceberg REST catalog at {props['catalog_uri']}: {exc}") from exc


@contextmanager
def refusals(what: str) -> Iterator[None]:
    """Re-raise the catalog's and pyiceberg's errors as one type, saying what was being done."""
    try:
        yield
    except (RESTError, ServerError, ValidationError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"{what}: {exc}") from exc
