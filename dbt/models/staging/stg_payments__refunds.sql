-- One row per bronze refund record (duplicates included): null variants as NULL (status, metadata
-- fields), the reason's spellings mapped to the shared reason vocabulary, the provider's failure reason
-- mapped to the one set of failure codes.

with source as (
    select * from {{ source('payments', 'payment_refunds') }}
),

{{ reason_lookups('payment_refunds') }},

{{ failure_code_lookup('payment_refunds') }},

-- every field of payments/events.py in order, as bronze has it unless named here or in field_cleaning
-- (macros/events.sql)
cleaned as (
    select
        {{ staged_event_columns('payment_refunds', {
            'refund_id': null_if_blank,
            'failure_reason': [('failure_code_raw', lower_code('failure_reason'))],
            'metadata': [
                ('refund_requested_by', lower_code(json_text('metadata', 'refund_requested_by'))),
                ('original_order_id', json_text('metadata', 'original_order_id')),
                ('support_ticket_id', json_text('metadata', 'support_ticket_id')),
            ],
        }) }}
    from source
),

final as (
    select
        cleaned.*,
        {{ mapped_reason() }},
        {{ mapped_failure_code('cleaned') }}
    from cleaned
    {{ reason_joins('cleaned') }}
    {{ failure_code_join('cleaned') }}
)

select * from final
