{#- Text clean-up used by the staging models. -#}

{#- NULL for the generators' null variants: NULL, '', blanks, and 'null' in any case (with blanks around
    it). The validation job already does this for top-level string fields; values inside JSON metadata
    arrive as sent. -#}
{% macro null_if_blank(expression) -%}
    case when regexp_like({{ expression }}, '^\s*(?i:null)?\s*$') then null else {{ expression }} end
{%- endmacro %}

{#- A code, trimmed and upper-cased (currencies, countries); NULL for null variants. -#}
{% macro upper_code(expression) -%}
    upper(trim({{ null_if_blank(expression) }}))
{%- endmacro %}

{#- A vocabulary word, trimmed and lower-cased (providers, statuses, levels); NULL for null variants. -#}
{% macro lower_code(expression) -%}
    lower(trim({{ null_if_blank(expression) }}))
{%- endmacro %}

{#- Text compared with a mapping as it is, but for blanks around it (reasons, network codes); NULL for null
    variants. -#}
{% macro trimmed_text(expression) -%}
    trim({{ null_if_blank(expression) }})
{%- endmacro %}

{#- A text field of a JSON object (the `metadata` columns), null variants as NULL. -#}
{% macro json_text(json_column, key) -%}
    {{ null_if_blank("json_extract_scalar(" ~ json_column ~ ", '$." ~ key ~ "')") }}
{%- endmacro %}

{#- A boolean field of a JSON object: NULL when absent, null or not a boolean. -#}
{% macro json_boolean(json_column, key) -%}
    try_cast(json_extract_scalar({{ json_column }}, '$.{{ key }}') as boolean)
{%- endmacro %}

{#- An integer field of a JSON object: NULL when absent, null or not an integer. -#}
{% macro json_integer(json_column, key) -%}
    try_cast(json_extract_scalar({{ json_column }}, '$.{{ key }}') as integer)
{%- endmacro %}
