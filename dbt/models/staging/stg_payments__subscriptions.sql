-- One row per bronze subscription record (duplicates included): null variants as NULL, metadata and
-- discount fields read out of their JSON.

with source as (
    select * from {{ source('payments', 'payment_subscriptions') }}
),

final as (
    select
        event_id,
        {{ lower_code('event_type') }} as event_type,
        {{ lower_code('provider') }} as provider,
        customer_id,
        {{ null_if_blank('merchant_id') }} as merchant_id,
        amount,
        {{ upper_code('currency') }} as currency,
        created_at,
        updated_at,
        {{ null_if_blank('subscription_id') }} as subscription_id,
        plan_id,
        {{ lower_code('plan_name') }} as plan_name,
        {{ lower_code('billing_interval') }} as billing_interval,
        interval_count,
        {{ lower_code('status') }} as status,
        cancel_at_period_end,
        canceled_at,
        trial_start,
        trial_end,
        current_period_start,
        current_period_end,
        {{ null_if_blank('payment_method_id') }} as payment_method_id,
        {{ lower_code(json_text('metadata', 'signup_source')) }} as signup_source,
        {{ json_text('metadata', 'promo_code') }} as promo_code,
        {{ json_text('discount', 'coupon_id') }} as coupon_id,
        try_cast(json_extract_scalar(discount, '$.percent_off') as integer) as discount_percent_off,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp
    from source
)

select * from final
