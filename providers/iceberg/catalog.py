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
def _connect(uri: str, warehouse: str, properties: dict[str, str]) -> RestCatalog:
    return RestCatalog("lakehouse", uri=uri, warehouse=warehouse, **properties)


def oauth2_properties(credential: str | None, scope: str | None, server_uri: str | None) -> dict[str, str]:
    """The Iceberg REST client's OAuth2 client-credentials properties (the same names in pyiceberg, Iceberg
    Java and so Flink's catalog options: `credential` is `<client id>:<client secret>`); empty without a
    credential: no auth."""
    if not credential:
        return {}
    optional = {"scope": scope, "oauth2-server-uri": server_uri}
    return {"credential": credential, **{k: v for k, v in optional.items() if v}}


def s3_io_properties(endpoint: str, region: str, path_style: bool) -> dict[str, str]:
    """An Iceberg (Java) client's properties for S3FileIO at `endpoint`, for a catalog that hands its clients
    no storage settings; the key stays in the client's AWS_* environment (the SDK's default chain).
    Names: Iceberg's `S3FileIOProperties` and `AwsClientProperties`."""
    return {
        "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        "s3.endpoint": endpoint,
        "s3.path-style-access": str(path_style).lower(),
        "client.region": region,
    }


def rest_catalog(props: dict[str, Any]) -> RestCatalog:
    """`catalog_uri` is the REST endpoint as this machine reaches it; `warehouse` names the catalog's warehouse;
    `catalog_properties` (optional) are more client properties, OAuth2 ones (`oauth2_properties`) among them.
    Raises `IcebergCatalogError` when the catalog refuses, or does not answer within 180 s."""
    try:
        return _connect(props["catalog_uri"], props["warehouse"], props.get("catalog_properties") or {})
    except (RESTError, ServerError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"Iceberg REST catalog at {props['catalog_uri']}: {exc}") from exc


@contextmanager
def refusals(what: str) -> Iterator[None]:
    """Re-raise the catalog's and pyiceberg's errors as one type, saying what was being done."""
    try:
        yield
    except (RESTError, ServerError, ValidationError, RequestsConnectionError, OSError) as exc:
        raise IcebergCatalogError(f"{what}: {exc}") from exc
