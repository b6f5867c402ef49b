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

customers as (
    select customer_id from {{ ref('dim_customers') }}
),

merchants as (
    select merchant_id from {{ ref('dim_merchants') }}
),

statuses as (
    select event_type, status from {{ ref('event_statuses') }} where event_type_name = 'payment_refunds'
),

flagged as (
    select
        received.*,
        charges.charge_amount,
        customers.customer_id is null as is_unknown_customer,
        merchants.merchant_id is null as is_unknown_merchant,
        charges.charge_id is null as is_unknown_charge,
        coalesce(received.amount > charges.charge_amount, false) as is_exceeding_charge,
        statuses.status is null as is_status_inconsistent
    from received
    left join charges on received.charge_id = charges.charge_id
    left join customers on received.customer_id = customers.customer_id
    left join merchants on received.merchant_id = merchants.merchant_id
    left join statuses on received.event_type = statuses.event_type and received.status = statuses.status
),

final as (
    select
        cast(event_id as varchar) as event_id,
        cast(event_type as varchar) as event_type,
        cast(provider as varchar) as provider,
        cast(customer_id as varchar) as customer_id,
        cast(merchant_id as varchar) as merchant_id,
        cast(amount as decimal(10, 2)) as amount,
        cast(currency as varchar) as currency,
        cast(created_at as timestamp(6)) as created_at,
        cast(updated_at as timestamp(6)) as updated_at,
        cast(refund_id as varchar) as refund_id,
        cast(charge_id as varchar) as charge_id,
        cast(status as varchar) as status,
        cast(reason as varchar) as reason,
        cast(reason_raw as varchar) as reason_raw,
        cast(failure_code as varchar) as failure_code,
        cast(failure_code_raw as varchar) as failure_code_raw,
        cast(refund_requested_by as varchar) as refund_requested_by,
        cast(original_order_id as varchar) as original_order_id,
        cast(support_ticket_id as varchar) as support_ticket_id,
        cast(charge_amount as decimal(10, 2)) as charge_amount,
        is_unknown_customer,
        is_unknown_merchant,
        is_unknown_charge,
        is_exceeding_charge,
        is_status_inconsistent,
        (
            is_unknown_customer or is_unknown_merchant or is_unknown_charge or is_exceeding_charge
            or is_status_inconsistent
        ) as is_flagged,
        cast(kafka_topic as varchar) as kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,
        cast(kafka_timestamp as timestamp(6) with time zone) as kafka_timestamp,
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
