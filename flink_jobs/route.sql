-- Routing of {event}: every validated record goes to exactly one table. Valid ones to bronze, typed;
-- rejected ones to quarantine with what could be read of them and every rule they failed.
INSERT INTO {bronze}
SELECT
{bronze_columns},
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp
FROM {event}_validated
WHERE rejection_reasons = '';

INSERT INTO {quarantine}
SELECT
  payload,
{quarantine_columns},
  kafka_topic,
  kafka_partition,
  kafka_offset,
  kafka_timestamp,
  CURRENT_TIMESTAMP AS quarantine_timestamp,
  SPLIT_INDEX(rejection_reasons, ',', 0) AS rejection_reason,
  rejection_reasons
FROM {event}_validated
WHERE rejection_reasons <> '';
