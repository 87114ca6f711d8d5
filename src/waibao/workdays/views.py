"""The office's pages for the working-day calendar."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.access import OFFICE, STAFF, current_user, role_required
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.workdays.forms import CalendarYearForm
from waibao.workdays.models import CalendarYear, DayKind
from waibao.workdays.selectors import calendar_year_days, calendar_years, current_calendar, year_to_load
from waibao.workdays.services import calendar_year_save


@role_required(*STAFF)
def calendar_list(request: HttpRequest) -> HttpResponse:
    to_load = year_to_load(current_calendar(), timezone.localdate())
    return render(request, "workdays/calendar_list.html", {"years": calendar_years(), "year_to_load": to_load})


@role_required(*STAFF)
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    calendar = CalendarYear.objects.filter(year=year).select_related("confirmed_by").first()
    if calendar is None:
        raise NotFoundError()
    return render(request, "workdays/calendar_year.html", {"calendar": calendar, "days": calendar_year_days(year)})


def _lines(year: int, kind: str) -> str:
    return "\n".join(
        f"{d.date.isoformat()} {d.name_zh}" + (f" | {d.name_en}" if d.name_en else "")
        for d in calendar_year_days(year)
        if d.kind == kind
    )


@role_required(*OFFICE)
def calendar_edit(request: HttpRequest, year: int | None = None) -> HttpResponse:
    initial = {}
    if year is not None:
        existing = CalendarYear.objects.filter(year=year).first()
        if existing is None:
            raise NotFoundError()
        initial = {
            "year": year,
            "document": existing.document,
            "holidays": _lines(year, DayKind.HOLIDAY),
            "workdays": _lines(year, DayKind.WORKDAY),
        }
    form = CalendarYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = calendar_year_save(
                acting_user=current_user(request),
                year=form.cleaned_data["year"],
                holidays=form.cleaned_data["holidays"],
                workdays=form.cleaned_data["workdays"],
                document=form.cleaned_data["document"],
                source=_("Entered by the programme office"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Calendar for %(year)s saved.") % {"year": saved.year})
            return redirect("workdays:year", year=saved.year)
    return render(request, "workdays/calendar_form.html", {"form": form, "year": year})
