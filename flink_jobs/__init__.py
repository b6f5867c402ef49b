"""The streaming validation job: Kafka -> rules -> Iceberg bronze and quarantine tables.

The SQL lives in the `.sql` files here; `payments/events.py` declares each event type's fields once, and
`render.py` fills the files' placeholders from it, so the same validation SQL runs against Kafka in the
stack and against `VALUES` tables in the golden tests.
"""
