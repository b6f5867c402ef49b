"""Iceberg catalog objects over the Iceberg REST API (pyiceberg): namespaces and tables whose schema and
partitioning are declared in code, so a schema change shows in `pulumi preview`."""

from providers.iceberg.namespace import Namespace, NamespaceArgs
from providers.iceberg.table import Column, PartitionField, Table, TableArgs

__all__ = ["Column", "Namespace", "NamespaceArgs", "PartitionField", "Table", "TableArgs"]
