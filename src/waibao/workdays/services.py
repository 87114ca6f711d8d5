"""Writes to the working-day calendar: the office loads or edits a year from the State Council's notice."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError
from waibao.workdays.models import CalendarYear, DayKind, SpecialDay

FIRST_YEAR = 1990
NAME_MAX = 200


@dataclass(frozen=True)
class DayEntry:
    date: datetime.date
    name_zh: str = ""
    name_en: str = ""


def _check_year(year: int, holidays: Sequence[DayEntry], workdays: Sequence[DayEntry]) -> None:
    last = timezone.localdate().year + 2
    if not FIRST_YEAR <= year <= last:
        raise DomainError(
            _("A calendar year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": last},
            field="year",
        )
    seen: dict[datetime.date, str] = {}
    for kind, entries in (("holiday", holidays), ("workday", workdays)):
        for entry in entries:
            if len(entry.name_zh) > NAME_MAX or len(entry.name_en) > NAME_MAX:
                raise DomainError(
                    _("The name of %(date)s is longer than %(n)s characters.")
                    % {"date": entry.date.isoformat(), "n": NAME_MAX},
                    field=f"{kind}s",
                )
            if entry.date.year != year:
                raise DomainError(
                    _("%(date)s is not in %(year)s.") % {"date": entry.date.isoformat(), "year": year},
                    field=f"{kind}s",
                )
            if entry.date in seen:
                raise DomainError(
                    _("%(date)s is listed twice (a day is either a holiday or a make-up working day).")
                    % {"date": entry.date.isoformat()},
                    field=f"{kind}s",
                )
            seen[entry.date] = kind
            if kind == "workday" and entry.date.weekday() < 5:
                raise DomainError(
                    _("%(date)s is a weekday: only a Saturday or Sunday can be a make-up working day.")
                    % {"date": entry.date.isoformat()},
                    field="workdays",
                )
    if not holidays:
        raise DomainError(_("A year's arrangement lists its holidays: none were given."), field="holidays")


def calendar_year_save(
    *,
    acting_user: Any,
    year: int,
    holidays: Sequence[DayEntry],
    workdays: Sequence[DayEntry],
    document: str = "",
    source: str = "",
) -> CalendarYear:
    """Create or replace one year's holidays and make-up working days, confirmed by `acting_user`."""
    _check_year(year, holidays, workdays)
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = None
        if existing is not None:
            before = {
                "holidays": [
                    d.isoformat() for d in existing.days.filter(kind=DayKind.HOLIDAY).values_list("date", flat=True)
                ],
                "workdays": [
                    d.isoformat() for d in existing.days.filter(kind=DayKind.WORKDAY).values_list("date", flat=True)
                ],
            }
        user = acting_user if getattr(acting_user, "is_authenticated", False) else None
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"document": document.strip(), "source": source.strip(), "confirmed_by": user}
        )
        public_cache.changed(public_cache.WORKDAYS)
        SpecialDay.objects.filter(calendar_year=calendar_year).delete()
        SpecialDay.objects.bulk_create(
            [
                SpecialDay(calendar_year=calendar_year, date=e.date, kind=kind, name_zh=e.name_zh, name_en=e.name_en)
                for kind, entries in ((DayKind.HOLIDAY, holidays), (DayKind.WORKDAY, workdays))
                for e in entries
            ]
        )
        after = {
            "holidays": sorted(e.date.isoformat() for e in holidays),
            "workdays": sorted(e.date.isoformat() for e in workdays),
        }
        if before != after or _created:
            audit_record(
                actor=acting_user,
                action="calendar.year_saved",
                obj=calendar_year,
                summary=f"{year}: {len(holidays)} / {len(workdays)}",
                changes={"before": before, "after": after},
                data={"document": document, "source": source},
            )
    return calendar_year
