"""A project from lead to operating, through HTTP as an officer drives it, with every refusal on the way; the
counting rules (once at first signing, only the increase, USD at the signing-date rate); totals, time in stage,
overdue actions, the figures and their exports; documents checked like evidence; events with their leads."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.common.dataset import DatasetError
from waibao.common.errors import DomainError
from waibao.governance.models import Department
from waibao.promotion import services
from waibao.promotion.access import project_scope
from waibao.promotion.models import Project, PromotionEvent, Stage, StageChange
from waibao.promotion.rules import counting_rules, parse_rules
from waibao.promotion.selectors import assessment_figures, project_rows, projects, stage_totals
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.models import Contract

pytestmark = pytest.mark.django_db


def _move(client: Client, project: Project, action: str, **data: str) -> str:
    """POST a move; returns the text of the page it leads to (the project page with its message)."""
    response = client.post(f"/promotion/{project.pk}/move/", {"action": action, **data}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_project_from_lead_to_operating_confirmed_by_approved_statistics(
    office: User,
    reviewer: User,
    ent: Enterprise,
    zones: list[Zone],
    rates: None,
    approved_contract: Callable[..., Contract],
    approved_execution: Callable[..., Any],
    client_for: Callable[[User | None], Client],
    work_calendar: Path,
) -> None:
    client = client_for(reviewer)
    response = client.post(
        "/promotion/new/",
        {
            "title": "美资软件交付中心",
            "investor_name": "Acme Software Inc.",
            "investor_country": "us",
            "parent_group": "Acme Group",
            "project_type": "new_enterprise",
            "currency": "usd",
            "amount": "12,000,000.00",
            "zone": zones[0].pk,
            "department": reviewer.department_id,
            "on": "2007-01-05",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.stage, project.investor_country, project.currency, project.amount) == (
        "lead",
        "US",
        "USD",
        Decimal("12000000.00"),
    )
    # A stage cannot be skipped.
    page = _move(client, project, "sign", on="2007-02-01")
    assert "当前状态下不能执行此操作" in page or "not possible in the current state" in page
    _move(client, project, "contact", on="2007-01-10")
    _move(client, project, "negotiate", on="2007-01-20")
    # A date before the previous move, and a date in the future, are refused.
    page = _move(client, project, "sign", on="2007-01-05")
    assert Project.objects.get().stage == "negotiation"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    _move(client, project, "sign", on=future)
    assert Project.objects.get().stage == "negotiation"
    _move(client, project, "sign", on="2007-02-01")
    project.refresh_from_db()
    assert (project.stage, project.first_signed_on) == ("signed", datetime.date(2007, 2, 1))
    # "registered" needs an enterprise in the registry.
    page = _move(client, project, "register", on="2007-03-01")
    assert "统一社会信用代码" in page or "credit code" in page
    page = _move(client, project, "register", on="2007-03-01", credit_code="91330100MA00000000")
    assert Project.objects.get().stage == "signed"
    _move(client, project, "register", on="2007-03-01", credit_code=ent.credit_code.lower())
    _move(client, project, "capital", on="2007-03-15")
    project.refresh_from_db()
    assert (project.stage, project.enterprise_id, project.registered_on) == (
        "capital_arrived",
        ent.pk,
        datetime.date(2007, 3, 1),
    )
    # "operating" is refused on the project's own word: the enterprise has no approved statistics yet.
    page = _move(client, project, "operate", on="2007-04-10")
    assert Project.objects.get().stage == "capital_arrived"
    assert "经核准的统计" in page or "approved statistics" in page
    # A record before the registration does not count; an approved one after it does.
    contract = approved_contract(signed_date=datetime.date(2007, 2, 10))
    approved_execution(contract, date=datetime.date(2007, 2, 20), receipt_ref="before")
    _move(client, project, "operate", on="2007-04-10")
    assert Project.objects.get().stage == "capital_arrived"
    approved_execution(contract, date=datetime.date(2007, 4, 1), receipt_ref="after")
    page = _move(client, project, "operate", on="2007-04-10")
    project.refresh_from_db()
    assert project.stage == "operating"
    # The history holds every move, in order, and each move is audited.
    assert list(project.history.values_list("to_stage", flat=True)) == [
        "lead", "contact", "negotiation", "signed", "registered", "capital_arrived", "operating",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="promotion.operate").count() == 1
    detail = client.get(f"/promotion/{project.pk}/").content.decode()
    assert ent.name_zh in detail and "2007-02-01" in detail
    # Counted in 2007 once, in USD, under the department and the zone.
    figures = client_for(office).get("/api/v1/promotion/figures?year=2007").json()
    assert figures["total"]["projects"] == 1
    assert figures["total"]["amount_usd"] == "12000000.00"
    assert figures["total"]["operating"] == 1
    assert [d["key"] for d in figures["by_department"]] == ["trade-industry"]
    assert [z["key"] for z in figures["by_zone"]] == [zones[0].code]
    # Nothing further: operating is the end.
    assert _move(client, project, "lose", reason="x") and Project.objects.get().stage == "operating"


def test_lost_needs_a_reason_and_a_project_counts_once_at_its_first_signing(
    office: User, make_project: Callable[..., Project], rates: None
) -> None:
    project = make_project()
    for name, on in (("contact", "2006-11-01"), ("negotiate", "2006-12-01"), ("sign", "2006-12-20")):
        project = services.project_transition(
            acting_user=office, project=project, name=name, on=datetime.date.fromisoformat(on)
        )
    with pytest.raises(DomainError) as refused:
        services.project_transition(acting_user=office, project=project, name="lose", reason="  ")
    assert refused.value.code == "reason_required"
    project = services.project_transition(
        acting_user=office, project=project, name="lose", on=datetime.date(2007, 2, 1), reason="投资方撤回"
    )
    assert (project.stage, project.lost_reason) == ("lost", "投资方撤回")
    project = services.project_transition(
        acting_user=office, project=project, name="reopen", on=datetime.date(2007, 3, 1), reason="重新洽谈"
    )
    assert project.lost_reason == ""
    project = services.project_transition(
        acting_user=office, project=project, name="negotiate", on=datetime.date(2007, 3, 5)
    )
    project = services.project_transition(
        acting_user=office, project=project, name="sign", on=datetime.date(2007, 5, 1)
    )
    assert project.first_signed_on == datetime.date(2006, 12, 20)  # never moved by a second signing
    scope = project_scope(office)
    assert assessment_figures(scope, 2006).total.projects == 1
    assert assessment_figures(scope, 2007).total.projects == 0


def test_a_capital_increase_counts_only_the_increase_converted_at_the_signing_date(
    office: User, make_project: Callable[..., Project], rates: None
) -> None:
    with pytest.raises(DomainError) as refused:
        make_project(project_type="capital_increase", amount=Decimal("100"), base_amount=Decimal("100"))
    assert refused.value.field == "amount"
    increase = make_project(
        title="增资",
        project_type="capital_increase",
        currency="JPY",
        amount=Decimal("800000000"),
        base_amount=Decimal("300000000"),
    )
    for name in ("contact", "negotiate", "sign"):
        increase = services.project_transition(
            acting_user=office, project=increase, name=name, on=datetime.date(2007, 2, 1)
        )
    figures = assessment_figures(project_scope(office), 2007)
    # 500,000,000 JPY × 0.065630 CNY/JPY ÷ 7.8087 CNY/USD (the rates in force on 2007-02-01)
    expected = (Decimal("500000000") * Decimal("0.065630") / Decimal("7.8087")).quantize(Decimal("0.01"))
    assert figures.total.amount_usd == expected
    assert figures.total.currencies == [("JPY", Decimal("500000000.00"))]
    # A currency without a rate is counted as a project, shown as unconverted, never guessed.
    gbp = make_project(title="英镑项目", currency="GBP", amount=Decimal("1000"))
    for name in ("contact", "negotiate", "sign"):
        gbp = services.project_transition(acting_user=office, project=gbp, name=name, on=datetime.date(2007, 2, 1))
    figures = assessment_figures(project_scope(office), 2007)
    assert (figures.total.projects, figures.total.unconverted, figures.total.amount_usd) == (2, 1, expected)


def test_bad_input_gets_a_clear_message(
    office: User, make_project: Callable[..., Project], zones: list[Zone], client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    base = {
        "title": "项目",
        "investor_name": "X",
        "investor_country": "ZZ",
        "project_type": "new_enterprise",
        "currency": "USD",
        "amount": "1000",
        "zone": zones[0].pk,
        "department": Department.objects.get(code="trade-industry").pk,
    }
    for field, value in (("investor_country", "ZZ"), ("currency", "U$"), ("amount", "-5"), ("amount", "abc")):
        data = {**base, "investor_country": "US", field: value}
        response = client.post("/promotion/new/", data)
        assert response.status_code == 200, field
        assert 'class="errorlist' in response.content.decode(), field
    assert not Project.objects.exists()
    project = make_project()
    response = client.post(f"/promotion/{project.pk}/move/", {"action": "fly"}, follow=True)
    assert response.status_code == 200 and Project.objects.get().stage == "lead"
    assert client.post("/promotion/999999/move/", {"action": "contact"}).status_code == 404
    assert client.get("/api/v1/promotion/projects?stage=flying").status_code == 422
    assert client.get("/api/v1/promotion/figures?year=1900").status_code == 422
    assert client.get("/promotion/figures/?year=abc").status_code == 200


def test_next_action_in_working_days_overdue_totals_and_time_in_stage(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client], rates: None
) -> None:
    from waibao.workdays.selectors import add_working_days

    project = make_project()
    today = timezone.localdate()
    project = services.project_set_next_action(acting_user=office, project=project, text="寄送邀请函", working_days=3)
    assert project.next_action_due == add_working_days(today, 3)
    with pytest.raises(DomainError):
        services.project_set_next_action(acting_user=office, project=project, text="x", working_days=0)
    late = make_project(title="逾期项目", on=datetime.date(2026, 11, 2))
    services.project_set_next_action(
        acting_user=office, project=late, text="回访", working_days=2, today=datetime.date(2026, 11, 2)
    )
    rows = project_rows(projects(project_scope(office)), role=office.role)
    by_title = {r.project.title: r for r in rows}
    assert by_title["逾期项目"].overdue and not by_title["软件外包交付中心"].overdue
    assert by_title["逾期项目"].days_in_stage > 15  # working days since 2026-11-02
    totals = {t.stage: t for t in stage_totals(rows)}
    assert (totals["lead"].count, totals["lead"].overdue) == (2, 1)
    assert totals["lead"].average_days == round(
        (by_title["逾期项目"].days_in_stage + by_title["软件外包交付中心"].days_in_stage) / 2
    )
    assert totals["lead"].by_currency == {"USD": Decimal("20000000.00")}
    # weighted by the lead stage's probability in the counting rules
    assert totals["lead"].weighted_usd == Decimal("20000000.00") * counting_rules().probability["lead"] / 100
    page = client_for(office).get("/promotion/list/?overdue_only=on").content.decode()
    assert "逾期项目" in page and "软件外包交付中心" not in page
    workbook = openpyxl.load_workbook(io.BytesIO(client_for(office).get("/promotion/list/export/").content))
    titles = [r[1] for r in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == ["软件外包交付中心", "逾期项目"]
    assert len(workbook.worksheets) == 2  # projects, totals per stage


def test_the_board_moves_a_card_and_works_at_phone_width(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client]
) -> None:
    project = make_project()
    client = client_for(office)
    board = client.get("/promotion/").content.decode()
    assert 'data-stage="lead"' in board and f'data-project="{project.pk}"' in board
    assert 'name="viewport"' in board and "promotion.css" in board
    response = client.post(f"/promotion/{project.pk}/move/", {"action": "contact", "next": "/promotion/"})
    assert response.status_code == 302 and response["Location"] == "/promotion/"
    # an outside `next` is not followed
    response = client.post(f"/promotion/{project.pk}/move/", {"action": "negotiate", "next": "https://evil.example/"})
    assert response["Location"] == f"/promotion/{project.pk}/"
    assert Project.objects.get().stage == Stage.NEGOTIATION


def test_documents_are_checked_like_evidence(
    office: User,
    make_project: Callable[..., Project],
    client_for: Callable[[User | None], Client],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    project = make_project()
    client = client_for(office)
    pdf = SimpleUploadedFile("意向书.pdf", b"%PDF-1.4 letter of intent", content_type="application/pdf")
    client.post(f"/promotion/{project.pk}/documents/", {"title": "投资意向书", "file": pdf})
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(f"/promotion/{project.pk}/documents/", {"file": fake}, follow=True).content.decode()
    assert "agreement.pdf" in page
    document = project.documents.get()
    assert document.title == "投资意向书"
    response = client.get(f"/promotion/{project.pk}/documents/{document.pk}/file/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client.get(f"/promotion/{project.pk}/documents/{document.pk + 1}/file/").status_code == 404


def test_events_list_the_leads_they_produced_within_the_readers_scope(
    office: User,
    reviewer: User,
    sti_reviewer: User,
    make_project: Callable[..., Project],
    client_for: Callable[[User | None], Client],
) -> None:
    trade = Department.objects.get(code="trade-industry")
    response = client_for(office).post(
        "/promotion/events/",
        {"name": "服务外包合作大会", "kind": "forum", "held_on": "2007-01-12", "place": "杭州", "department": trade.pk},
    )
    assert response.status_code == 302
    event = PromotionEvent.objects.get()
    make_project(title="大会项目", event=event)
    make_project(title="科技项目", event=event, department=Department.objects.get(code="science-technology"))
    page = client_for(reviewer).get(f"/promotion/events/{event.pk}/").content.decode()
    assert "大会项目" in page and "科技项目" not in page
    assert client_for(reviewer).post("/promotion/events/", {"name": "x"}).status_code == 403
    listing = client_for(sti_reviewer).get("/promotion/events/").content.decode()
    assert "服务外包合作大会" in listing


def test_the_counting_rules_are_data_and_checked(tmp_path: Path) -> None:
    rules = counting_rules()
    assert rules.capital_increase == "increase" and rules.operating_records == ("execution", "staffing_report")
    assert rules.is_default
    for bad in (
        {"counting": {"capital_increase": "double"}},
        {"counting": {"count_at": "registration"}},
        {"operating_evidence": {"records": ["project_claim"]}},
        {"operating_evidence": {"minimum": 0}},
        {"probability": {"lead": 150}},
        {"probability": {"dreaming": 5}},
        {"pipelines": []},
        {"pipelines": [{"code": "a", "name_zh": "甲"}]},
        {"pipelines": [{"code": "a", "name_zh": "甲", "name_en": "A"}, {"code": "a", "name_zh": "乙", "name_en": "B"}]},
    ):
        with pytest.raises(DatasetError):
            parse_rules(bad, "promotion.yaml")
    (tmp_path / "promotion.yaml").write_text("counting:\n  capital_increase: total\n", encoding="utf-8")
    assert counting_rules(tmp_path).capital_increase == "total"


def test_several_pipelines_kept_apart(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client]
) -> None:
    assert [p.code for p in counting_rules().pipelines] == ["service-outsourcing", "headquarters"]
    make_project(title="外包项目")
    make_project(title="总部项目", pipeline="headquarters")
    with pytest.raises(DomainError) as refused:
        make_project(title="无此管道", pipeline="nowhere")
    assert refused.value.field == "pipeline"
    client = client_for(office)
    page = client.get("/promotion/?pipeline=headquarters").content.decode()
    assert "总部项目" in page and "外包项目" not in page
    data = client.get("/api/v1/promotion/projects?pipeline=service-outsourcing").json()
    assert [p["title"] for p in data["results"]] == ["外包项目"]
    assert "总部经济招商" in client.get(f"/promotion/{Project.objects.get(title='总部项目').pk}/").content.decode()


def test_a_project_is_corrected_but_its_counted_figure_is_fixed_at_signing(
    office: User,
    reviewer: User,
    zones: list[Zone],
    make_project: Callable[..., Project],
    client_for: Callable[[User | None], Client],
) -> None:
    project = make_project()
    client = client_for(reviewer)
    form = client.get(f"/promotion/{project.pk}/edit/")
    assert form.status_code == 200 and "Acme Software Inc." in form.content.decode()
    data = {
        "pipeline": "service-outsourcing",
        "title": "软件外包交付中心（二期）",
        "investor_name": "Acme Software Inc.",
        "investor_country": "US",
        "project_type": "new_enterprise",
        "currency": "USD",
        "amount": "15,000,000",
        "zone": zones[1].pk,
        "department": reviewer.department_id,
    }
    assert client.post(f"/promotion/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.amount, project.zone_id) == (
        "软件外包交付中心（二期）",
        Decimal("15000000.00"),
        zones[1].pk,
    )
    event = AuditEvent.objects.get(action="promotion.project_updated")
    assert event.changes["amount"] == ["10000000.00", "15000000.00"]
    # A reviewer cannot hand the project to another department.
    other = {**data, "department": Department.objects.get(code="science-technology").pk}
    response = client.post(f"/promotion/{project.pk}/edit/", other)
    assert response.status_code == 200 and Project.objects.get().department_id == reviewer.department_id
    # Once signed, the amount is what was counted.
    for name in ("contact", "negotiate", "sign"):
        project = services.project_transition(
            acting_user=office, project=project, name=name, on=datetime.date(2007, 2, 1)
        )
    response = client.post(f"/promotion/{project.pk}/edit/", {**data, "amount": "20000000"})
    assert response.status_code == 200 and "2007-02-01" in response.content.decode()
    assert Project.objects.get().amount == Decimal("15000000.00")
    assert client.post(f"/promotion/{project.pk}/edit/", {**data, "title": "二期"}).status_code == 302


def test_the_list_shows_fifty_projects_a_page_with_the_filters_kept_and_totals_and_export_of_all(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client], rates: None
) -> None:
    made = [make_project(title=f"项目{i:02d}") for i in range(55)]
    client = client_for(office)
    first = client.get("/promotion/list/?stage=lead").content.decode()
    second = client.get("/promotion/list/?stage=lead&page=2").content.decode()
    assert first.count('<td><a href="/promotion/') == 50 and second.count('<td><a href="/promotion/') == 5
    assert "?stage=lead&amp;page=2" in first and "?stage=lead&amp;page=1" in second
    shown = {p.title for p in made if f'href="/promotion/{p.pk}/"' in first + second}
    assert len(shown) == 55  # every project on one of the two pages
    totals = first.split('id="stage-totals"')[1].split("</table>")[0]
    assert '<td class="num">55</td>' in totals  # the totals count every project, not the page's
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/promotion/list/export/?stage=lead").content))
    assert len(list(workbook.worksheets[0].iter_rows(min_row=2))) == 55


def test_the_stage_totals_convert_at_the_rate_in_force_today_read_one_row_a_currency(
    office: User, make_project: Callable[..., Project], rates: None
) -> None:
    """`RatesOn` holds only the rate of each currency in force on the day (a later, future-dated rate is not in
    force yet) and converts as the whole rate book does; the stage totals use it."""
    from waibao.promotion.selectors import RatesOn
    from waibao.statistics.models import ExchangeRate
    from waibao.statistics.rates import RateBook

    today = timezone.localdate()
    ExchangeRate.objects.create(currency="JPY", date=today - datetime.timedelta(days=3), cny_per_unit="0.048000")
    ExchangeRate.objects.create(currency="JPY", date=today + datetime.timedelta(days=3), cny_per_unit="0.050000")
    ExchangeRate.objects.create(currency="USD", date=today + datetime.timedelta(days=3), cny_per_unit="7.5000")
    on_day, whole = RatesOn({"JPY", "HKD", "CNY"}, today), RateBook({"JPY", "HKD", "CNY"})
    for currency in ("JPY", "HKD", "USD", "CNY"):
        assert on_day.convert(Decimal("123456.78"), currency, today) == whole.convert(
            Decimal("123456.78"), currency, today
        )
    assert on_day.rate("JPY", today) == Decimal("0.048000") and on_day.rate("USD", today) == Decimal("7.8087")
    assert not on_day.known("GBP")
    make_project(currency="JPY", amount=Decimal("1000000"))
    totals = {t.stage: t for t in stage_totals(project_rows(projects(project_scope(office)), role=office.role))}
    expected = whole.convert(Decimal("1000000"), "JPY", today).amount_usd
    assert totals["lead"].total_usd == expected and totals["lead"].unconverted == 0


def test_the_filters_are_written_as_djangos_widgets_write_them(db: None, zones: list[Zone]) -> None:
    """The board's and the list's filter fields, written by `filter_fields`, are the HTML of the template they
    replace (`<label>{{ field.label }} {{ field }}</label>` a field), unfiltered and filtered."""
    from django.template import Context, Template

    from waibao.promotion.forms import FilterForm
    from waibao.promotion.templatetags.promotion_tags import filter_fields

    template = Template("{% for field in form %}<label>{{ field.label }} {{ field }}</label>{% endfor %}")
    for data in (None, {"stage": "lead", "zone": zones[0].code, "overdue_only": "on"}, {"stage": "nonsense"}):
        form = FilterForm(data)
        assert str(filter_fields(form)) == template.render(Context({"form": form}))


def test_the_day_a_project_entered_its_stage_is_stored_with_each_stage_change(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client]
) -> None:
    """`Project.stage_since` is the day of the latest stage change, written with it (the pages read the time in the
    stage from it); the migration fills it from the history of the projects that were there before."""
    import importlib

    from django.apps import apps

    from waibao.workdays.selectors import current_calendar

    project = make_project(on=datetime.date(2026, 11, 2))
    assert project.stage_since == datetime.date(2026, 11, 2)
    moved = services.project_transition(
        acting_user=office, project=project, name="contact", on=datetime.date(2026, 11, 16)
    )
    latest = StageChange.objects.filter(project=project).order_by("-at", "-pk").first()
    assert latest is not None and moved.stage_since == latest.on == datetime.date(2026, 11, 16)
    assert Project.objects.get(pk=project.pk).stage_since == datetime.date(2026, 11, 16)
    (row,) = project_rows(projects(project_scope(office)), role=office.role)
    today = timezone.localdate()
    assert row.days_in_stage == current_calendar().working_days_between(datetime.date(2026, 11, 16), today)
    lost = services.project_transition(
        acting_user=office, project=moved, name="lose", reason="投资方撤回", on=datetime.date(2026, 11, 20)
    )
    assert lost.stage_since == datetime.date(2026, 11, 20)
    (row,) = project_rows(projects(project_scope(office)), role=office.role)
    assert row.days_in_stage is None  # closed: no time in the stage shown

    Project.objects.update(stage_since=None)
    importlib.import_module("waibao.promotion.migrations.0002_project_stage_since").from_history(apps, None)
    assert Project.objects.get(pk=project.pk).stage_since == datetime.date(2026, 11, 20)


def test_the_filters_zones_follow_the_registry(
    office: User, zones: list[Zone], client_for: Callable[[User | None], Client]
) -> None:
    """The filters' zones come from the public cache: a zone renamed through the registry's service is shown by
    the next page."""
    from waibao.registry.services import zone_save

    client = client_for(office)
    assert zones[0].name_zh in client.get("/promotion/list/").content.decode()
    zone_save(acting_user=office, zone=zones[0], fields={"name_zh": "改名后的园区"})
    page = client.get("/promotion/list/").content.decode()
    assert f'<option value="{zones[0].code}">改名后的园区</option>' in page


def test_the_list_and_the_board_follow_each_readers_language(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client], rates: None
) -> None:
    """The filters' labels and choices, the stages, the moves and the days in stage are translated once per language
    and process: readers in English and in Chinese, one after the other and again, each read their own language."""
    make_project(title="项目甲")
    client = client_for(office)
    for _ in range(2):
        zh = client.get("/promotion/list/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        en = client.get("/promotion/list/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "<label>招商管道 " in zh and '<option value="" selected>全部</option>' in zh and "<td>线索</td>" in zh
        assert "<label>Pipeline " in en and '<option value="" selected>All</option>' in en and "<td>Lead</td>" in en
        assert '<option value="lead">线索</option>' in zh and '<option value="lead">Lead</option>' in en
        zh = client.get("/promotion/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        en = client.get("/promotion/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "First contact made" in en and "First contact made" not in zh
        assert "working day" in en and "working day" not in zh


def test_the_board_and_the_list_read_their_rows_from_the_cache_until_a_service_changes_a_project(
    office: User, make_project: Callable[..., Project], client_for: Callable[[User | None], Client], rates: None
) -> None:
    """The rows are cached per scope, filters and language; creating, editing, moving a project and setting its next
    action each mark them changed, so the next visit shows the change at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waibao.promotion import services

    project = make_project(title="项目甲")
    client = client_for(office)
    assert "项目甲" in client.get("/promotion/list/").content.decode()
    with CaptureQueriesContext(connection) as again:
        assert "项目甲" in client.get("/promotion/list/").content.decode()
    assert not [q for q in again.captured_queries if "promotion_project" in q["sql"]]
    services.project_update(acting_user=office, project=project, title="项目乙")
    assert "项目乙" in client.get("/promotion/list/").content.decode()
    assert "项目乙" in client.get("/promotion/").content.decode()
    assert "项目乙" not in client.get("/promotion/list/?stage=contact").content.decode()
    project = Project.objects.get(pk=project.pk)
    project = services.project_transition(acting_user=office, project=project, name="contact")
    assert "项目乙" in client.get("/promotion/list/?stage=contact").content.decode()
    services.project_set_next_action(
        acting_user=office, project=project, text="发邀请函", working_days=3, today=datetime.date(2026, 6, 1)
    )
    assert "发邀请函" in client.get("/promotion/list/").content.decode()
    make_project(title="项目丙")
    page = client.get("/promotion/list/?stage=lead").content.decode()
    assert "项目丙" in page and "项目乙" not in page  # the filter is part of the entry's key
