"""Statistical reporting: contracts, executions, staffing reports, indicators."""
