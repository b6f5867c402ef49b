-- One row per bronze dispute record (duplicates included): null variants as NULL, the reason mapped to
-- the shared reason vocabulary, the card network's reason code mapped to its network and reason,
-- evidence fields read from metadata.

with source as (
    select * from {{ source('payments', 'payment_disputes') }}
),

spellings as (
    select raw_reason, reason
    from {{ ref('reason_spellings') }}
    where event_type_name = 'payment_disputes'
),

vocabulary as (
    select reason from {{ ref('reasons') }}
),

network_codes as (
    select network_reason_code, card_network, reason
    from {{ ref('network_reason_codes') }}
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
        {{ null_if_blank('dispute_id') }} as dispute_id,
        charge_id,
        {{ lower_code('status') }} as status,
        trim({{ null_if_blank('reason') }}) as reason_raw,
        evidence_due_by,
        is_charge_refundable,
        trim({{ null_if_blank('network_reason_code') }}) as network_reason_code,
        {{ json_text('metadata', 'case_number') }} as case_number,
        {{ json_boolean('metadata', 'customer_contacted') }} as is_customer_contacted,
        {{ json_boolean('metadata', 'evidence_submitted') }} as is_evidence_submitted,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp
    from source
),

final as (
    select
        cleaned.*,
        coalesce(spellings.reason, vocabulary.reason) as reason,
        network_codes.card_network,
        network_codes.reason as network_reason
    from cleaned
    left join spellings on cleaned.reason_raw = spellings.raw_reason
    left join vocabulary on lower(regexp_replace(cleaned.reason_raw, '[\s-]+', '_')) = vocabulary.reason
    left join network_codes on cleaned.network_reason_code = network_codes.network_reason_code
)

select * from final
