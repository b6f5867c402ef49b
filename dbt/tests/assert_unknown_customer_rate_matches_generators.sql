-- Silver charges whose customer is not in the dimension, as a share of all charges, must be within
-- `rate_tolerance` (2 points) of the configured UNKNOWN_CUSTOMER rate (var unknown_customer_rate, else
-- the default in seed problem_rates): more would mean the dimension and the generators disagree.

with configured as (
    select coalesce(
        cast({{ var('unknown_customer_rate') if var('unknown_customer_rate') is not none else 'null' }} as double),
        (select cast(rate as double) from {{ ref('problem_rates') }} where problem = 'UNKNOWN_CUSTOMER')
    ) as rate
),

measured as (
    select count_if(is_unknown_customer) as unknown_count, count(*) as charge_count
    from {{ ref('charges') }}
)

select
    measured.unknown_count,
    measured.charge_count,
    cast(measured.unknown_count as double) / measured.charge_count as measured_rate,
    configured.rate as configured_rate
from measured
cross join configured
where measured.charge_count > 0
  and abs(cast(measured.unknown_count as double) / measured.charge_count - configured.rate) > {{ var('rate_tolerance') }}
