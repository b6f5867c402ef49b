{#- Incremental selection by Kafka position, never by event time: a record is new when its offset is
    past the highest one the target already holds for its topic and partition. An event created days
    ago that arrives now has a new offset, so it is selected like any other (late data is never
    dropped); a run with nothing new in Kafka selects nothing.

    This is safe because the validation job commits each partition's records in offset order (one
    Iceberg commit per checkpoint): when the target holds offset N of a partition, every record up to
    N was visible to the run that loaded it. -#}
{% macro new_kafka_records(relation) -%}
    {%- if is_incremental() %}
    select records.*
    from ({{ kafka_records_past(relation, this) }}) as records
    left join (
        select kafka_topic, kafka_partition, max(kafka_offset) as loaded_offset
        from {{ this }}
        group by kafka_topic, kafka_partition
    ) as loaded
        on records.kafka_topic = loaded.kafka_topic and records.kafka_partition = loaded.kafka_partition
    where records.kafka_offset > coalesce(loaded.loaded_offset, -1)
    {%- else %}
    select records.* from {{ relation }} as records
    {%- endif %}
{%- endmacro %}

{#- The records of `relation` that can be past what `loaded` holds, narrowed with literal constants read
    from `loaded` when the model runs, so that Iceberg skips the data files written before (bronze holds
    thousands of small files, one per table and checkpoint): offsets above the lowest of the partitions'
    highest loaded offsets, plus every record of a partition `loaded` has not seen. A superset of the new
    records; the caller applies the exact rule. Everything when there is nothing to read the offsets from
    (compilation, unit tests, no table yet). -#}
{% macro kafka_records_past(relation, loaded) -%}
    {%- set offsets = none -%}
    {%- if execute and model.resource_type != 'unit_test' and load_relation(loaded) is not none -%}
        {%- set offsets = run_query(
            "select kafka_topic, kafka_partition, max(kafka_offset) from " ~ loaded
            ~ " group by kafka_topic, kafka_partition"
        ) -%}
    {%- endif -%}
    {%- if offsets is none or offsets | length == 0 -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set seen = [] -%}
        {%- for topic, partition, offset in offsets.rows -%}
            {%- do seen.append("(kafka_topic = '" ~ topic ~ "' and kafka_partition = " ~ partition ~ ")") -%}
        {%- endfor -%}
        select * from {{ relation }} where kafka_offset > {{ offsets.columns[2].values() | min }}
        union all
        select * from {{ relation }} where not ({{ seen | join(' or ') }})
    {%- endif -%}
{%- endmacro %}

{#- Every new bronze record of a staging model, numbered by copy: the generators send a fraction of
    their messages twice (EXACT_DUPLICATE); both copies pass validation and land in bronze under their
    own offsets. The first copy by (partition, offset) is copy 1 and the one kept; later copies are
    duplicates, also when the first one was loaded by an earlier run. Output: the staging columns plus
    copy_number (1, 2, ...) and is_duplicate. -#}
{% macro numbered_copies(staging_relation) -%}
with new_records as (
    {{ new_kafka_records(staging_relation) }}
),

{% if is_incremental() -%}
earlier_copies as (
    select event_id, count(*) as copies
    from {{ this }}
    group by event_id
),
{%- endif %}

numbered as (
    select
        new_records.*,
        row_number() over (
            partition by new_records.event_id
            order by new_records.kafka_partition, new_records.kafka_offset
        ){% if is_incremental() %} + coalesce(earlier_copies.copies, 0){% endif %} as copy_number
    from new_records
    {%- if is_incremental() %}
    left join earlier_copies on new_records.event_id = earlier_copies.event_id
    {%- endif %}
)

select
    numbered.*,
    numbered.copy_number > 1 as is_duplicate
from numbered
{%- endmacro %}

{#- The first copies of events in an intermediate `int_<type>_received` model that the silver model
    being built does not hold yet. -#}
{% macro first_copies_not_loaded(received_relation) -%}
    select received.*
    from ({{ new_kafka_records(received_relation) }}) as received
    where not received.is_duplicate
    {%- if is_incremental() %}
        and received.event_id not in (select event_id from {{ this }})
    {%- endif %}
{%- endmacro %}

{#- When this dbt run started, as the timestamp every silver row it loads carries (`loaded_at`); microseconds,
    the only precision Iceberg has for timestamps. -#}
{% macro run_started_at_timestamp() -%}
    cast(from_iso8601_timestamp('{{ run_started_at.isoformat() }}') as timestamp(6) with time zone)
{%- endmacro %}
