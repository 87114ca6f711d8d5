"""The registry of enterprises, zones, service categories and ownership types."""
