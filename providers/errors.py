"""Errors a user of the providers can hit, one type per failure, each with a message that says what to do."""

from __future__ import annotations


class ProviderError(Exception):
    """Base class: every provider failure is one of the subclasses below."""


class DockerUnavailableError(ProviderError):
    """The Docker engine does not answer."""


class BaseImageError(ProviderError):
    """The Debian base image could neither be found, pulled nor bootstrapped."""


class ImageBuildError(ProviderError):
    """`docker build` of a project image failed; the message carries the end of the build log."""


class ContainerStartError(ProviderError):
    """A container exited or did not become healthy in time; the message carries its last log lines."""


class ResourceInUseError(ProviderError):
    """A network or volume cannot be removed because containers outside this stack still use it."""


class KafkaTopicError(ProviderError):
    """Kafka refused a topic operation (already exists, invalid config, broker unreachable)."""


class ObjectStoreError(ProviderError):
    """MinIO refused a bucket, policy or user operation (unreachable, bad credentials, bucket not empty)."""


class FlinkSqlError(ProviderError):
    """The Flink SQL Gateway or JobManager refused a statement or a job operation; carries Flink's message."""


class IcebergCatalogError(ProviderError):
    """The Iceberg REST catalog refused a namespace or table operation, or a schema change Iceberg cannot make."""
