-- The "refund analytics" analytics query (docs/requirements.md, R10), kept as first written (see
-- guide_provider_performance.sql).
SELECT
    provider,
    reason,
    COUNT(*) as refund_count,
    SUM(amount) as total_refunded
FROM payments_db.payment_refunds
GROUP BY provider, reason
ORDER BY total_refunded DESC
