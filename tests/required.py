"""The four event types a default stack must carry, with the topics, tables and generator intervals users
rely on by name. The tests check these as a subset of what payments/ declares
(`set(REQUIRED_TOPICS) <= set(topics)`), so one more event type breaks none of them; what a type gets for
being a type (its topic, tables, inserts, generator) they check for every type in EVENT_TYPES."""

from __future__ import annotations

# The required topics; each is also its bronze table's name.
REQUIRED_TOPICS = ("payment_charges", "payment_refunds", "payment_disputes", "payment_subscriptions")
# Their bronze and quarantine tables.
REQUIRED_TABLES = (
    "payment_charges",
    "payment_refunds",
    "payment_disputes",
    "payment_subscriptions",
    "quarantine_payment_charges",
    "quarantine_payment_refunds",
    "quarantine_payment_disputes",
    "quarantine_payment_subscriptions",
)
# The generators' default intervals.
REQUIRED_INTERVALS = {
    "payment_charges": "500ms",
    "payment_refunds": "2s",
    "payment_disputes": "5s",
    "payment_subscriptions": "3s",
}
