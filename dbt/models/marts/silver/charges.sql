-- Silver charges: one row per charge event (event_id unique), typed, with the suspicious patterns of
-- technically valid rows flagged. Rows are never dropped for a flag.

{{
    config(
        incremental_strategy='append',
        contract={'enforced': true},
        properties={'partitioning': "ARRAY['day(created_at)']"},
    )
}}

with received as (
    {{ first_copies_not_loaded(ref('int_charges_received')) }}
),

{{ party_lookups() }},

countries as (
    select country_code from {{ ref('countries') }}
),

risk_levels as (
    select risk_level, min_score, max_score from {{ ref('risk_levels') }}
),

{{ status_lookup('payment_charges') }},

flagged as (
    select
        received.*,
        {{ party_flags() }},
        -- bronze holds cents (rounded half-up), so a sub-cent amount below half a cent arrives as 0.00
        coalesce(received.status = 'succeeded' and received.amount < 0.01, false) as is_zero_or_sub_cent_success,
        -- judged only when both are present; a score outside every level's range contradicts any level
        coalesce(
            received.risk_score is not null
            and received.risk_level is not null
            and received.risk_level is distinct from risk_levels.risk_level,
            false
        ) as is_risk_level_inconsistent,
        received.card_country is not null and countries.country_code is null as is_card_country_invalid,
        {{ status_flag() }}
    from received
    {{ party_joins('received') }}
    left join countries on received.card_country = countries.country_code
    left join risk_levels on received.risk_score between risk_levels.min_score and risk_levels.max_score
    {{ status_join('received') }}
),

final as (
    select
        -- every field of payments/events.py cast to its type, but for those staging replaced
        {{ typed_event_columns('payment_charges', {
            'failure_code': [('failure_code', 'varchar'), ('failure_code_raw', 'varchar')],
            'metadata': [('order_id', 'varchar'), ('subscription_id', 'varchar')],
        }) }},
        {{ flag_columns([
            'is_unknown_customer', 'is_unknown_merchant', 'is_zero_or_sub_cent_success',
            'is_risk_level_inconsistent', 'is_card_country_invalid', 'is_status_inconsistent',
        ]) }},
        {{ cast_columns(lineage_columns()) }},
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
