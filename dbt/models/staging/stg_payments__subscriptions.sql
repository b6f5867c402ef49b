-- One row per bronze subscription record (duplicates included): null variants as NULL, metadata and
-- discount fields read out of their JSON.

with source as (
    select * from {{ source('payments', 'payment_subscriptions') }}
),

-- every field of payments/events.py in order, as bronze has it unless named here or in field_cleaning
-- (macros/events.sql)
final as (
    select
        {{ staged_event_columns('payment_subscriptions', {
            'subscription_id': null_if_blank,
            'plan_name': lower_code,
            'billing_interval': lower_code,
            'metadata': [
                ('signup_source', lower_code(json_text('metadata', 'signup_source'))),
                ('promo_code', json_text('metadata', 'promo_code')),
            ],
            'discount': [
                ('coupon_id', json_text('discount', 'coupon_id')),
                ('discount_percent_off', json_integer('discount', 'percent_off')),
            ],
        }) }}
    from source
)

select * from final
