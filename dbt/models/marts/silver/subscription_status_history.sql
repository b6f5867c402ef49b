-- SCD Type 2 of subscription status: one row per status a subscription was in, valid from the event
-- that set it until the event that changed it (valid_to NULL and is_current for the status it is in).
-- Consecutive events with the same status are one version.
--
-- Built from the events, not from snapshots of a current state, so two changes between runs are two
-- versions. Each run recomputes the whole history of the subscriptions that received events since the
-- last one (silver rows loaded later than any this table has seen) and replaces their rows
-- (delete+insert on subscription_id): a late event lands in its place in time.

{{
    config(
        incremental_strategy='delete+insert',
        unique_key='subscription_id',
        contract={'enforced': true},
    )
}}

with subscription_events as (
    select * from {{ ref('subscriptions') }}
    where status is not null
),

touched as (
    select distinct subscription_id
    from subscription_events
    {%- if is_incremental() %}
    where loaded_at > (select coalesce(max(source_loaded_at), from_unixtime(0)) from {{ this }})
    {%- endif %}
),

events as (
    select
        subscription_events.*,
        lag(subscription_events.status) over (
            partition by subscription_events.subscription_id
            order by subscription_events.updated_at, subscription_events.kafka_partition, subscription_events.kafka_offset
        ) as previous_status,
        max(subscription_events.loaded_at) over (partition by subscription_events.subscription_id)
            as subscription_loaded_at
    from subscription_events
    inner join touched on subscription_events.subscription_id = touched.subscription_id
),

changes as (
    select * from events
    where previous_status is null or previous_status <> status
),

versions as (
    select
        changes.*,
        row_number() over (
            partition by subscription_id order by updated_at, kafka_partition, kafka_offset
        ) as version,
        lead(updated_at) over (
            partition by subscription_id order by updated_at, kafka_partition, kafka_offset
        ) as next_change_at
    from changes
),

final as (
    select
        cast(subscription_id || ':' || cast(version as varchar) as varchar) as subscription_status_id,
        cast(subscription_id as varchar) as subscription_id,
        cast(version as integer) as version,
        cast(status as varchar) as status,
        cast(plan_id as varchar) as plan_id,
        cast(customer_id as varchar) as customer_id,
        cast(merchant_id as varchar) as merchant_id,
        cast(provider as varchar) as provider,
        cast(updated_at as timestamp(6)) as valid_from,
        cast(next_change_at as timestamp(6)) as valid_to,
        next_change_at is null as is_current,
        cast(event_id as varchar) as changed_by_event_id,
        cast(event_type as varchar) as changed_by_event_type,
        subscription_loaded_at as source_loaded_at
    from versions
)

select * from final
