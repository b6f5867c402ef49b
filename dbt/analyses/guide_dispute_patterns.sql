-- The "dispute patterns" analytics query (docs/requirements.md, R10), kept as first written (see
-- guide_provider_performance.sql).
SELECT
    provider,
    status,
    reason,
    COUNT(*) as dispute_count,
    SUM(amount) as total_disputed
FROM payments_db.payment_disputes
GROUP BY provider, status, reason
ORDER BY dispute_count DESC
