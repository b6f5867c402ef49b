-- The Iceberg REST catalog the tables live in. S3 access comes from the Flink containers' own key
-- (AWS_* environment), never from this text. After the warehouse: the storage endpoint and style
-- (the catalog hands clients none), and the catalog's OAuth2 client credentials when it needs them.
CREATE CATALOG {catalog} WITH (
  'type' = 'iceberg',
  'catalog-type' = 'rest',
  'uri' = '{uri}',
  'warehouse' = '{warehouse}'{client_properties}
);
