-- Validation of one event type ({event}): every Kafka record reaches these views, whatever it holds.
-- Nothing in them can throw: the functions below return a status or NULL, and casts are TRY_CAST, so a
-- bad record is judged, never fatal; each takes time linear in what it reads, so none can stall the job.
-- Placeholders in braces are filled by render.py from payments/.

-- The job's functions, from lib/lakehouse-flink-functions.jar (images/flink/functions/).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS JSON_FIELD_TEXTS
  AS 'streaming.lakehouse.flink.JsonFieldTexts' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS COMPARE_DECIMAL_TEXT
  AS 'streaming.lakehouse.flink.CompareDecimalText' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS DECIMAL_TEXT_VALUE
  AS 'streaming.lakehouse.flink.DecimalTextValue' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS DECIMAL_TEXT_DECIMALS
  AS 'streaming.lakehouse.flink.DecimalTextDecimals' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS TIMESTAMP_TEXT_VALUE
  AS 'streaming.lakehouse.flink.TimestampTextValue' LANGUAGE JAVA;

-- 1. Parse and judge each field's value, once per record: parse_status, each field as text (null-like
--    strings NULL, ids and the currency trimmed), and the reasons the fields' values earn (a value not
--    of its field's kind). One call reads them all; the planner keeps it in a projection of its own (see
--    JsonFieldTexts), so everything below reads its result instead of parsing again.
CREATE TEMPORARY VIEW {event}_read AS
SELECT
  payload,
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp,
  JSON_FIELD_TEXTS(payload, {fields}) AS parsed
FROM raw_{event};

CREATE TEMPORARY VIEW {event}_parsed AS
SELECT
  payload,
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp,
  parsed.parse_status AS parse_status,
  parsed.reasons AS field_reasons,
{text_columns}
FROM {event}_read;

-- 2. Type: the bronze types, from texts JSON_FIELD_TEXTS judged (a text it refused stays NULL here).
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
