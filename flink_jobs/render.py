"""Fill the SQL files' placeholders from the event schemas and the validation settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from payments.events import BOOLEAN, EVENT_TYPES, INT, JSON, MONEY, TIMESTAMP, EventType, Field
from payments.tables import NAMESPACE

SQL_DIR = Path(__file__).parent
# Blank, to a person: ASCII whitespace, every Unicode separator (no-break and ideographic spaces among
# them), invisible format characters (zero-width space and joiners, the byte-order mark) and NEL. Java
# regex classes: Flink's REGEXP and REGEXP_REPLACE use java.util.regex.
BLANK = r"[\s\p{Z}\p{Cf}\x{85}]"
# What counts as "no value" in any string field: SQL NULL, JSON null, 'null' in any case, blanks.
NULL_LIKE = rf"^{BLANK}*([nN][uU][lL][lL])?{BLANK}*$"
# Timestamps as the guide's troubleshooting section requires: `2006-01-02 15:04:05.000`, no zone.
TIMESTAMP_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?$"


@dataclass(frozen=True)
class ValidationSettings:
    currencies: tuple[str, ...] = ("USD", "CAD", "GBP", "EUR", "JPY")
    max_amount: Decimal = Decimal("1000000")


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text()


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _trimmed(text: str) -> str:
    """`text` without leading and trailing blanks (Unicode ones too, which TRIM leaves)."""
    return f"REGEXP_REPLACE({text}, {quote(f'^{BLANK}+|{BLANK}+$')}, '')"


def _text_column(field: Field, column: str) -> str:
    # JSON_OBJECT_FIELDS (validate.sql) has read the payload once: scalars and structures by top-level key.
    source = "structures" if field.type == JSON else "scalars"
    extract = f"{source}[{quote(field.json_key)}]"
    null_like = f"REGEXP({extract}, {quote(NULL_LIKE)})"
    # An id padded with invisible characters is the same id to a person: store it as one.
    value = _trimmed(extract) if field.name.endswith("_id") else extract
    return f"  CASE WHEN {null_like} THEN CAST(NULL AS STRING) ELSE {value} END AS {column}"


def _typed_column(column: str, sql_type: str) -> str:
    text = f"{column}_text"
    if column == "currency":
        return f"  UPPER({_trimmed(text)}) AS {column}"
    if sql_type == MONEY:
        # Read exactly, whatever its length, to 18 decimals (bronze rounds it to cents when storing); the
        # rules compare the text itself, so they judge the amount as sent.
        return f"  DECIMAL_TEXT_VALUE({text}) AS {column}"
    if sql_type == TIMESTAMP:
        # Only the SQL form the generators write; and CAST rolls 2026-02-30 over to March, so the value
        # must print back as it was written.
        cast = f"TRY_CAST({text} AS TIMESTAMP(3))"
        exact = f"DATE_FORMAT({cast}, 'yyyy-MM-dd HH:mm:ss') = SUBSTRING({text} FROM 1 FOR 19)"
        return f"  CASE WHEN REGEXP({text}, {quote(TIMESTAMP_FORM)}) AND {exact} THEN {cast} END AS {column}"
    if sql_type in (INT, BOOLEAN):
        return f"  TRY_CAST({text} AS {sql_type}) AS {column}"
    return f"  {text} AS {column}"


def _any_uncast(fields: Iterable[Field]) -> str:
    """True when one of the fields has a value that did not cast to its type."""
    checks = [f"({f.name}_text IS NOT NULL AND {f.name} IS NULL)" for f in fields]
    return "(" + " OR ".join(checks) + ")" if checks else "FALSE"


def rules(event: EventType, settings: ValidationSettings) -> list[tuple[str, str]]:
    """(reason, condition) in precedence order: the first that holds is the row's rejection_reason."""
    on_object = "parse_status = 'OBJECT' AND "
    out = [
        ("NOT_JSON_OBJECT", "parse_status IN ('NOT_JSON', 'NOT_OBJECT')"),
        ("PAYLOAD_TOO_COMPLEX", "parse_status = 'TOO_COMPLEX'"),
    ]
    out += [(reason, f"{on_object}{column}_text IS NULL") for column, reason in event.required]
    out.append(("MISSING_CREATED_AT", f"{on_object}created_at_text IS NULL"))
    out.append(("INVALID_TIMESTAMP", on_object + _any_uncast(f for f in event.fields if f.type == TIMESTAMP)))
    out.append(("INVALID_FIELD_TYPE", on_object + _any_uncast(f for f in event.fields if f.type in (INT, BOOLEAN))))
    out.append(("MISSING_AMOUNT", f"{on_object}amount_text IS NULL"))
    sign = "COMPARE_DECIMAL_TEXT(amount_text, '0')"
    out.append(("INVALID_AMOUNT_FORMAT", f"{on_object}amount_text IS NOT NULL AND {sign} IS NULL"))
    whitelist = ", ".join(quote(c) for c in settings.currencies)
    out.append(("INVALID_CURRENCY", f"{on_object}(currency IS NULL OR currency NOT IN ({whitelist}))"))
    out.append(("INVALID_AMOUNT_NEGATIVE", f"{on_object}{sign} <= 0"))
    bound = quote(str(settings.max_amount))
    out.append(("INVALID_AMOUNT_TOO_LARGE", f"{on_object}COMPARE_DECIMAL_TEXT(amount_text, {bound}) > 0"))
    return out


