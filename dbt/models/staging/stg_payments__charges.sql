-- One row per bronze charge record (duplicates included): names kept, null variants as NULL, codes
-- upper-cased, vocabulary words lower-cased, the provider's failure code mapped to the one set.

with source as (
    select * from {{ source('payments', 'payment_charges') }}
),

failure_codes as (
    select raw_code, failure_code
    from {{ ref('failure_code_mapping') }}
    where event_type_name = 'payment_charges'
),

cleaned as (
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
        {{ null_if_blank('charge_id') }} as charge_id,
        {{ lower_code('status') }} as status,
        {{ lower_code('failure_code') }} as failure_code_raw,
        {{ null_if_blank('failure_message') }} as failure_message,
        {{ null_if_blank('payment_method_id') }} as payment_method_id,
        {{ lower_code('payment_method_type') }} as payment_method_type,
        {{ lower_code('card_brand') }} as card_brand,
        {{ null_if_blank('card_last4') }} as card_last4,
        card_exp_month,
        card_exp_year,
        {{ upper_code('card_country') }} as card_country,
        {{ upper_code('billing_country') }} as billing_country,
        {{ null_if_blank('billing_postal_code') }} as billing_postal_code,
        {{ null_if_blank('merchant_name') }} as merchant_name,
        {{ null_if_blank('description') }} as description,
        {{ json_text('metadata', 'order_id') }} as order_id,
        {{ json_text('metadata', 'subscription_id') }} as subscription_id,
        risk_score,
        {{ lower_code('risk_level') }} as risk_level,
        three_ds_authenticated,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp
    from source
),

final as (
    select
        cleaned.*,
        -- a code the mapping does not know stays visible as itself in failure_code_raw
        case
            when cleaned.failure_code_raw is null then null
            else coalesce(failure_codes.failure_code, 'unknown')
        end as failure_code
    from cleaned
    left join failure_codes on cleaned.failure_code_raw = failure_codes.raw_code
)

select * from final
