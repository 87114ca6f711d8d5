"""The open-data licence, publisher and contact (settings, with defaults an office can keep)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

OPENDATA_AREA = "opendata"  # public_cache area: the catalogue, dataset pages and metadata


@dataclass(frozen=True)
class Licence:
    name: str  # SPDX id
    url: str
    title: Any


CC_BY_TITLE = _("Creative Commons Attribution 4.0 International")


def licence() -> Licence:
    name, url, title = getattr(
        settings,
        "WAIBAO_OPEN_DATA_LICENCE",
        (
            "CC-BY-4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            _("Creative Commons Attribution 4.0 International"),
        ),
    )
    return Licence(name=name, url=url, title=title)


def contact_email() -> str:
    """`WAIBAO_OPEN_DATA_CONTACT`: the address the catalogue names for questions about the data."""
    return str(getattr(settings, "WAIBAO_OPEN_DATA_CONTACT", "") or "opendata@example.gov.cn")


PUBLISHER = _("Service Outsourcing Programme Office")
CATALOGUE_TITLE = _("Open data of the Service Outsourcing Programme")
CATALOGUE_DESCRIPTION = _(
    "Datasets the platform publishes by itself: indicators, the programme goal, awards made after public "
    "notice and the policy package. Each release is dated, numbered and never changed once published."
)


def site_url() -> str:
    return str(getattr(settings, "WAIBAO_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
