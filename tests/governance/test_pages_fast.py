"""The duty lists and the cockpit read each duty's derived line from the cache until a service changes a duty; the
duty list's rows, the meetings list's pages and the `lang` mark of text entered in Chinese on English pages."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from waibao.accounts.models import User
from waibao.common import public_cache
from waibao.governance import meetings, services
from waibao.governance.dataset import load_governance_dataset
from waibao.governance.models import Department, Duty, DutyReport, DutySource, DutyStatus, Meeting, MeetingStatus
from waibao.governance.selectors import DUTIES_AREA, DutyFilters, duty_lines, duty_rows
from waibao.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db


def _line_status(citation: str) -> str:
    return next(line.state.status for line in duty_lines() if line.citation == citation)


def _decision(office: User, meeting: Meeting, text: str) -> Duty:
    """A decision of the leadership group at `meeting`: a new duty of the finance bureau."""
    return meetings.decision_record(
        acting_user=office,
        meeting=meeting,
        text=text,
        owner=Department.objects.get(code="finance"),
        deadline=datetime.date(2099, 6, 30),
    )


def test_the_cached_lines_follow_every_service_that_changes_a_duty(
    office: User, reviewer: User, dataset: Path, work_calendar: Path, django_capture_on_commit_callbacks: Any
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    assert _line_status("SZ-1.8") == DutyStatus.OVERDUE  # the seed's deadline has passed; the lines are cached now
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.duty_assign(acting_user=office, duty=duty, responsible=None, deadline=datetime.date(2099, 12, 31))
    assert callbacks, "the change is marked again when it commits"
    assert _line_status("SZ-1.8") == DutyStatus.NOT_STARTED
    services.duty_report(acting_user=reviewer, duty=duty, kind="progress", text="起草中")
    assert _line_status("SZ-1.8") == DutyStatus.IN_PROGRESS
    done = services.duty_report(acting_user=reviewer, duty=duty, kind="done", text="完成", rules_title="实施办法")
    assert _line_status("SZ-1.8") == DutyStatus.SUBMITTED
    services.duty_report_decide(acting_user=office, report=done, accept=True)
    assert _line_status("SZ-1.8") == DutyStatus.ACCEPTED
    # A decision of the leadership group is a new duty in the lines.
    meeting = Meeting.objects.create(
        code="2026-9", title="会议", starts_at=timezone.now(), status=MeetingStatus.HELD, created_by=office
    )
    decided = _decision(office, meeting, "制定实施细则")
    assert [line.pk for line in duty_lines(DutyFilters(source=DutySource.DECISION))] == [decided.pk]
    # Loading the data set again puts back what it holds (a name changed outside the services is not seen until).
    Department.objects.filter(code="finance").update(name_zh="改名")
    assert "改名" not in {line.department.name_zh for line in duty_lines()}
    load_governance_dataset(dataset)
    names = set(Department.objects.values_list("name_zh", flat=True))
    assert {line.department.name_zh for line in duty_lines()} == names
    # Every line matches the rows derived from the models (uncached), state for state.
    assert {line.pk: line.state for line in duty_lines()} == {row.duty.pk: row.state for row in duty_rows()}


def test_the_lines_are_read_from_the_cache_and_keyed_by_the_day_and_the_calendar(
    dataset: Path, work_calendar: Path, django_assert_num_queries: Any
) -> None:
    calendar, today = current_calendar(), timezone.localdate()
    first = duty_lines(today=today, calendar=calendar)
    with django_assert_num_queries(0):
        assert duty_lines(today=today, calendar=calendar) == first
    # Another day derives again (a deadline passes at midnight).
    later = duty_lines(today=datetime.date(2099, 1, 1), calendar=calendar)
    assert [line.pk for line in later] == [line.pk for line in first]
    # The version token is the services' to change.
    before = public_cache.versions((DUTIES_AREA,))
    public_cache.changed(DUTIES_AREA)
    assert public_cache.versions((DUTIES_AREA,)) != before


def test_the_duty_list_rows_show_names_deadlines_and_links(
    office: User, reviewer: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    deadline = current_calendar().add_working_days(timezone.localdate(), 3)  # in a confirmed year
    services.duty_assign(acting_user=office, duty=duty, responsible=reviewer, deadline=deadline)
    page = client_for(office).get("/governance/duties/?department=trade-industry").content.decode()
    row = next(r for r in page.split("<tr>") if ">SZ-1.8<" in r)
    assert f'<a href="{reverse("governance:duty", args=[duty.pk])}">SZ-1.8</a>' in row
    assert (reviewer.full_name or reviewer.username) in row
    assert f'{deadline.isoformat()} <span class="muted">剩余 3 个工作日</span>' in row  # in the reader's language
    assert 'class="badge status-not_started"' in row
    partnered = Duty.objects.filter(partners__isnull=False).select_related("department").first()
    assert partnered is not None
    page = client_for(office).get(f"/governance/duties/?department={partnered.department.code}").content.decode()
    row = next(r for r in page.split("<tr>") if f">{partnered.citation}<" in r)
    assert all(p.name_zh in row for p in partnered.partners.all())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_rows_name_the_partners_in_order_and_the_responsible_person(
    office: User, reviewer: User, work_calendar: Path, language: str
) -> None:
    """A page's co-departments and responsible persons, read beside its lines in one query: the partners in the order
    of the division of work (whatever order they were linked in), in the reader's language; the responsible
    person's name, or the user name without one; nothing for a duty without either."""
    from django.utils import translation

    from waibao.governance.selectors import duty_page_rows

    duty, bare = Duty.objects.order_by("pk")[:2]
    partners = list(Department.objects.exclude(pk=duty.department_id).order_by("-section", "-code")[:3])
    duty.partners.set(partners)
    bare.partners.clear()
    Duty.objects.filter(pk=duty.pk).update(responsible=reviewer)
    Duty.objects.filter(pk=bare.pk).update(responsible=None)
    User.objects.filter(pk=reviewer.pk).update(full_name="")
    with translation.override(language):
        lines = [line for line in duty_lines() if line.pk in (duty.pk, bare.pk)]
        rows = {row.line.pk: row for row in duty_page_rows(lines)}
        names = [p.name for p in sorted(partners, key=lambda p: (p.section, p.code))]
    assert rows[duty.pk].partners == "、".join(names)
    assert rows[duty.pk].responsible == reviewer.username
    assert (rows[bare.pk].partners, rows[bare.pk].responsible) == ("", "")
    assert duty_page_rows([]) == []


