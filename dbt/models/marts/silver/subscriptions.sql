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

{{ party_lookups() }},

{{ status_lookup('payment_subscriptions') }},

flagged as (
    select
        received.*,
        {{ party_flags() }},
        {{ status_flag() }},
        -- NULL_TRIAL_DATES: a trialing subscription without its trial's dates
        coalesce(received.status = 'trialing' and (received.trial_start is null or received.trial_end is null), false)
            as is_trial_dates_missing
    from received
    {{ party_joins('received') }}
    {{ status_join('received') }}
),

final as (
    select
        -- every field of payments/events.py cast to its type, but for those staging replaced
        {{ typed_event_columns('payment_subscriptions', {
            'metadata': [('signup_source', 'varchar'), ('promo_code', 'varchar')],
            'discount': [('coupon_id', 'varchar'), ('discount_percent_off', 'integer')],
        }) }},
        {{ flag_columns(['is_unknown_customer', 'is_unknown_merchant', 'is_status_inconsistent', 'is_trial_dates_missing']) }},
        {{ cast_columns(lineage_columns()) }},
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
