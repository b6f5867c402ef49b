-- Validation of one event type ({event}): every Kafka record reaches these views, whatever it holds.
-- Nothing in them can throw: the functions below return a status or NULL, and casts are TRY_CAST, so a
-- bad record is judged, never fatal. Placeholders in braces are filled by render.py from payments/.

-- The job's functions, from lib/lakehouse-flink-functions.jar (images/flink/functions/).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS JSON_OBJECT_FIELDS
  AS 'streaming.lakehouse.flink.JsonObjectFields' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS COMPARE_DECIMAL_TEXT
  AS 'streaming.lakehouse.flink.CompareDecimalText' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS DECIMAL_TEXT_VALUE
  AS 'streaming.lakehouse.flink.DecimalTextValue' LANGUAGE JAVA;

-- 1. Parse, once per record: parse_status, then each field as text. 'null', 'NULL', '' and blank strings
--    become NULL.
CREATE TEMPORARY VIEW {event}_parsed AS
SELECT
  payload,
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp,
  parse_status,
{text_columns}
FROM raw_{event}, LATERAL TABLE(JSON_OBJECT_FIELDS(payload));

-- 2. Type: TRY_CAST to the bronze types; a value that does not cast stays NULL and is judged below.
CREATE TEMPORARY VIEW {event}_typed AS
SELECT
  *,
{typed_columns}
FROM {event}_parsed;

-- 3. Judge: every failed rule, in precedence order (see README.md); empty means valid.
CREATE TEMPORARY VIEW {event}_validated AS
SELECT
  *,
  CONCAT_WS(
    ',',
{rules}
  ) AS rejection_reasons
FROM {event}_typed;
