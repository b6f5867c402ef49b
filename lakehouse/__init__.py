"""A client of a running stack: its outputs (`outputs`), its tables (`lake`), Dagster runs and checks,
dbt, the Flink SQL client, status, topic peeks, the generators' burst, idle cost and the make verbs of
the setup steps (`verbs`). Each module with a `main` is a make target (`python -m lakehouse.<module>
--stack dev`); tests and bench/ import them."""
