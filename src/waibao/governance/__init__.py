"""Departments of the city and their duties under the division of work (SZ)."""
