"""The JSON API at /api/v1/: session authentication (same sign-in as the pages), one router per area."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from waibao.api.registry import router as registry_router
from waibao.applications.api import router as applications_router
from waibao.casework.api import router as casework_router
from waibao.common.errors import DomainError
from waibao.common.middleware import domain_error_response
from waibao.governance.api import router as governance_router
from waibao.jobs.api import router as jobs_router
from waibao.ledger.api import router as ledger_router
from waibao.opendata.api import router as opendata_router
from waibao.policy.api import router as policy_router
from waibao.promotion.api import router as promotion_router
from waibao.recruitment.api import router as recruitment_router
from waibao.statistics.api import router as statistics_router
from waibao.talent.api import router as talent_router
from waibao.topten.api import router as topten_router
from waibao.website.api import router as website_router
from waibao.workdays.api import router as workdays_router


class VendoredSwagger(Swagger):
    """Swagger UI from our vendored static files (static/vendor/swagger-ui/): the page loads nothing from elsewhere."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api, "add_csrf": True}
        return render(request, "api/swagger.html", context)


api = NinjaAPI(title="waibao API", version="1", urls_namespace="api-v1", docs=VendoredSwagger())


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.status_code == 403 and not request.user.is_authenticated:
        # Refused because nobody is signed in: 401, so a client knows to send a token (or sign in).
        response = domain_error_response(
            request, DomainError(_("Sign in or send an API token."), code="unauthenticated")
        )
        response.status_code = 401
        response["WWW-Authenticate"] = "Bearer"
        return response
    return domain_error_response(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": "invalid", "message": "invalid input", "details": exc.errors}}, status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"error": {"code": "unauthenticated", "message": _("Sign in or send an API token."), "field": None}}
    return api.create_response(request, body, status=401)


api.add_router("/registry", registry_router)
api.add_router("/applications", applications_router)
api.add_router("/statistics", statistics_router)
api.add_router("/governance", governance_router)
api.add_router("/topten", topten_router)
api.add_router("/talent", talent_router)
api.add_router("/careers", recruitment_router)
api.add_router("/promotion", promotion_router)
api.add_router("/cases", casework_router)
api.add_router("/policy", policy_router)
api.add_router("/ledger", ledger_router)
api.add_router("/workdays", workdays_router)
api.add_router("/jobs", jobs_router)
api.add_router("/opendata", opendata_router)
api.add_router("/website", website_router)


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    body = {"error": {"code": "out_of_range", "message": _("A number is out of range."), "field": None}}
    return api.create_response(request, body, status=422)


from waibao.api import views as token_views  # noqa: E402

urlpatterns = [path("v1/", api.urls)]

# The account page for personal tokens, mounted at /accounts/api-tokens/ (config/urls.py): a page, not the API.
token_urlpatterns = [
    path("", token_views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", token_views.revoke, name="api_token_revoke"),
]
