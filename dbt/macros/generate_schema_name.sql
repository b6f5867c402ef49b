{#- A model's namespace is its `schema` config as written (`silver`, not `staging_silver`), or the
    profile's schema (`staging`) when it has none. The var namespace_prefix (default none) puts a whole
    build elsewhere, e.g. `--vars '{namespace_prefix: check_, source_namespace: check_bronze}'` for a build
    on a frozen copy of the bronze tables that leaves the real namespaces alone. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = var('namespace_prefix', '') or '' -%}
    {%- if custom_schema_name is none -%}
        {{ prefix ~ target.schema }}
    {%- else -%}
        {{ prefix ~ (custom_schema_name | trim) }}
    {%- endif -%}
{%- endmacro %}
