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

customers as (
    select customer_id from {{ ref('dim_customers') }}
),

merchants as (
    select merchant_id from {{ ref('dim_merchants') }}
),

statuses as (
    select event_type, status from {{ ref('event_statuses') }} where event_type_name = 'payment_disputes'
),

flagged as (
    select
        received.*,
        customers.customer_id is null as is_unknown_customer,
        merchants.merchant_id is null as is_unknown_merchant,
        charges.charge_id is null as is_unknown_charge,
        statuses.status is null as is_status_inconsistent,
        -- MISSING_EVIDENCE: metadata absent, or without the evidence fields
        received.is_customer_contacted is null or received.is_evidence_submitted is null as is_evidence_missing
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
        cast(dispute_id as varchar) as dispute_id,
        cast(charge_id as varchar) as charge_id,
        cast(status as varchar) as status,
        cast(reason as varchar) as reason,
        cast(reason_raw as varchar) as reason_raw,
        cast(network_reason_code as varchar) as network_reason_code,
        cast(card_network as varchar) as card_network,
        cast(network_reason as varchar) as network_reason,
        cast(evidence_due_by as timestamp(6)) as evidence_due_by,
        cast(is_charge_refundable as boolean) as is_charge_refundable,
        cast(case_number as varchar) as case_number,
        cast(is_customer_contacted as boolean) as is_customer_contacted,
        cast(is_evidence_submitted as boolean) as is_evidence_submitted,
        is_unknown_customer,
        is_unknown_merchant,
        is_unknown_charge,
        is_status_inconsistent,
        is_evidence_missing,
        (
            is_unknown_customer or is_unknown_merchant or is_unknown_charge or is_status_inconsistent
            or is_evidence_missing
        ) as is_flagged,
        cast(kafka_topic as varchar) as kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,
        cast(kafka_timestamp as timestamp(6) with time zone) as kafka_timestamp,
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
