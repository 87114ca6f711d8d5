"""schema.org `JobPosting` for a published posting, so search engines and other job sites can pick it up."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from waibao.common.i18n import localized
from waibao.common.mail import absolute_url
from waibao.recruitment.models import Posting

# Characters that could close the <script> element or start markup, escaped inside the JSON strings.
_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _end_of_day(day: datetime.date) -> str:
    moment = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_default_timezone())
    return moment.isoformat()


def posting_data(posting: Posting, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """The JobPosting as a dict (salary only where the enterprise gave one)."""
    path = reverse("recruitment:posting", args=[posting.pk])
    url = request.build_absolute_uri(path) if request is not None else absolute_url(path)
    enterprise = posting.enterprise
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "CN"}
    if posting.zone is not None:
        address["addressLocality"] = localized(posting.zone.name_zh, posting.zone.name_en)
    if enterprise.address:
        address["streetAddress"] = enterprise.address
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": strip_tags(posting.description),
        "identifier": {"@type": "PropertyValue", "name": enterprise.name_zh, "value": str(posting.pk)},
        "datePosted": timezone.localdate(posting.published_at or posting.created_at).isoformat(),
        "validThrough": _end_of_day(posting.closing_date),
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": enterprise.name},
        "jobLocation": {"@type": "Place", "address": address},
        "industry": localized(posting.category.name_zh, posting.category.name_en),
        "totalJobOpenings": posting.openings,
        "url": url,
    }
    if posting.languages:
        data["inLanguage"] = list(posting.languages)
    low, high = posting.salary_min_cny, posting.salary_max_cny
    if low is not None or high is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if low is not None and high is not None:
            value["minValue"], value["maxValue"] = float(low), float(high)
        else:
            value["value"] = float(low if low is not None else high)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "CNY", "value": value}
    return data


def posting_jsonld(posting: Posting, *, request: HttpRequest | None = None) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` element, safe to place in the page."""
    text = json.dumps(posting_data(posting, request=request), ensure_ascii=False, indent=None)
    return mark_safe(text.translate(_ESCAPES))  # noqa: S308 - markup characters are escaped above
