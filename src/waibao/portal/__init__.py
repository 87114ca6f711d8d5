"""Public pages: home, departments, zones, language switching."""
