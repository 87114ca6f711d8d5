"""Incentive applications and their review workflow."""
