"""The office loads and edits a calendar year; every edit is audited and reaches the deadline functions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError
from waibao.workdays.models import CalendarYear, SpecialDay
from waibao.workdays.selectors import add_working_days, is_working_day
from waibao.workdays.services import DayEntry, calendar_year_save

pytestmark = pytest.mark.django_db

ARRANGEMENT_2027 = {
    "year": "2027",
    "document": "国办发明电〔2026〕9号",
    "holidays": "2027-01-01 元旦 | New Year's Day\n2027-02-05 春节\n2027-02-08 春节",
    "workdays": "2027-02-06 调休上班",
}


def test_the_office_loads_a_year_and_deadlines_use_it(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    with pytest.raises(DomainError):
        add_working_days(datetime.date(2026, 12, 30), 3)
    response = client.post("/governance/calendar/new/", ARRANGEMENT_2027)
    assert response.status_code == 302, response.content.decode()[:500]
    assert CalendarYear.objects.get(year=2027).confirmed_by == office
    assert is_working_day(datetime.date(2027, 2, 6))  # a Saturday worked
    assert not is_working_day(datetime.date(2027, 2, 5))
    # 2026-12-31 (Thu) → 2027-01-04 (Mon) is the 2nd working day after 12-30: 12-31, then 01-04.
    assert add_working_days(datetime.date(2026, 12, 30), 2) == datetime.date(2027, 1, 4)
    event = AuditEvent.objects.filter(action="calendar.year_saved", object_id="2027").get()
    assert event.actor_id == office.pk
    page = client.get("/governance/calendar/2027/")
    assert "调休上班" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("workdays", "2027-02-08 调休上班", "2027-02-08"),  # a Monday cannot be a make-up day
        ("holidays", "2026-10-01 国庆节", "2026-10-01"),  # not in the year
        ("holidays", "2027-13-01 x", "YYYY-MM-DD"),
        ("workdays", "2027-01-01 x", "2027-01-01"),  # both a holiday and a workday
    ],
)
def test_a_wrong_arrangement_is_refused_with_a_message_and_nothing_saved(
    office: User, client_for: Callable[[User | None], Client], field: str, value: str, message: str
) -> None:
    data = dict(ARRANGEMENT_2027)
    data[field] = value if field == "workdays" else ARRANGEMENT_2027["holidays"] + "\n" + value
    response = client_for(office).post("/governance/calendar/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not SpecialDay.objects.exists()


def test_editing_a_year_replaces_its_days(office: User) -> None:
    calendar_year_save(acting_user=office, year=2027, holidays=[DayEntry(datetime.date(2027, 1, 1))], workdays=[])
    assert not is_working_day(datetime.date(2027, 1, 1))
    calendar_year_save(acting_user=office, year=2027, holidays=[DayEntry(datetime.date(2027, 1, 4))], workdays=[])
    assert is_working_day(datetime.date(2027, 1, 1))
    assert not is_working_day(datetime.date(2027, 1, 4))
    assert AuditEvent.objects.filter(action="calendar.year_saved").count() == 2


def test_only_the_office_edits_and_staff_read(
    office: User,
    reviewer: User,
    finance: User,
    enterprise_user: User,
    training_user: User,
    work_calendar: Path,
    client_for: Callable[[User | None], Client],
) -> None:
    for user in (office, reviewer, finance):
        assert client_for(user).get("/governance/calendar/").status_code == 200
        assert client_for(user).get("/governance/calendar/2026/").status_code == 200
    assert client_for(office).get("/governance/calendar/2026/edit/").status_code == 200
    for user in (reviewer, finance, enterprise_user, training_user):
        assert client_for(user).post("/governance/calendar/new/", ARRANGEMENT_2027).status_code == 403
    for user in (enterprise_user, training_user):
        assert client_for(user).get("/governance/calendar/").status_code == 403
    assert client_for(None).get("/governance/calendar/").status_code == 302
    assert client_for(office).get("/governance/calendar/2099/").status_code == 404


def test_load_defaults_loads_the_shipped_years_and_the_cli_refuses_a_guess(tmp_path: Path) -> None:
    call_command("load_defaults")
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))
    with pytest.raises(CommandError, match="guess"):
        call_command("calendar", "generate", "--year", "2028", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="2027"):
        call_command("calendar", "add", "2026-12-30", "5")


def test_another_city_loads_its_own_calendar_file(tmp_path: Path) -> None:
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.yaml").write_text(
        "year: 2027\nholidays:\n  - {date: 2027-01-01, name_zh: 元旦, name_en: New Year}\nworkdays: []\n",
        encoding="utf-8",
    )
    call_command("calendar", "load", str(tmp_path / "calendar" / "2027.yaml"))
    assert CalendarYear.objects.filter(year=2027).exists()
    (tmp_path / "calendar" / "2028.yaml").write_text(
        "year: 2028\nholidays:\n  - {date: 2028-01-03, name_zh: x}\nworkdays:\n  - {date: 2028-01-04}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"2028\.yaml"):
        call_command("calendar", "load", str(tmp_path / "calendar" / "2028.yaml"))
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_the_public_list_of_years_shows_a_saved_year_at_once(office: User, client_for) -> None:
    public = client_for(None)
    assert 2028 not in [y["year"] for y in public.get("/api/v1/workdays/years").json()]
    assert 2028 not in [y["year"] for y in public.get("/api/v1/workdays/years").json()]  # from the cache
    calendar_year_save(acting_user=office, year=2028, holidays=[DayEntry(datetime.date(2028, 1, 1))], workdays=[])
    assert 2028 in [y["year"] for y in public.get("/api/v1/workdays/years").json()]


def test_the_office_is_told_which_calendar_year_to_load_from_october(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    """From October a deadline of a few weeks reaches the next year: until that year is loaded, the calendar page and
    the cockpit say which year to load (the office gets the link to load it); before October they say nothing."""
    from unittest import mock

    from waibao.workdays.selectors import current_calendar, year_to_load

    calendar = current_calendar()
    last = max(calendar.years)
    assert year_to_load(calendar, datetime.date(last, 9, 30)) is None
    assert year_to_load(calendar, datetime.date(last, 10, 1)) == last + 1
    assert year_to_load(calendar, datetime.date(last + 1, 3, 1)) == last + 1  # the year itself missing
    client = client_for(office)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 11, 20)):
        for path in ("/governance/calendar/", "/governance/cockpit/"):
            page = client.get(path).content.decode()
            assert f"{last + 1} 年的工作日历尚未载入" in page, path
            assert 'href="/governance/calendar/new/"' in page, path
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 6, 1)):
        for path in ("/governance/calendar/", "/governance/cockpit/"):
            assert "工作日历尚未载入" not in client.get(path).content.decode(), path
    assert client.post("/governance/calendar/new/", {**ARRANGEMENT_2027, "year": str(last + 1)}).status_code == 302
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 11, 20)):
        assert "工作日历尚未载入" not in client.get("/governance/calendar/").content.decode()


def test_a_leader_reads_the_reminder_without_the_link_to_load(
    dataset: Path, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    from unittest import mock

    from tests.factories import make_user
    from waibao.accounts.models import Role
    from waibao.workdays.selectors import current_calendar

    city_leader = make_user(Role.CITY_LEADER, username="leader")

    last = max(current_calendar().years)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 12, 1)):
        page = client_for(city_leader).get("/governance/cockpit/").content.decode()
    assert f"{last + 1} 年的工作日历尚未载入" in page and "/governance/calendar/new/" not in page
