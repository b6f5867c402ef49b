"""A client of a running stack: its outputs (`outputs`), its tables (`lake`), Dagster runs and checks,
dbt, the Flink SQL client, status, topic peeks, the generators' burst and idle cost. Each module with a
`main` is a make target (`python -m lakehouse.<module> --stack dev`); tests and bench/ import them."""
