"""The special-fund ledger: funds, sources, budget lines, append-only entries."""
