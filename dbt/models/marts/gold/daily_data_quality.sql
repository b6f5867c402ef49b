-- Data quality per event type, provider and day (the UTC day the record reached Kafka): records
-- received, exact duplicates removed, valid events (in silver), quarantined records, and valid events
-- flagged as suspicious, in all and by reference (unknown customer, unknown merchant).

{%- set types = ['charges', 'refunds', 'disputes', 'subscriptions'] %}

with received as (
    {% for t in types -%}
    select
        'payment_{{ t }}' as event_type_name,
        provider,
        cast(kafka_timestamp at time zone 'UTC' as date) as received_on,
        count(*) as received_count,
        count_if(is_duplicate) as duplicate_count
    from {{ ref('int_' ~ t ~ '_received') }}
    group by 1, 2, 3
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
),

valid as (
    {% for t in types -%}
    select
        'payment_{{ t }}' as event_type_name,
        provider,
        cast(kafka_timestamp at time zone 'UTC' as date) as received_on,
        count(*) as valid_count,
        count_if(is_flagged) as flagged_count,
        count_if(is_unknown_customer) as unknown_customer_count,
        count_if(is_unknown_merchant) as unknown_merchant_count
    from {{ ref(t) }}
    group by 1, 2, 3
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
),

quarantined as (
    select
        event_type_name,
        provider,
        cast(kafka_timestamp at time zone 'UTC' as date) as received_on,
        count(*) as quarantined_count
    from {{ ref('stg_payments__quarantined') }}
    group by 1, 2, 3
),

keys as (
    select event_type_name, provider, received_on from received
    union
    select event_type_name, provider, received_on from quarantined
),

final as (
    select
        cast(keys.event_type_name as varchar) as event_type_name,
        -- quarantined records may have no readable provider
        cast(coalesce(keys.provider, 'unknown') as varchar) as provider,
        keys.received_on,
        coalesce(received.received_count, 0) + coalesce(quarantined.quarantined_count, 0) as record_count,
        coalesce(received.duplicate_count, 0) as duplicate_count,
        coalesce(valid.valid_count, 0) as valid_count,
        coalesce(quarantined.quarantined_count, 0) as quarantined_count,
        coalesce(valid.flagged_count, 0) as flagged_count,
        coalesce(valid.unknown_customer_count, 0) as unknown_customer_count,
        coalesce(valid.unknown_merchant_count, 0) as unknown_merchant_count,
        -- valid events that no flag marks, over all records (duplicates aside)
        cast(coalesce(valid.valid_count, 0) - coalesce(valid.flagged_count, 0) as double)
            / nullif(coalesce(received.received_count, 0) - coalesce(received.duplicate_count, 0)
                + coalesce(quarantined.quarantined_count, 0), 0) as clean_share
    from keys
    left join received
        on keys.event_type_name = received.event_type_name
        and keys.provider is not distinct from received.provider
        and keys.received_on = received.received_on
    left join valid
        on keys.event_type_name = valid.event_type_name
        and keys.provider is not distinct from valid.provider
        and keys.received_on = valid.received_on
    left join quarantined
        on keys.event_type_name = quarantined.event_type_name
        and keys.provider is not distinct from quarantined.provider
        and keys.received_on = quarantined.received_on
)

select * from final