def validation_sql(event: EventType, settings: ValidationSettings) -> str:
    text_columns = ",\n".join(_text_column(f, f"{f.name}_text") for f in event.fields)
    typed_columns = ",\n".join(_typed_column(f.name, f.type) for f in event.fields)
    rule_sql = ",\n".join(f"    CASE WHEN {cond} THEN '{reason}' END" for reason, cond in rules(event, settings))
    return sql_file("validate.sql").format(
        event=event.name, text_columns=text_columns, typed_columns=typed_columns, rules=rule_sql
    )


def kafka_source_sql(event: EventType, bootstrap_servers: str, group_id: str) -> str:
    return sql_file("kafka_source.sql").format(
        event=event.name, topic=event.topic, bootstrap_servers=bootstrap_servers, group_id=group_id
    )


def catalog_sql(catalog: str, uri: str, warehouse: str) -> str:
    return sql_file("catalog.sql").format(catalog=catalog, uri=uri, warehouse=warehouse)


def bronze_columns(event: EventType) -> list[str]:
    """The bronze row's columns as selected from `<event>_validated`: money rounded to its stored type."""
    return [f"CAST({f.name} AS {MONEY}) AS {f.name}" if f.type == MONEY else f.name for f in event.fields]


def route_sql(event: EventType, catalog: str) -> str:
    bronze = ",\n".join(f"  {column}" for column in bronze_columns(event))
    return sql_file("route.sql").format(
        event=event.name,
        bronze=f"{catalog}.{NAMESPACE}.{event.bronze_table}",
        quarantine=f"{catalog}.{NAMESPACE}.{event.quarantine_table}",
        bronze_columns=bronze,
        quarantine_columns=",\n".join(f"  {f.name}_text AS {f.name}" for f in event.fields),
    )


def job_setup(
    settings: ValidationSettings,
    bootstrap_servers: str,
    group_id: str,
    catalog: str,
    catalog_uri: str,
    warehouse: str,
) -> list[str]:
    """What the job's session runs before its statement set: the catalog, the sources, the validation views."""
    setup = statements(catalog_sql(catalog, catalog_uri, warehouse))
    for event in EVENT_TYPES:
        setup += statements(kafka_source_sql(event, bootstrap_servers, group_id))
        setup += statements(validation_sql(event, settings))
    return setup


def job_inserts(catalog: str) -> list[str]:
    """The job's statement set: known without any endpoint, so previews always show it."""
    return [s for event in EVENT_TYPES for s in statements(route_sql(event, catalog))]


def statements(sql: str) -> list[str]:
    """Split rendered SQL into statements (the gateway takes one at a time); comments are dropped."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


__all__ = [
    "ValidationSettings",
    "job_inserts",
    "job_setup",
    "kafka_source_sql",
    "rules",
    "statements",
    "validation_sql",
]
