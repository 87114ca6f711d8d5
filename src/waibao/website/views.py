"""The website's pages beside Wagtail's: an event's registration, the policy library, search, iCalendar, the
office's list of registrations, and the renditions of images."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve
from wagtail import views as wagtail_views

from waibao.accounts.access import current_user
from waibao.common import public_cache
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.tabular import xlsx_response
from waibao.website import ical, search, selectors, services
from waibao.website.access import access_event_registrations, can_edit_website
from waibao.website.forms import RegistrationForm, SearchForm
from waibao.website.models import EventPage, site_root

# Wagtail's page view (mounted at /site/ before Wagtail's own pattern, which still names the pages' URLs): anonymous
# readers get the page from the public cache, rendered again when a page is published, unpublished, moved or
# deleted (`hooks`), and at most once a minute for the coming events the home and events pages list.
serve_page = public_cache.public_page(public_cache.WEBSITE, params=("page",), moment=public_cache.minute)(
    wagtail_views.serve
)


def event_page(request: HttpRequest, event: EventPage) -> HttpResponse:
    """The event, and its registration form (POST registers; the page's URL is the form's)."""
    public_cache.do_not_store(request)  # the places left change with every registration
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_register(event=event, language=get_language() or "", **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("You are registered. A confirmation has been sent to your e-mail address."))
            return redirect(event.url)
    registered = event.registrations.count()
    context = event.get_context(request)
    context.update(
        {
            "form": form,
            "registered": registered,
            "places_left": max(event.capacity - registered, 0),
            "state": event.registration_state(registered),
            "is_editor": is_editor(request),
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, event.get_template(request), context, status=status)


# The library reads the policy package (amounts in force today) and the live interpretations (WEBSITE).
@public_cache.public_page(public_cache.WEBSITE, moment=public_cache.today)
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    context = selectors.policy_library()
    context["site_root"] = site_root()
    return render(request, "website/library.html", context)


@public_cache.public_page(public_cache.WEBSITE, moment=public_cache.today)
@require_GET
def library_article(request: HttpRequest, article_id: str) -> HttpResponse:
    found = selectors.policy_article(article_id)
    if found is None:
        raise NotFoundError()
    context, article = found
    interpretations = list(selectors.interpretations_of(article_id))
    return render(
        request,
        "website/library_article.html",
        {**context, "article": article, "interpretations": interpretations, "site_root": site_root()},
    )


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results = None
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            services.ensure_library_indexed()
            results = search.search(query)
    return render(
        request,
        "website/search.html",
        {"form": form, "query": query, "results": results, "site_root": site_root()},
        status=200 if form.is_valid() else 400,
    )


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    body = ical.calendar(selectors.calendar_events(), name=_("Service outsourcing events"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


@require_GET
def event_ical(request: HttpRequest, page_id: int) -> HttpResponse:
    event = EventPage.objects.live().public().filter(pk=page_id).first()
    if event is None:
        raise NotFoundError()
    response = HttpResponse(
        ical.calendar([event], name=event.heading.text), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_GET
def registrations(request: HttpRequest, page_id: int) -> HttpResponse:
    """The office's (and website editors') list of an event's registrations, and its Excel download."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = current_user(request)
    event = access_event_registrations(user, page_id)
    rows = list(selectors.registrations(event))
    if request.GET.get("format") == "xlsx":
        headers = [_("Name"), _("Organisation"), _("E-mail"), _("Phone"), _("Registered at")]
        data = [
            [r.name, r.organisation, r.email, r.phone, timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")]
            for r in rows
        ]
        return xlsx_response(f"registrations-{event.pk}.xlsx", headers, data)
    return render(
        request,
        "website/registrations.html",
        {"event": event, "rows": rows, "places_left": max(event.capacity - len(rows), 0)},
    )


@require_http_methods(["GET", "HEAD"])
def rendition(request: HttpRequest, path: str) -> HttpResponseBase:
    """Image renditions written by Wagtail (resized for the web); nothing else under MEDIA_ROOT is reachable."""
    root = Path(settings.WEBSITE_MEDIA_ROOT)
    if not path.startswith("images/") or ".." in Path(path).parts:
        raise Http404
    return serve(request, path, document_root=str(root))


def is_editor(request: HttpRequest) -> bool:
    return request.user.is_authenticated and can_edit_website(request.user)
