-- The setup guide's "Dispute patterns" query, exactly as the guide writes it (see
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
