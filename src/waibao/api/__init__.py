"""The JSON API (django-ninja), one router per area."""
