"""Fill the SQL files' placeholders from the event schemas and the validation settings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from payments.currencies import minor_unit
from payments.events import BOOLEAN, EVENT_TYPES, INT, JSON, MONEY, TIMESTAMP, EventType, Field
from payments.tables import NAMESPACE
from payments.validation import ValidationSettings

SQL_DIR = Path(__file__).parent
# How JSON_FIELD_TEXTS reads a field of each type (images/flink/functions, FieldKind); strings are `text`,
# ids `id` and the currency `code`.
_KINDS = {MONEY: "money", TIMESTAMP: "timestamp", INT: "int", BOOLEAN: "boolean", JSON: "json"}


# Flink settings of the validation job (and of the benchmark's instance of it), besides parallelism and
# the checkpoint interval. Both change the plan, never the results:
JOB_SETTINGS = {
    # Each type's two inserts share one projection that validates a record once (without this, the
    # planner copies the whole validation into each insert's projection): `EXPLAIN` shows it.
    "table.optimizer.reuse-optimize-block-with-digest-enabled": "true",
    # Chained operators hand records on without copying them; nothing in the job keeps a record it was
    # handed, which is the condition Flink documents for this.
    "pipeline.object-reuse": "true",
}


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text()


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def field_spec(field: Field) -> str:
    """`key:kind`, how JSON_FIELD_TEXTS reads and judges the field (validate.sql)."""
    if field.type in _KINDS:
        kind = _KINDS[field.type]
    elif field.name == "currency":
        kind = "code"  # a fixed alphabet: trimmed, compared in ASCII only
    else:
        # An id padded with invisible characters is the same id to a person: store it as one.
        kind = "id" if field.name.endswith("_id") else "text"
    return f"{field.json_key}:{kind}"


def _text_column(position: int, column: str) -> str:
    return f"  parsed.texts[{position}] AS {column}"  # SQL arrays count from 1


def _typed_column(column: str, sql_type: str) -> str:
    """The bronze value from the field's text; JSON_FIELD_TEXTS has judged the text, so a valid row's
    values convert exactly (no rounding: an amount has at most its currency's decimals)."""
    text = f"{column}_text"
    if sql_type == MONEY:
        return f"  DECIMAL_TEXT_VALUE({text}) AS {column}"
    if sql_type == TIMESTAMP:
        return f"  TIMESTAMP_TEXT_VALUE({text}) AS {column}"
    if sql_type in (INT, BOOLEAN):
        return f"  TRY_CAST({text} AS {sql_type}) AS {column}"
    return f"  {text} AS {column}"


def _minor_units(settings: ValidationSettings) -> str:
    """The accepted currency's minor unit (ISO 4217), NULL for any other currency."""
    cases = " ".join(f"WHEN {quote(c)} THEN {minor_unit(c)}" for c in settings.currencies)
    return f"CASE currency {cases} END"


def rules(event: EventType, settings: ValidationSettings) -> list[tuple[str, str]]:
    """(reason, condition) in precedence order: the first that holds is the row's rejection_reason."""
    on_object = "parse_status = 'OBJECT' AND "

    def earned(reason: str) -> str:  # a field's value earned it (JSON_FIELD_TEXTS judged it)
        return f"{on_object}ARRAY_CONTAINS(field_reasons, '{reason}')"

    out = [
        ("NOT_JSON_OBJECT", "parse_status IN ('NOT_JSON', 'NOT_OBJECT')"),
        ("PAYLOAD_TOO_COMPLEX", "parse_status = 'TOO_COMPLEX'"),
        ("DUPLICATE_KEY", "parse_status = 'DUPLICATE_KEY'"),
        ("INVALID_TEXT", earned("INVALID_TEXT")),
    ]
    out += [(reason, f"{on_object}{column}_text IS NULL") for column, reason in event.required]
    out.append(("MISSING_CREATED_AT", f"{on_object}created_at_text IS NULL"))
    out.append(("INVALID_TIMESTAMP", earned("INVALID_TIMESTAMP")))
    out.append(("INVALID_FIELD_TYPE", earned("INVALID_FIELD_TYPE")))
    out.append(("MISSING_AMOUNT", f"{on_object}amount_text IS NULL"))
    out.append(("INVALID_AMOUNT_FORMAT", earned("INVALID_AMOUNT_FORMAT")))
    whitelist = ", ".join(quote(c) for c in settings.currencies)
    out.append(("INVALID_CURRENCY", f"{on_object}(currency IS NULL OR currency NOT IN ({whitelist}))"))
    sign = "COMPARE_DECIMAL_TEXT(amount_text, '0')"
    out.append(("INVALID_AMOUNT_NEGATIVE", f"{on_object}{sign} <= 0"))
    bound = quote(str(settings.max_amount))
    out.append(("INVALID_AMOUNT_TOO_LARGE", f"{on_object}COMPARE_DECIMAL_TEXT(amount_text, {bound}) > 0"))
    decimals = "DECIMAL_TEXT_DECIMALS(amount_text)"
    out.append(("INVALID_AMOUNT_PRECISION", f"{on_object}{decimals} > {_minor_units(settings)}"))
    return out


def validation_sql(event: EventType, settings: ValidationSettings) -> str:
    text_columns = ",\n".join(_text_column(i, f"{f.name}_text") for i, f in enumerate(event.fields, start=1))
    typed_columns = ",\n".join(_typed_column(f.name, f.type) for f in event.fields)
    rule_sql = ",\n".join(f"    CASE WHEN {cond} THEN '{reason}' END" for reason, cond in rules(event, settings))
    return sql_file("validate.sql").format(
        event=event.name,
        fields=quote(",".join(field_spec(f) for f in event.fields)),
        text_columns=text_columns,
        typed_columns=typed_columns,
        rules=rule_sql,
    )


def options_sql(options: dict[str, str], prefix: str = "") -> str:
    """More `WITH (...)` options, each on a line of its own after a comma; empty for none."""
    return "".join(f",\n  {quote(prefix + k)} = {quote(v)}" for k, v in options.items())


def kafka_source_sql(
    event: EventType,
    bootstrap_servers: str,
    group_id: str,
    topic: str | None = None,
    client_properties: dict[str, str] | None = None,
) -> str:
    """The Kafka source of `event`, reading its own topic unless another `topic` is given (a topic prefix,
    the benchmark's topics). `client_properties`: Kafka Java client settings (`KafkaClientSecurity.java()`)."""
    return sql_file("kafka_source.sql").format(
        event=event.name,
        topic=topic or event.topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_properties=options_sql(client_properties or {}, "properties."),
    )


def catalog_sql(catalog: str, uri: str, warehouse: str, client_properties: dict[str, str] | None = None) -> str:
    """`client_properties`: more Iceberg REST client properties (`oauth2_properties`)."""
    return sql_file("catalog.sql").format(
        catalog=catalog, uri=uri, warehouse=warehouse, client_properties=options_sql(client_properties or {})
    )


def bronze_columns(event: EventType) -> list[str]:
    """The bronze row's columns as selected from `<event>_validated`: money cast to its stored type (exact: a
    valid amount has at most its currency's decimals, and config accepts no currency with more than bronze's)."""
    return [f"CAST({f.name} AS {MONEY}) AS {f.name}" if f.type == MONEY else f.name for f in event.fields]


def route_sql(event: EventType, catalog: str, namespace: str = NAMESPACE) -> str:
    bronze = ",\n".join(f"  {column}" for column in bronze_columns(event))
    return sql_file("route.sql").format(
        event=event.name,
        bronze=f"{catalog}.{namespace}.{event.bronze_table}",
        quarantine=f"{catalog}.{namespace}.{event.quarantine_table}",
        bronze_columns=bronze,
        quarantine_columns=",\n".join(f"  {f.name}_text AS {f.name}" for f in event.fields),
    )


def job_connections(
    bootstrap_servers: str,
    group_id: str,
    catalog: str,
    catalog_uri: str,
    warehouse: str,
    topics: dict[str, str] | None = None,
    kafka_properties: dict[str, str] | None = None,
    catalog_properties: dict[str, str] | None = None,
) -> list[str]:
    """What the job's session runs first: the catalog and the Kafka sources, the statements that name
    endpoints and may carry credentials (`kafka_properties`: Kafka Java client settings; `catalog_properties`:
    Iceberg REST client ones).

    `topics` (event type name -> topic) limits the job to those types and reads them from those topics
    instead of their own (a topic prefix, the benchmark's instance of the job); by default every type,
    from its topic.
    """
    out = statements(catalog_sql(catalog, catalog_uri, warehouse, catalog_properties))
    for event in _chosen(topics):
        topic = topics[event.name] if topics else None
        out += statements(kafka_source_sql(event, bootstrap_servers, group_id, topic, kafka_properties))
    return out


def job_setup(settings: ValidationSettings, event_names: Iterable[str] | None = None) -> list[str]:
    """What the session runs after the connections, before the statement set: the validation views, of
    every type or of `event_names`. No endpoint or credential in them, so previews show their diffs."""
    chosen = _chosen(dict.fromkeys(event_names, "") if event_names is not None else None)
    return [s for event in chosen for s in statements(validation_sql(event, settings))]


def job_inserts(catalog: str, namespace: str = NAMESPACE, event_names: Iterable[str] | None = None) -> list[str]:
    """The job's statement set: known without any endpoint, so previews always show it.

    `namespace` and `event_names` (default: every type) serve the benchmark's instance of the job.
    """
    chosen = _chosen(dict.fromkeys(event_names, "") if event_names is not None else None)
    return [s for event in chosen for s in statements(route_sql(event, catalog, namespace))]


def _chosen(names: dict[str, str] | None) -> list[EventType]:
    if names is None:
        return list(EVENT_TYPES)
    unknown = set(names) - {e.name for e in EVENT_TYPES}
    if unknown:
        raise ValueError(f"no such event type: {', '.join(sorted(unknown))}")
    return [e for e in EVENT_TYPES if e.name in names]


def statements(sql: str) -> list[str]:
    """Split rendered SQL into statements (the gateway takes one at a time); comments are dropped.

    Quote-aware: a `;` or `--` inside a string literal (a JAAS config ends with `;`, a PEM certificate's
    lines start with `-----`) is text, not the end of a statement or a comment.
    """
    out, current, quoted, i = [], [], False, 0
    while i < len(sql):
        ch = sql[i]
        if not quoted and sql.startswith("--", i):
            i = sql.find("\n", i)  # to the end of the comment's line
            i = len(sql) if i < 0 else i
            continue
        if ch == "'":
            quoted = not quoted  # '' inside a literal toggles twice: still inside
        if ch == ";" and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


__all__ = [
    "JOB_SETTINGS",
    "field_spec",
    "job_connections",
    "job_inserts",
    "job_setup",
    "kafka_source_sql",
    "options_sql",
    "rules",
    "statements",
    "validation_sql",
]
