"""Where the website's image renditions (resized for the web) are written and the address they are served at."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class RenditionStorage(FileSystemStorage):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("location", settings.WEBSITE_MEDIA_ROOT)
        kwargs.setdefault("base_url", settings.WEBSITE_MEDIA_URL)
        super().__init__(**kwargs)
