-- Silver disputes: one row per dispute event (event_id unique), typed, with the suspicious patterns of
-- technically valid rows flagged. Rows are never dropped for a flag.

{{
    config(
        incremental_strategy='append',
        contract={'enforced': true},
        properties={'partitioning': "ARRAY['day(created_at)']"},
    )
}}

with received as (
    {{ first_copies_not_loaded(ref('int_disputes_received')) }}
),

-- As for refunds: every charge in silver or bronze when the dispute is loaded.
charges as (
    select charge_id from {{ ref('charges') }}
    union
    select charge_id from ({{ kafka_records_past(ref('stg_payments__charges'), ref('charges')) }}) as bronze_charges
),

{{ party_lookups() }},

{{ status_lookup('payment_disputes') }},

flagged as (
    select
        received.*,
        {{ party_flags() }},
        charges.charge_id is null as is_unknown_charge,
        {{ status_flag() }},
        -- MISSING_EVIDENCE: metadata absent, or without the evidence fields
        received.is_customer_contacted is null or received.is_evidence_submitted is null as is_evidence_missing
    from received
    left join charges on received.charge_id = charges.charge_id
    {{ party_joins('received') }}
    {{ status_join('received') }}
),

final as (
    select
        -- every field of payments/events.py cast to its type, but for those staging replaced; the network
        -- code stands with the reasons, next to what it maps to
        {{ typed_event_columns('payment_disputes', {
            'reason': [
                ('reason', 'varchar'), ('reason_raw', 'varchar'),
                'network_reason_code', ('card_network', 'varchar'), ('network_reason', 'varchar'),
            ],
            'network_reason_code': [],
            'metadata': [
                ('case_number', 'varchar'), ('is_customer_contacted', 'boolean'), ('is_evidence_submitted', 'boolean'),
            ],
        }) }},
        {{ flag_columns([
            'is_unknown_customer', 'is_unknown_merchant', 'is_unknown_charge', 'is_status_inconsistent',
            'is_evidence_missing',
        ]) }},
        {{ cast_columns(lineage_columns()) }},
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
