"""Probes that an external endpoint (a service the stack does not run) answers, as the stack will use it.

A component in external mode probes its endpoint while the program runs, in `pulumi preview` as in
`pulumi up`, before it declares anything on it: a wrong address or credential then fails the preview
with the config key and the address, not an `up` halfway through. Each probe speaks the service's own
protocol with the stack's credentials, so "answers" means "answers this stack".
"""

from __future__ import annotations

from urllib.parse import urlparse

import requests
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from minio import Minio
from minio.error import MinioException
from pyiceberg.catalog.rest import RestCatalog

from config import NAMESPACE, ConfigError
from providers.kafka import KafkaClientSecurity

TIMEOUT_S = 10


class EndpointUnreachableError(ConfigError):
    """An external endpoint did not answer, or refused the stack's credentials. Names the key and the address."""


def _fail(key: str, service: str, address: str, why: object) -> EndpointUnreachableError:
    return EndpointUnreachableError(f"{NAMESPACE}:{key}: {service} at {address} does not answer: {why}")


def probe_kafka(key: str, bootstrap_servers: str, security: KafkaClientSecurity) -> None:
    """The brokers answer a metadata request with these security settings."""
    admin = AdminClient(
        {
            **security.librdkafka(),
            "bootstrap.servers": bootstrap_servers,
            "socket.timeout.ms": TIMEOUT_S * 1000,
            "log_level": 0,
        }
    )
    try:
        admin.list_topics(timeout=TIMEOUT_S)
    except KafkaException as exc:
        error = exc.args[0] if exc.args else exc
        raise _fail(key, "Kafka", bootstrap_servers, getattr(error, "str", lambda: error)()) from None


def probe_s3(key: str, endpoint: str, region: str, bucket: str, access_key_id: str, secret_access_key: str) -> None:
    """The S3 service answers with this key, and the bucket exists (the stack never creates an external one)."""
    url = urlparse(endpoint)
    client = Minio(
        url.netloc,
        access_key=access_key_id,
        secret_key=secret_access_key,
        secure=url.scheme == "https",
        region=region,
    )
    try:
        exists = client.bucket_exists(bucket)
    except (MinioException, OSError, ValueError) as exc:
        raise _fail(key, "S3", endpoint, exc) from None
    if not exists:
        raise EndpointUnreachableError(
            f"{NAMESPACE}:{key.rsplit('.', 1)[0]}.bucket: bucket {bucket!r} does not exist at {endpoint}"
        )


def probe_catalog(key: str, uri: str, warehouse: str, properties: dict[str, str]) -> None:
    """The Iceberg REST catalog answers `GET v1/config` for the warehouse (after an OAuth2 token exchange
    when `properties` hold a credential)."""
    try:
        RestCatalog("probe", uri=uri, warehouse=warehouse, **properties)
    except Exception as exc:  # noqa: BLE001 - pyiceberg raises many kinds; each is this one failure
        raise _fail(key, "Iceberg REST catalog", uri, exc) from None


def probe_http(key: str, service: str, url: str, path: str) -> None:
    """`GET <url><path>` answers with a success status (Flink's REST APIs)."""
    target = url.rstrip("/") + path
    try:
        response = requests.get(target, timeout=TIMEOUT_S)
    except requests.RequestException as exc:
        raise _fail(key, service, url, exc) from None
    if not response.ok:
        raise _fail(key, service, url, f"GET {path} returned {response.status_code}")
