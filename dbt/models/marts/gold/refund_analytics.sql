-- The "refund analytics" question (docs/requirements.md, R10): per provider, reason (the shared
-- vocabulary, whatever the spelling sent) and currency, how many refunds and how much was refunded.

with refunds as (
    select * from {{ ref('refunds') }}
),

final as (
    select
        provider,
        reason,
        currency,
        count(*) as refund_count,
        cast(sum(amount) as decimal(18, 2)) as total_refunded,
        count_if(is_flagged) as flagged_count
    from refunds
    group by provider, reason, currency
)

select * from final
