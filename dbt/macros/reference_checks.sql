{#- The reference checks every silver model makes: each is a lookup CTE, a flag and a left join, so that
    what a party or a status is checked against is said once. A model calls the three parts where its own
    checks stand: the lookups among its CTEs, the flags in its `flagged` select, the joins after
    `from <events>`. A row that fails a check is kept and flagged, never dropped. -#}

{#- The parties an event names, each checked against its dimension (seeds written from payments/parties.py):
    the generators send unknown customers on purpose (UNKNOWN_CUSTOMER). -#}
{% macro parties() -%}
    {{ return([
        {'lookup': 'customers', 'id': 'customer_id', 'dimension': 'dim_customers', 'flag': 'is_unknown_customer'},
        {'lookup': 'merchants', 'id': 'merchant_id', 'dimension': 'dim_merchants', 'flag': 'is_unknown_merchant'},
    ]) }}
{%- endmacro %}

{% macro party_lookups() -%}
    {%- for party in parties() %}
{{ party.lookup }} as (
    select {{ party.id }} from {{ ref(party.dimension) }}
){{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{% macro party_flags() -%}
    {%- for party in parties() -%}
        {{ party.lookup }}.{{ party.id }} is null as {{ party.flag }}{{ ',\n        ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{% macro party_joins(events) -%}
    {%- for party in parties() %}
    left join {{ party.lookup }} on {{ events }}.{{ party.id }} = {{ party.lookup }}.{{ party.id }}
    {%- endfor -%}
{%- endmacro %}

{#- The statuses each event_type of the event type allows (seed event_statuses, from payments/vocabulary.py):
    a status that is missing or not allowed with the event's event_type is flagged. -#}
{% macro status_lookup(event_type_name) -%}
statuses as (
    select event_type, status from {{ ref('event_statuses') }} where event_type_name = '{{ event_type_name }}'
)
{%- endmacro %}

{% macro status_flag() -%}
    statuses.status is null as is_status_inconsistent
{%- endmacro %}

{% macro status_join(events) -%}
    left join statuses on {{ events }}.event_type = statuses.event_type and {{ events }}.status = statuses.status
{%- endmacro %}

{#- The flag columns, then is_flagged: whether any of them is set. -#}
{% macro flag_columns(flags) -%}
    {%- for flag in flags -%}
        {{ flag }},
        {% endfor -%}
    ({{ flags | join(' or ') }}) as is_flagged
{%- endmacro %}
