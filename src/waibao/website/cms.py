"""Wagtail's admin URLs as the platform mounts them at /cms/.

The admin keeps the platform's Content-Security-Policy, with one relaxation: inline `style` attributes, with
which Wagtail's admin sets its panels' sizes (CSS custom properties). Scripts stay `'self'` only."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

CMS_CSP = {"style-src": ["'unsafe-inline'"]}


def cms_urlpatterns() -> list[Any]:
    return decorate_urlpatterns(list(wagtailadmin_urls.urlpatterns), csp_update(CMS_CSP))
