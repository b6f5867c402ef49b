{#- An event type's columns through the layers, from its fields as payments/events.py declares them
    (macros/generated/event_columns.sql, written by `make dbt-artifacts`): staging passes every field on,
    cleaned or replaced where the model says so, and silver casts every column to its type. So a field
    added in payments/ reaches silver with no model edited, and a model names only the fields it treats. -#}

{#- How staging cleans a field, whichever event type has it (macros/text.sql); a staging model adds the
    fields only its type has. The reason keeps its raw form, which macros/mappings.sql maps. -#}
{% macro field_cleaning() -%}
    {{ return({
        'event_type': lower_code,
        'provider': lower_code,
        'merchant_id': null_if_blank,
        'currency': upper_code,
        'status': lower_code,
        'reason': [('reason_raw', trimmed_text('reason'))],
        'payment_method_id': null_if_blank,
    }) }}
{%- endmacro %}

{#- A staging model's columns: every field of the event type in order, then the lineage columns. A field
    passes as bronze has it (ids the validation job requires, numbers, timestamps, booleans) unless
    `cleaning` (or field_cleaning) names it, with the text.sql macro that cleans it, or with the
    (column, expression) pairs that stand in its place: a JSON object's fields, a raw value renamed. -#}
{% macro staged_event_columns(event_type_name, cleaning={}) -%}
    {%- set fields = event_fields(event_type_name) -%}
    {%- do _check_field_names(event_type_name, fields, cleaning) -%}
    {%- set how_by_field = field_cleaning() -%}
    {%- do how_by_field.update(cleaning) -%}
    {%- set columns = [] -%}
    {%- for field in fields -%}
        {%- set how = how_by_field.get(field.name) -%}
        {%- if how is none -%}
            {%- do columns.append(field.name) -%}
        {%- elif how is callable -%}
            {%- do columns.append(how(field.name) ~ ' as ' ~ field.name) -%}
        {%- else -%}
            {%- for column, expression in how -%}
                {%- do columns.append(expression ~ ' as ' ~ column) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column in lineage_columns() -%}
        {%- do columns.append(column.name) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- Columns cast to their types, `cast(<name> as <data_type>) as <name>`, one a line. -#}
{% macro cast_columns(columns) -%}
    {%- for column in columns -%}
        cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }}{{ ',\n        ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- A silver model's columns of the event type: every field in order, cast to its type, but for the fields
    staging replaced: `replaced` maps such a field to the columns in its place, each a (name, data_type)
    pair or the name of another field of the type (cast to that field's type); [] when that field's column
    stands in another's place. The model's yml repeats these types as its contract, which dbt requires;
    tests/unit/test_dbt_artifacts.py checks they agree. -#}
{% macro typed_event_columns(event_type_name, replaced={}) -%}
    {%- set fields = event_fields(event_type_name) -%}
    {%- do _check_field_names(event_type_name, fields, replaced) -%}
    {%- set types = {} -%}
    {%- for field in fields -%}
        {%- do types.update({field.name: field.data_type}) -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for field in fields -%}
        {%- for column in replaced.get(field.name, [field.name]) -%}
            {%- if column is string -%}
                {%- do _check_field_names(event_type_name, fields, [column]) -%}
                {%- do columns.append({'name': column, 'data_type': types[column]}) -%}
            {%- else -%}
                {%- do columns.append({'name': column[0], 'data_type': column[1]}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ cast_columns(columns) }}
{%- endmacro %}

{#- The type of a field of an event type, for a column that holds its value under another name. -#}
{% macro event_field_type(event_type_name, field_name) -%}
    {%- set fields = event_fields(event_type_name) -%}
    {%- do _check_field_names(event_type_name, fields, [field_name]) -%}
    {%- for field in fields if field.name == field_name -%}
        {{ return(field.data_type) }}
    {%- endfor -%}
{%- endmacro %}

{#- Fails the compilation when a model names a field the event type does not have (renamed or removed in
    payments/), rather than silently treating nothing. -#}
{% macro _check_field_names(event_type_name, fields, names) -%}
    {%- set known = fields | map(attribute='name') | list -%}
    {%- for name in names if name not in known -%}
        {{ exceptions.raise_compiler_error(event_type_name ~ ' has no field ' ~ name ~ ' (payments/events.py)') }}
    {%- endfor -%}
{%- endmacro %}
