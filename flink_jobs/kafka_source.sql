-- The raw Kafka records of {event}: the value as text plus where it came from, so that any payload,
-- valid JSON or not, reaches validation, and every quarantined row can be traced back to its offset.
-- After the group id: the cluster's security settings (TLS, SASL), when it has any.
CREATE TEMPORARY TABLE raw_{event} (
  payload STRING,
  kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '{topic}',
  'properties.bootstrap.servers' = '{bootstrap_servers}',
  'properties.group.id' = '{group_id}'{client_properties},
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'format' = 'raw',
  'raw.charset' = 'UTF-8'
);
