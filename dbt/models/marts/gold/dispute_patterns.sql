-- The "dispute patterns" question (docs/requirements.md, R10): per provider, status, reason and
-- currency, how many disputes and how much is disputed.

with disputes as (
    select * from {{ ref('disputes') }}
),

final as (
    select
        provider,
        status,
        reason,
        currency,
        count(*) as dispute_count,
        cast(sum(amount) as decimal(18, 2)) as total_disputed,
        count_if(is_flagged) as flagged_count
    from disputes
    group by provider, status, reason, currency
)

select * from final
