-- One row per quarantined record of any type: what could be read of it (text), why it was rejected
-- and where it came from. The data-quality mart counts these.

{%- set types = event_type_names() %}

with
{% for event_type_name in types %}
{{ event_type_name }} as (
    select
        '{{ event_type_name }}' as event_type_name,
        {{ null_if_blank('event_id') }} as event_id,
        {{ lower_code('provider') }} as provider,
        {{ null_if_blank('customer_id') }} as customer_id,
        rejection_reason,
        rejection_reasons,
        quarantine_timestamp as quarantined_at,
        {{ lineage_columns() | map(attribute='name') | join(', ') }}
    from {{ source('payments', 'quarantine_' ~ event_type_name) }}
),
{% endfor %}

final as (
    {% for event_type_name in types -%}
    select * from {{ event_type_name }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
)

select * from final
