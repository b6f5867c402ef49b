"""The payments domain: the event types (`events`), the problems the generators inject (`problems`), the
validation rules' settings (`validation`: accepted currencies, the largest amount), the
Iceberg tables the validation job writes (`tables`) and the golden cases (`cases`, `golden/`).

Everything else derives from here: stack config, generators, catalog, the SQL and JR renderers, tests and
bench. Nothing here imports the rest of the project.
"""
