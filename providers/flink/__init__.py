"""Flink resources over the SQL Gateway and JobManager REST APIs (requests)."""

from providers.flink.job import FlinkSqlJob, FlinkSqlJobArgs, StateStore

__all__ = ["FlinkSqlJob", "FlinkSqlJobArgs", "StateStore"]
