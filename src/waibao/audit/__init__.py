"""The audit trail: append-only, hash-chained events written inside each state change."""
