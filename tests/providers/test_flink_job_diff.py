"""What a change of the validation job's inputs does to the job (the provider's diff, no Flink needed)."""

from __future__ import annotations

from providers.flink.job import FlinkSqlJobProvider


def test_a_new_cluster_replaces_the_job_deleting_it_first_and_a_new_query_updates_it():
    old = {"name": "j", "setup": ["a"], "inserts": ["INSERT INTO t SELECT 1"], "cluster_id": "c1", "job_id": "x"}
    moved = FlinkSqlJobProvider().diff("j", old, {**old, "cluster_id": "c2"})
    # Stopped with a savepoint on the old cluster before it goes, never two jobs at once.
    assert (moved.replaces, moved.delete_before_replace) == (["cluster_id"], True)
    changed = FlinkSqlJobProvider().diff("j", old, {**old, "setup": ["b"]})
    assert (changed.changes, changed.replaces) == (True, [])  # stop with savepoint, resubmit: an update
