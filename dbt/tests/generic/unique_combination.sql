{#- Fails on each combination of the columns that more than one row has: the grain of a model whose
    key is several columns. -#}
{% test unique_combination(model, combination) %}

select {{ combination | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1

{% endtest %}
