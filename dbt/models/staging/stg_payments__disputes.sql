-- One row per bronze dispute record (duplicates included): null variants as NULL, the reason mapped to
-- the shared reason vocabulary, the card network's reason code mapped to its network and reason,
-- evidence fields read from metadata.

with source as (
    select * from {{ source('payments', 'payment_disputes') }}
),

{{ reason_lookups('payment_disputes') }},

network_codes as (
    select network_reason_code, card_network, reason
    from {{ ref('network_reason_codes') }}
),

-- every field of payments/events.py in order, as bronze has it unless named here or in field_cleaning
-- (macros/events.sql)
cleaned as (
    select
        {{ staged_event_columns('payment_disputes', {
            'dispute_id': null_if_blank,
            'network_reason_code': trimmed_text,
            'metadata': [
                ('case_number', json_text('metadata', 'case_number')),
                ('is_customer_contacted', json_boolean('metadata', 'customer_contacted')),
                ('is_evidence_submitted', json_boolean('metadata', 'evidence_submitted')),
            ],
        }) }}
    from source
),

final as (
    select
        cleaned.*,
        {{ mapped_reason() }},
        network_codes.card_network,
        network_codes.reason as network_reason
    from cleaned
    {{ reason_joins('cleaned') }}
    left join network_codes on cleaned.network_reason_code = network_codes.network_reason_code
)

select * from final
