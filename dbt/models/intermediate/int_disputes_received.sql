-- One row per bronze dispute record, numbered by copy: is_duplicate marks the exact duplicates the
-- generators send, all but the first copy of an event id by Kafka offset. Appends the records past the
-- offsets it holds, so each run reads only what arrived since the last one.

{{ config(incremental_strategy='append') }}

{{ numbered_copies(ref('stg_payments__disputes')) }}
