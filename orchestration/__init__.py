"""The Dagster code location of the lakehouse: Layer 3 monitoring, dbt orchestration, table maintenance."""
