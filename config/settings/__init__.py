"""Settings packages: base (shared), local (development, `make run`), production, test."""
