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

customers as (
    select customer_id from {{ ref('dim_customers') }}
),

merchants as (
    select merchant_id from {{ ref('dim_merchants') }}
),

countries as (
    select country_code from {{ ref('countries') }}
),

risk_levels as (
    select risk_level, min_score, max_score from {{ ref('risk_levels') }}
),

statuses as (
    select event_type, status from {{ ref('event_statuses') }} where event_type_name = 'payment_charges'
),

flagged as (
    select
        received.*,
        customers.customer_id is null as is_unknown_customer,
        merchants.merchant_id is null as is_unknown_merchant,
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
        -- a status the event type does not allow, or none
        statuses.status is null as is_status_inconsistent
    from received
    left join customers on received.customer_id = customers.customer_id
    left join merchants on received.merchant_id = merchants.merchant_id
    left join countries on received.card_country = countries.country_code
    left join risk_levels on received.risk_score between risk_levels.min_score and risk_levels.max_score
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
        cast(charge_id as varchar) as charge_id,
        cast(status as varchar) as status,
        cast(failure_code as varchar) as failure_code,
        cast(failure_code_raw as varchar) as failure_code_raw,
        cast(failure_message as varchar) as failure_message,
        cast(payment_method_id as varchar) as payment_method_id,
        cast(payment_method_type as varchar) as payment_method_type,
        cast(card_brand as varchar) as card_brand,
        cast(card_last4 as varchar) as card_last4,
        cast(card_exp_month as integer) as card_exp_month,
        cast(card_exp_year as integer) as card_exp_year,
        cast(card_country as varchar) as card_country,
        cast(billing_country as varchar) as billing_country,
        cast(billing_postal_code as varchar) as billing_postal_code,
        cast(merchant_name as varchar) as merchant_name,
        cast(description as varchar) as description,
        cast(order_id as varchar) as order_id,
        cast(subscription_id as varchar) as subscription_id,
        cast(risk_score as integer) as risk_score,
        cast(risk_level as varchar) as risk_level,
        cast(three_ds_authenticated as boolean) as three_ds_authenticated,
        is_unknown_customer,
        is_unknown_merchant,
        is_zero_or_sub_cent_success,
        is_risk_level_inconsistent,
        is_card_country_invalid,
        is_status_inconsistent,
        (
            is_unknown_customer or is_unknown_merchant or is_zero_or_sub_cent_success
            or is_risk_level_inconsistent or is_card_country_invalid or is_status_inconsistent
        ) as is_flagged,
        cast(kafka_topic as varchar) as kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,
        cast(kafka_timestamp as timestamp(6) with time zone) as kafka_timestamp,
        {{ run_started_at_timestamp() }} as loaded_at
    from flagged
)

select * from final