def test_the_meetings_list_comes_in_pages(office: User, client_for: Callable[[User | None], Client]) -> None:
    from waibao.governance.meeting_views import MEETING_PAGE_SIZE

    start = timezone.now() - datetime.timedelta(days=400)
    Meeting.objects.bulk_create(
        Meeting(code=f"M-{n}", title=f"会议 {n}", starts_at=start + datetime.timedelta(days=n), created_by=office)
        for n in range(MEETING_PAGE_SIZE + 2)
    )
    client = client_for(office)
    first = client.get("/governance/meetings/").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', first)) == MEETING_PAGE_SIZE
    assert f"M-{MEETING_PAGE_SIZE + 1}<" in first  # newest first
    second = client.get("/governance/meetings/?page=2").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', second)) == 2
    assert "M-0<" in second and "page=1" in second


def test_chinese_text_on_english_pages_is_marked_for_screen_readers(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    meeting = Meeting.objects.create(
        code="2026-5",
        title="第五次全体会议",
        location="市民中心",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=office,
        minutes="会议决定……",
    )
    decided = _decision(office, meeting, "制定实施细则")
    client = client_for(office)
    client.cookies["django_language"] = "en"
    listed = client.get("/governance/meetings/").content.decode()
    assert '<td lang="zh-hans">第五次全体会议</td>' in listed
    detail = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert '<span lang="zh-hans">第五次全体会议</span>' in detail
    assert '<span lang="zh-hans">市民中心</span>' in detail
    assert '<span lang="zh-hans">制定实施细则</span>' in detail
    assert '<div class="minutes" lang="zh-hans">' in detail or "<textarea" in detail  # drafting: the office's form
    cockpit = client.get("/governance/cockpit/").content.decode()
    assert '<span lang="zh-hans">第五次全体会议</span>' in cockpit
    assert '<span lang="zh-hans">制定实施细则</span>' in cockpit
    duties = client.get("/governance/duties/?source=decision").content.decode()
    assert '<td lang="zh-hans">制定实施细则</td>' in duties
    assert '<p lang="zh-hans">制定实施细则</p>' in client.get(f"/governance/duties/{decided.pk}/").content.decode()
    # English text stays unmarked; a Chinese page marks nothing.
    assert '<td lang="zh-hans">' not in client.get("/governance/duties/?source=division").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert 'lang="zh-hans">第五次' not in client.get("/governance/meetings/").content.decode()
    assert DutyReport.objects.count() == 0


@pytest.mark.parametrize("query", [{}, {"department": "finance", "status": "overdue", "key_only": "on"}])
def test_the_duty_filters_are_written_as_the_form_widgets_write_them(dataset: Path, query: dict[str, str]) -> None:
    from waibao.governance.forms import DutyFilterForm
    from waibao.governance.templatetags.governance_tags import filter_controls

    form = DutyFilterForm(query or None)
    django = "".join(f"<label>{field.label} {field}</label>" for field in form)
    assert re.sub(r"\s+", "", filter_controls(form)) == re.sub(r"\s+", "", django)


def test_the_duties_api_reads_decisions_meetings_without_a_query_each(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    """Each decided duty names its meeting: read with the duties, not one query per decision."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(office)
    client.get("/api/v1/governance/duties")

    def decide(code: str) -> None:
        meeting = Meeting.objects.create(
            code=code, title=f"会议 {code}", location="市民中心", starts_at=timezone.now(), created_by=office
        )
        _decision(office, meeting, f"决定 {code}")

    decide("2026-1")
    with CaptureQueriesContext(connection) as one:
        body = client.get("/api/v1/governance/duties?source=decision").json()
    assert [row["meeting"] for row in body["results"]] == ["2026-1"]
    for code in ("2026-2", "2026-3", "2026-4"):
        decide(code)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/api/v1/governance/duties?source=decision").json()
    assert sorted(row["meeting"] for row in body["results"]) == ["2026-1", "2026-2", "2026-3", "2026-4"]
    assert len(four) == len(one)


# The duty list's and the cockpit's tables are written by tags; each must write what the template loop it replaced
# wrote (the loops below are those templates, word for word).
_MATRIX_TEMPLATE = """{% load i18n governance_tags %}
<thead><tr><th>{% translate "Department" %}</th>{% for s in statuses %}<th class="num">{{ s.label }}</th>{% endfor %}<th class="num">{% translate "Total" %}</th></tr></thead>
<tbody>{% for m in matrix %}<tr><td>{{ m.department.name }}</td>{% for status, n in m.counts.items %}<td class="num">{% if n %}<a href="?department={{ m.department.code }}&amp;status={{ status }}">{{ n }}</a>{% else %}0{% endif %}</td>{% endfor %}<td class="num">{{ m.total }}</td></tr>{% endfor %}</tbody>
<tfoot><tr><th>{% translate "Total" %}</th>{% for n in totals.values %}<th class="num">{{ n }}</th>{% endfor %}<th class="num">{{ count }}</th></tr></tfoot>
"""  # noqa: E501
_ROWS_TEMPLATE = """{% load i18n governance_tags %}{% for row in rows %}<tr>
<td><a href="{{ row.url }}">{{ row.line.citation }}</a>{% if row.line.is_key %} <span class="badge">{% translate "key" %}</span>{% endif %}</td>
<td>{{ row.line.department.name }}{% if row.partners %} <span class="muted">{% translate "with" %} {{ row.partners }}</span>{% endif %}</td>
<td{{ row.line.text|zh_lang }}>{{ row.line.text }}</td>
<td>{{ row.responsible|default:"—" }}</td>
<td>{% if row.deadline %}{{ row.deadline }}{% if row.days_left %} <span class="muted">{{ row.days_left }}</span>{% endif %}{% else %}<span class="muted">{{ row.line.state.deadline_note|default:"—" }}</span>{% endif %}</td>
<td><span class="badge status-{{ row.line.state.status }}">{{ row.status_label }}</span></td>
</tr>{% empty %}<tr><td colspan="6">{% translate "No duty matches." %}</td></tr>{% endfor %}"""  # noqa: E501
_COCKPIT_TEMPLATE = """{% load i18n money governance_tags %}
<tbody>{% for src, t in c.fund.sources %}<tr><td>{{ src.name }}</td><td class="num">{{ t.budgeted|money }}</td><td class="num">{{ t.committed|money }}</td><td class="num">{{ t.paid|money }}</td><td class="num">{{ t.available|money }}</td></tr>{% endfor %}</tbody>
<tfoot><tr><th>{% translate "Total" %}</th><th class="num">{{ c.fund.total.budgeted|money }}</th><th class="num">{{ c.fund.total.committed|money }}</th><th class="num">{{ c.fund.total.paid|money }}</th><th class="num">{{ c.fund.total.available|money }}</th></tr></tfoot>
{% for s in c.stages %}<tr><td>{{ s.label }}</td><td class="num">{{ s.count }}</td><td class="num">{{ s.oldest_days|default_if_none:"—" }}</td></tr>{% endfor %}
{% for s, n in c.duty_totals.items %}{% if n %}{% status_badge s %} {{ n }} {% endif %}{% endfor %}
{% for ind, v in c.indicators %}<li>{{ ind.title }}: {% if v.available %}{% if v.share is not None %}<strong>{% widthratio v.numerator v.denominator 100 %} %</strong>{% else %}—{% endif %} <span class="muted">({{ v.numerator }} / {{ v.denominator }} · {{ v.period }})</span>{% else %}<span class="muted">{{ v.note }}</span>{% endif %}</li>{% endfor %}
{% for row in c.meetings.open_decisions|slice:":8" %}<li><a href="{% url 'governance:duty' row.pk %}">{{ row.citation }}</a> <span{{ row.text|zh_lang }}>{{ row.text|truncatechars:40 }}</span> {% status_badge row.state.status %}</li>{% endfor %}"""  # noqa: E501
_COCKPIT_TAGS = """{% load governance_tags %}
{% cockpit_fund_rows c.fund %}
{% cockpit_stage_rows c.stages %}
{% cockpit_duty_totals c.duty_totals %}
{% cockpit_indicators c.indicators %}
{% cockpit_decisions c.meetings.open_decisions|slice:":8" %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_duty_list_tags_write_what_the_template_wrote(
    office: User, reviewer: User, work_calendar: Path, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from waibao.governance.selectors import duty_matrix, duty_page_rows

    duty = Duty.objects.get(citation="SZ-1.8")
    deadline = current_calendar().add_working_days(timezone.localdate(), 3)
    services.duty_assign(acting_user=office, duty=duty, responsible=reviewer, deadline=deadline)
    Duty.objects.filter(pk=duty.pk).update(text_en="")  # Chinese text on an English page: marked
    public_cache.changed(DUTIES_AREA)
    with translation.override(language):
        lines = duty_lines()
        matrix, totals = duty_matrix(lines)
        rows = duty_page_rows(lines)
        assert any(row.partners for row in rows) and any(row.responsible for row in rows)
        assert {row.line.state.status for row in rows} >= {DutyStatus.OVERDUE, DutyStatus.NOT_STARTED}
        context = {"matrix": matrix, "totals": totals, "count": len(lines), "statuses": list(DutyStatus)}
        tag = Template("{% load governance_tags %}{% duty_matrix_table matrix totals count %}")
        assert tag.render(Context(context)) == Template(_MATRIX_TEMPLATE).render(Context(context))
        tag = Template("{% load governance_tags %}{% duty_list_rows rows %}")
        for listed in (rows, []):
            expected = Template(_ROWS_TEMPLATE).render(Context({"rows": listed}))
            assert tag.render(Context({"rows": listed})) == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cockpit_tags_write_what_the_template_wrote(
    office: User, dataset: Path, work_calendar: Path, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from waibao.governance.cockpit import cockpit
    from waibao.governance.indicators import INDICATORS, IndicatorValue
    from waibao.ledger.dataset import load_ledger_dataset

    load_ledger_dataset(dataset)  # the default data set's funds and budgets
    meeting = Meeting.objects.create(
        code="2026-7", title="会议", starts_at=timezone.now(), status=MeetingStatus.HELD, created_by=office
    )
    _decision(office, meeting, "制定服务外包产业发展专项资金管理办法实施细则并报领导小组审议后印发执行" * 2)
    _decision(office, meeting, "短")
    with translation.override(language):
        data = cockpit()
        assert data.fund is not None and data.fund.sources and len(data.meetings.open_decisions) == 2
        assert any(not v.available for _i, v in data.indicators)
        # Shares rounded as `{% widthratio %}` rounds them (2/3 -> 67, 1/8 -> 12), and a share of nothing counted.
        title = INDICATORS["training_subsidies_paid"]
        for numerator, denominator in ((2, 3), (1, 8), (0, 0)):
            data.indicators.append((title, IndicatorValue(True, numerator, denominator, "last 12 months")))
        # Each tag's output, in order, against the template's (the first line, blank, aside).
        written = Template(_COCKPIT_TAGS).render(Context({"c": data})).split("\n")
        expected = Template(_COCKPIT_TEMPLATE).render(Context({"c": data})).split("\n")
        assert written[1:] == expected[1:]


def test_the_department_filter_follows_the_data_set(
    office: User, dataset: Path, tmp_path: Path, client_for: Callable[[User | None], Client]
) -> None:
    """The filter's departments are kept with the cached duty lines: loading the data set (their only writer)
    shows the new names at once."""
    client = client_for(office)
    assert '<option value="finance">市财政局</option>' in client.get("/governance/duties/").content.decode()
    text = (dataset / "departments.yaml").read_text(encoding="utf-8")
    text = text.replace("name_zh: 市财政局", "name_zh: 市财政局（新）")
    (tmp_path / "departments.yaml").write_text(text, encoding="utf-8")
    load_governance_dataset(tmp_path)
    page = client.get("/governance/duties/").content.decode()
    assert '<option value="finance">市财政局（新）</option>' in page


_MEETINGS_TEMPLATE = """{% load i18n governance_tags %}{% for m in page %}<tr><td><a href="{% url 'governance:meeting' m.pk %}">{{ m.code }}</a></td><td{{ m.title|zh_lang }}>{{ m.title }}</td><td>{{ m.starts_at|date:"Y-m-d H:i" }}</td><td>{{ m.get_status_display }}</td></tr>
{% empty %}<tr><td colspan="4">{% translate "No meeting yet." %}</td></tr>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_meeting_rows_are_written_as_the_template_wrote_them(office: User, language: str) -> None:
    from django.template import Context, Template
    from django.utils import translation

    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # the next day in the city
    Meeting.objects.create(code="2026-1", title="第一次会议 <全体>", starts_at=late, created_by=office)
    Meeting.objects.create(
        code="2026-2", title="Plenary & review", starts_at=late, status=MeetingStatus.PUBLISHED, created_by=office
    )
    tag = Template("{% load governance_tags %}{% meeting_rows page %}")
    with translation.override(language):
        for page in (list(Meeting.objects.order_by("pk")), []):
            assert tag.render(Context({"page": page})) == Template(_MEETINGS_TEMPLATE).render(Context({"page": page}))
    assert "2026-03-02 07:30" in tag.render(Context({"page": Meeting.objects.all()}))


def test_the_meetings_list_shows_the_office_its_empty_form_and_a_refused_form_with_its_errors(
    office: User, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    """The empty scheduling form is rendered once per process and language (`{% memo %}`) and reads as the form's
    own rendering on every visit; a refused form comes back with its errors and what was typed; a leader gets no
    form."""
    from django.template import Context, Template

    from waibao.governance.forms import MeetingForm

    client = client_for(office)
    empty = Template('{% include "includes/form_fields.html" %}').render(Context({"form": MeetingForm()}))
    for _visit in range(2):
        page = client.get("/governance/meetings/").content.decode()
        assert empty in page and 'value="120"' in page and "errorlist" not in page
    refused = client.post(
        "/governance/meetings/", {"code": "", "title": "第九次全体会议", "starts_at": "", "duration": "120"}
    ).content.decode()
    assert "errorlist" in refused and 'value="第九次全体会议"' in refused and empty not in refused
    again = client.get("/governance/meetings/").content.decode()
    assert empty in again and "第九次全体会议" not in again
    assert 'name="code"' not in client_for(leader).get("/governance/meetings/").content.decode()


def test_the_meetings_list_counts_only_past_its_first_page(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    """A first page holding every meeting is read with one row more and no count; a longer list is counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waibao.governance.meeting_views import MEETING_PAGE_SIZE

    start = timezone.now() - datetime.timedelta(days=400)

    def meetings(n: int) -> None:
        Meeting.objects.bulk_create(
            Meeting(code=f"C-{i}", title="会议", starts_at=start + datetime.timedelta(days=i), created_by=office)
            for i in range(Meeting.objects.count(), n)
        )

    client = client_for(office)
    meetings(MEETING_PAGE_SIZE)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/governance/meetings/").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', page)) == MEETING_PAGE_SIZE
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "governance_meeting" in q["sql"]]
    assert 'class="pagination"' not in page
    meetings(MEETING_PAGE_SIZE + 1)
    page = client.get("/governance/meetings/").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', page)) == MEETING_PAGE_SIZE
    assert 'class="pagination"' in page and "page=2" in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_duty_filters_and_matrix_read_their_labels_in_each_readers_language(
    dataset: Path, work_calendar: Path, office: User, client_for: Callable[[User | None], Client], language: str
) -> None:
    """The statuses' and sources' labels are translated once per language: a page in one language never shows
    the other's, whichever language was read first."""
    from django.utils import translation

    client = client_for(office)
    other = "en" if language == "zh-hans" else "zh-hans"
    client.cookies["django_language"] = other
    client.get("/governance/duties/")
    client.cookies["django_language"] = language
    page = client.get("/governance/duties/?status=overdue").content.decode()
    with translation.override(language):
        overdue, decision, everything = str(DutyStatus.OVERDUE.label), str(DutySource.DECISION.label), _all()
    assert f'<option value="overdue" selected>{overdue}</option>' in page
    assert f'<option value="decision">{decision}</option>' in page
    assert f'<option value="" selected>{everything}</option>' in page  # the department: any
    assert f'<th class="num">{overdue}</th>' in page  # the matrix's head


def _all() -> str:
    from django.utils.translation import gettext

    return gettext("All")
