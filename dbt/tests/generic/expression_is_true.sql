{#- Fails on rows where the boolean expression is not true (false or NULL): invariants between columns. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
