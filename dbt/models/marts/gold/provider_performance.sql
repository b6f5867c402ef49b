-- The "provider performance" question (docs/requirements.md, R10): per provider, status and currency,
-- how many charges and how much money (amounts are only summed within a currency). Flagged charges are
-- counted in, and also apart.

with charges as (
    select * from {{ ref('charges') }}
),

final as (
    select
        provider,
        status,
        currency,
        count(*) as transaction_count,
        cast(avg(amount) as decimal(12, 2)) as avg_amount,
        cast(sum(amount) as decimal(18, 2)) as total_amount,
        count_if(is_flagged) as flagged_count
    from charges
    group by provider, status, currency
)

select * from final
