{#- The mappings of raw values to one vocabulary (seeds written from payments/vocabulary.py) that more than
    one staging model makes: each is a lookup CTE, a mapped column and its left joins, so that how a raw value
    maps is said once. A model calls the parts where its CTEs, its columns and its joins stand. -#}

{#- Refund and dispute reasons, from the events' reason_raw: a known spelling, else the reason in the
    vocabulary's own form (lower case, `_` between words); NULL when neither knows it. -#}
{% macro reason_lookups(event_type_name) -%}
spellings as (
    select raw_reason, reason
    from {{ ref('reason_spellings') }}
    where event_type_name = '{{ event_type_name }}'
),

vocabulary as (
    select reason from {{ ref('reasons') }}
)
{%- endmacro %}

{% macro mapped_reason() -%}
    coalesce(spellings.reason, vocabulary.reason) as reason
{%- endmacro %}

{% macro reason_joins(events) -%}
    left join spellings on {{ events }}.reason_raw = spellings.raw_reason
    left join vocabulary on lower(regexp_replace({{ events }}.reason_raw, '[\s-]+', '_')) = vocabulary.reason
{%- endmacro %}

{#- Charges' failure codes and refunds' failure reasons, from the events' failure_code_raw, in the one set of
    failure codes: `unknown` for a code the mapping does not know, which stays visible as itself in
    failure_code_raw; NULL when nothing failed. -#}
{% macro failure_code_lookup(event_type_name) -%}
failure_codes as (
    select raw_code, failure_code
    from {{ ref('failure_code_mapping') }}
    where event_type_name = '{{ event_type_name }}'
)
{%- endmacro %}

{% macro mapped_failure_code(events) -%}
    case
        when {{ events }}.failure_code_raw is null then null
        else coalesce(failure_codes.failure_code, 'unknown')
    end as failure_code
{%- endmacro %}

{% macro failure_code_join(events) -%}
    left join failure_codes on {{ events }}.failure_code_raw = failure_codes.raw_code
{%- endmacro %}
