-- One row per bronze refund record (duplicates included): null variants as NULL (status, metadata
-- fields), the reason's spellings mapped to the shared reason vocabulary, the provider's failure reason
-- mapped to the one set of failure codes.

with source as (
    select * from {{ source('payments', 'payment_refunds') }}
),

spellings as (
    select raw_reason, reason
    from {{ ref('reason_spellings') }}
    where event_type_name = 'payment_refunds'
),

vocabulary as (
    select reason from {{ ref('reasons') }}
),

failure_codes as (
    select raw_code, failure_code
    from {{ ref('failure_code_mapping') }}
    where event_type_name = 'payment_refunds'
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
        {{ null_if_blank('refund_id') }} as refund_id,
        charge_id,
        {{ lower_code('status') }} as status,
        trim({{ null_if_blank('reason') }}) as reason_raw,
        {{ lower_code('failure_reason') }} as failure_code_raw,
        {{ lower_code(json_text('metadata', 'refund_requested_by')) }} as refund_requested_by,
        {{ json_text('metadata', 'original_order_id') }} as original_order_id,
        {{ json_text('metadata', 'support_ticket_id') }} as support_ticket_id,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp
    from source
),

final as (
    select
        cleaned.*,
        -- a known spelling, else the reason in the vocabulary's own form (lower case, `_` between words)
        coalesce(spellings.reason, vocabulary.reason) as reason,
        case
            when cleaned.failure_code_raw is null then null
            else coalesce(failure_codes.failure_code, 'unknown')
        end as failure_code
    from cleaned
    left join spellings on cleaned.reason_raw = spellings.raw_reason
    left join vocabulary on lower(regexp_replace(cleaned.reason_raw, '[\s-]+', '_')) = vocabulary.reason
    left join failure_codes on cleaned.failure_code_raw = failure_codes.raw_code
)

select * from final
