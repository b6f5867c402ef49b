-- The exact duplicates removed, as a share of the distinct events of each type, must be within
-- `rate_tolerance` (2 points) of the generators' configured EXACT_DUPLICATE rate: the var
-- exact_duplicate_rate if given (the stack's problemRates.exactDuplicate), else the default of
-- payments/problems.py (seed problem_rates). Returns the types that are off.

{%- set types = ['charges', 'refunds', 'disputes', 'subscriptions'] %}

with configured as (
    select coalesce(
        cast({{ var('exact_duplicate_rate') if var('exact_duplicate_rate') is not none else 'null' }} as double),
        (select cast(rate as double) from {{ ref('problem_rates') }} where problem = 'EXACT_DUPLICATE')
    ) as rate
),

measured as (
    {% for t in types -%}
    select
        'payment_{{ t }}' as event_type_name,
        count_if(is_duplicate) as duplicate_count,
        count(distinct event_id) as event_count
    from {{ ref('int_' ~ t ~ '_received') }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
)

select
    measured.event_type_name,
    measured.duplicate_count,
    measured.event_count,
    cast(measured.duplicate_count as double) / measured.event_count as measured_rate,
    configured.rate as configured_rate
from measured
cross join configured
where measured.event_count > 0
  and abs(cast(measured.duplicate_count as double) / measured.event_count - configured.rate) > {{ var('rate_tolerance') }}
