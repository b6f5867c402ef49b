-- Silver refunds: one row per refund event (event_id unique), typed, with the suspicious patterns of
-- technically valid rows flagged. Rows are never dropped for a flag.

{{
    config(
        incremental_strategy='append',
        contract={'enforced': true},
        properties={'partitioning': "ARRAY['day(created_at)']"},
    )
}}

with received as (
    {{ first_copies_not_loaded(ref('int_refunds_received')) }}
),

-- Every charge known when this run loads the refund: in silver (built first in this run) or already in
-- bronze (read after the refunds, so a charge committed with its refund is seen). A flag is set once,
-- when the refund is loaded: a refund whose charge arrives later keeps is_unknown_charge.
charges as (
    select charge_id, max(amount) as charge_amount
    from (
        select charge_id, amount from {{ ref('charges') }}
        union all
        -- only bronze charges past what silver holds (the files written since its last load)
        select charge_id, amount from ({{ kafka_records_past(ref('stg_payments__charges'), ref('charges')) }}) as bronze_charges
    ) as known
    group by charge_id
),

{{ party_lookups() }},

{{ status_lookup('payment_refunds') }},

flagged as (
    select
        received.*,
        charges.charge_amount,
        {{ party_flags() }},
        charges.charge_id is null as is_unknown_charge,
        coalesce(received.amount > charges.charge_amount, false) as is_exceeding_charge,
        {{ status_flag() }}
    from received
    left join charges on received.charge_id = charges.charge_id
    {{ party_joins('received') }}
    {{ status_join('received') }}
),

final as (
    select
        -- every field of payments/events.py cast to its type, but for those staging replaced
        {{ typed_event_columns('payment_refunds', {
            'reason': [('reason', 'varchar'), ('reason_raw', 'varchar')],
            'failure_reason': [('failure_code', 'varchar'), ('failure_code_raw', 'varchar')],
            'metadata': [
                ('refund_requested_by', 'varchar'), ('original_order_id', 'varchar'), ('support_ticket_id', 'varchar'),
            ],
        }) }},
        cast(charge_amount as {{ event_field_type('payment_charges', 'amount') }}) as charge_amount,
        {{ flag_columns([
            'is_unknown_customer', 'is_unknown_merchant', 'is_unknown_charge', 'is_exceeding_charge',
            'is_status_inconsistent',
        ]) }},
        {{ cast_columns(lineage_columns()) }},
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
