-- The "provider performance" analytics query (docs/requirements.md, R10), kept as first written: it runs on the bronze
-- table in Trino's `iceberg` catalog (`make trino`), and tests/stack/test_serving.py runs it as is.
SELECT
    provider,
    status,
    COUNT(*) as transaction_count,
    AVG(amount) as avg_amount,
    SUM(amount) as total_amount
FROM payments_db.payment_charges
GROUP BY provider, status
ORDER BY total_amount DESC
