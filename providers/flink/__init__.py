"""Flink resources over the SQL Gateway and JobManager REST APIs (requests)."""
