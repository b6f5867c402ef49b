{#- Fails when fewer than `at_least` (0..1) of the rows have a value in the column: for columns the
    generators leave empty now and then by design (NULL_STATUS, NULL_VARIATION), where not_null would
    fail but a large share of nulls would still be wrong. -#}
{% test not_null_proportion(model, column_name, at_least) %}

with counts as (
    select count({{ column_name }}) as present, count(*) as total
    from {{ model }}
)

select present, total, cast(present as double) / total as proportion
from counts
where total > 0 and cast(present as double) / total < {{ at_least }}

{% endtest %}
