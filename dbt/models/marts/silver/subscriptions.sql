-- Silver subscriptions: one row per subscription event (event_id unique), typed, with the suspicious
-- patterns of technically valid rows flagged. Rows are never dropped for a flag.

{{
    config(
        incremental_strategy='append',
        contract={'enforced': true},
        properties={'partitioning': "ARRAY['day(created_at)']"},
    )
}}

with received as (
    {{ first_copies_not_loaded(ref('int_subscriptions_received')) }}
),

customers as (
    select customer_id from {{ ref('dim_customers') }}
),

merchants as (
    select merchant_id from {{ ref('dim_merchants') }}
),

statuses as (
    select event_type, status from {{ ref('event_statuses') }} where event_type_name = 'payment_subscriptions'
),

flagged as (
    select
        received.*,
        customers.customer_id is null as is_unknown_customer,
        merchants.merchant_id is null as is_unknown_merchant,
        statuses.status is null as is_status_inconsistent,
        -- NULL_TRIAL_DATES: a trialing subscription without its trial's dates
        coalesce(received.status = 'trialing' and (received.trial_start is null or received.trial_end is null), false)
            as is_trial_dates_missing
    from received
    left join customers on received.customer_id = customers.customer_id
    left join merchants on received.merchant_id = merchants.merchant_id
    left join statuses on received.event_type = statuses.event_type and received.status = statuses.status
),

final as (
    select
        cast(event_id as varchar) as event_id,
        cast(event_type as varchar) as event_type,
        cast(provider as varchar) as provider,
        cast(customer_id as varchar) as customer_id,
        cast(merchant_id as varchar) as merchant_id,
        cast(amount as decimal(10, 2)) as amount,
        cast(currency as varchar) as currency,
        cast(created_at as timestamp(6)) as created_at,
        cast(updated_at as timestamp(6)) as updated_at,
        cast(subscription_id as varchar) as subscription_id,
        cast(plan_id as varchar) as plan_id,
        cast(plan_name as varchar) as plan_name,
        cast(billing_interval as varchar) as billing_interval,
        cast(interval_count as integer) as interval_count,
        cast(status as varchar) as status,
        cast(cancel_at_period_end as boolean) as cancel_at_period_end,
        cast(canceled_at as timestamp(6)) as canceled_at,
        cast(trial_start as timestamp(6)) as trial_start,
        cast(trial_end as timestamp(6)) as trial_end,
        cast(current_period_start as timestamp(6)) as current_period_start,
        cast(current_period_end as timestamp(6)) as current_period_end,
        cast(payment_method_id as varchar) as payment_method_id,
        cast(signup_source as varchar) as signup_source,
        cast(promo_code as varchar) as promo_code,
        cast(coupon_id as varchar) as coupon_id,
        cast(discount_percent_off as integer) as discount_percent_off,
        is_unknown_customer,
        is_unknown_merchant,
        is_status_inconsistent,
        is_trial_dates_missing,
        (is_unknown_customer or is_unknown_merchant or is_status_inconsistent or is_trial_dates_missing) as is_flagged,
        cast(kafka_topic as varchar) as kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,
        cast(kafka_timestamp as timestamp(6) with time zone) as kafka_timestamp,
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
