-- Validation of one event type ({event}): every Kafka record reaches these views, whatever it holds.
-- Nothing in them can throw: parsing is JSON_VALUE/JSON_QUERY (NULL on error) and TRY_CAST, so a bad
-- record is judged, never fatal. Placeholders in braces are filled by render.py from events.py.

-- 1. Parse: each field as text. 'null', 'NULL', '' and whitespace-only strings become NULL.
CREATE TEMPORARY VIEW {event}_parsed AS
SELECT
  payload,
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp,
  COALESCE(payload IS JSON OBJECT, FALSE) AS is_object,
{text_columns}
FROM raw_{event};

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
