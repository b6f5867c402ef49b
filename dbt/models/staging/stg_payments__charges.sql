-- One row per bronze charge record (duplicates included): names kept, null variants as NULL, codes
-- upper-cased, vocabulary words lower-cased, the provider's failure code mapped to the one set.

with source as (
    select * from {{ source('payments', 'payment_charges') }}
),

{{ failure_code_lookup('payment_charges') }},

-- every field of payments/events.py in order, as bronze has it unless named here or in field_cleaning
-- (macros/events.sql)
cleaned as (
    select
        {{ staged_event_columns('payment_charges', {
            'charge_id': null_if_blank,
            'failure_code': [('failure_code_raw', lower_code('failure_code'))],
            'failure_message': null_if_blank,
            'payment_method_type': lower_code,
            'card_brand': lower_code,
            'card_last4': null_if_blank,
            'card_country': upper_code,
            'billing_country': upper_code,
            'billing_postal_code': null_if_blank,
            'merchant_name': null_if_blank,
            'description': null_if_blank,
            'metadata': [
                ('order_id', json_text('metadata', 'order_id')),
                ('subscription_id', json_text('metadata', 'subscription_id')),
            ],
            'risk_level': lower_code,
        }) }}
    from source
),

final as (
    select
        cleaned.*,
        {{ mapped_failure_code('cleaned') }}
    from cleaned
    {{ failure_code_join('cleaned') }}
)

select * from final
