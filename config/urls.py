"""URL map: one include per area."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.documents import urls as wagtaildocs_urls

from waibao.accounts.views import set_language
from waibao.api.urls import token_urlpatterns
from waibao.website.cms import cms_urlpatterns

# The admin's headings in the platform's words (its section headings are the apps' verbose names).
admin.site.site_header = _("Service Outsourcing Programme: administration")
admin.site.site_title = _("Service Outsourcing Programme")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),  # also remembers a signed-in user's language
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/api-tokens/", include(token_urlpatterns)),  # personal API tokens (waibao.api)
    path("accounts/", include("waibao.accounts.urls")),
    path("registry/", include("waibao.registry.urls")),
    path("api/", include("waibao.api.urls")),
    path("policy/", include("waibao.policy.urls")),
    path("talent/", include("waibao.talent.urls")),
    path("careers/", include("waibao.recruitment.urls")),
    path("ledger/", include("waibao.ledger.urls")),
    path("topten/", include("waibao.topten.urls")),
    path("", include("waibao.applications.urls")),  # /applications/… and the public notice /notice/
    path("statistics/", include("waibao.statistics.urls")),
    path("jobs/", include("waibao.jobs.urls")),
    path("cases/", include("waibao.casework.urls")),
    path("open-data/", include("waibao.opendata.urls")),
    path("governance/calendar/", include("waibao.workdays.urls")),
    path("governance/", include("waibao.governance.urls")),
    path("promotion/", include("waibao.promotion.urls")),
    # The outsourcing website (issue 15): Wagtail's admin at /cms/, the site's pages under /site/.
    path("cms/", include(cms_urlpatterns())),
    path("site/documents/", include(wagtaildocs_urls)),
    path("site/", include("waibao.website.urls")),
    path("site/", include(wagtail_urls)),
    path("", include("waibao.portal.urls")),
]

handler400 = "waibao.portal.views.bad_request"
handler403 = "waibao.portal.views.permission_denied"
handler404 = "waibao.portal.views.page_not_found"
handler500 = "waibao.portal.views.server_error"

if settings.DEBUG:  # pragma: no cover - development only
    pass
