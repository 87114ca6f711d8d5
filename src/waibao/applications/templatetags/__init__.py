"""Template tags of the applications area."""
