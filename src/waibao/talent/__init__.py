"""Talent: training institutions (training subsidies and the job board come later)."""
