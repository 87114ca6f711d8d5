"""The fund pages through HTTP: who sees them, payments from the commitment page, exports, statements."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.factories import make_user
from tests.ledger.conftest import line
from waibao.accounts.models import Role, User
from waibao.audit.labels import action_label
from waibao.common.request_keys import issue_request_key
from waibao.ledger.models import Commitment, EntryKind, LedgerEntry
from waibao.ledger.services import commitment_create, payment_create

ClientFor = Callable[[User | None], Client]
D = Decimal


@pytest.fixture
def commitment(make_application: Callable[..., Any], office: User) -> Commitment:
    return commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="htz"), amount=D("200000")
    )


def _key(response: Any) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "the payment form carries a generated request key"
    return match.group(1)


def _sheet_rows(response: Any, sheet: int = 0) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PROGRAMME_OFFICE, 200),
        (Role.FINANCE_OFFICER, 200),
        (Role.DEPARTMENT_REVIEWER, 403),
        (Role.ENTERPRISE, 403),
        (Role.TRAINING_INSTITUTION, 403),
    ],
)
def test_who_sees_the_fund_pages(commitment: Commitment, client_for: ClientFor, role: str, status: int) -> None:
    client = client_for(make_user(role, username=f"v-{role}"))
    urls = [
        reverse("ledger:overview") + "?year=2008",
        reverse("ledger:line", args=[commitment.budget_line_id]),
        reverse("ledger:commitment", args=[commitment.pk]),
        reverse("ledger:application", args=[commitment.application_id]),
        reverse("ledger:statement"),
        reverse("ledger:overview_export") + "?year=2008",
        reverse("ledger:line_export", args=[commitment.budget_line_id]),
        reverse("ledger:application_export", args=[commitment.application_id]),
        reverse("ledger:statement_export"),
    ]
    for url in urls:
        assert client.get(url).status_code == status, url


def test_anonymous_users_are_sent_to_sign_in(funds: Any, client_for: ClientFor) -> None:
    response = client_for(None).get(reverse("ledger:overview"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_overview_shows_the_money_move(commitment: Commitment, finance: User, client_for: ClientFor) -> None:
    client = client_for(finance)
    page = client.get(reverse("ledger:overview"), {"year": 2008}).content.decode()
    assert "100,000,000.00" in page  # the year's budget of the special fund
    assert "200,000.00" in page  # committed
    assert 'id="ledger-chart-data"' in page and "echarts" in page
    payment_create(acting_user=finance, commitment=commitment, amount=D("150000"), idempotency_key="ov")
    page = client.get(reverse("ledger:overview"), {"year": "2008", "fund": "special_fund"}).content.decode()
    assert "150,000.00" in page and "50,000.00" in page
    assert page.count('href="?year=20') >= 4  # the by-year table links each budget year
    rows = _sheet_rows(client.get(reverse("ledger:overview_export"), {"year": "2008", "fund": "special_fund"}))
    htz = next(r for r in rows if r[1] in ("杭州高新技术产业开发区", "Hangzhou Hi-Tech Zone"))
    assert htz[2:] == (D("20000000"), D("50000"), D("150000"), D("19800000"))


def test_overview_with_a_bad_year_falls_back(funds: Any, office: User, client_for: ClientFor) -> None:
    for year in ("abc", "99999", "-1"):
        assert client_for(office).get(reverse("ledger:overview"), {"year": year}).status_code == 200


def test_overview_offers_every_budget_year(funds: Any, office: User, client_for: ClientFor) -> None:
    """The year choice lists every year with budget lines, whether or not a fund is chosen (the years come from
    the by-year totals when no fund filters them)."""
    from waibao.ledger.models import BudgetLine

    years = sorted(set(BudgetLine.objects.values_list("year", flat=True)))
    assert len(years) > 1
    for params in ({}, {"fund": "special_fund"}):
        page = client_for(office).get(reverse("ledger:overview"), params).content.decode()
        select = page[page.index('<select name="year">') : page.index("</select>", page.index('<select name="year">'))]
        assert re.findall(r'<option value="(\d+)"', select) == [str(y) for y in years]
        assert f'<option value="{years[-1]}" selected>' in select  # the latest year with a budget


def test_overview_tables_written_at_once(funds: Any, office: User, client_for: ClientFor) -> None:
    """The overview's tables are written in Python: every budget line links its page, the headings and names follow
    the language, the fund filter is kept (escaped) in the by-year links and marked in its drop-down."""
    from waibao.ledger.models import BudgetLine
    from waibao.ledger.selectors import Totals
    from waibao.ledger.templatetags.ledger_tags import year_table

    client = client_for(office)
    lines = list(BudgetLine.objects.filter(year=2008).select_related("source", "category"))
    page = client.get(reverse("ledger:overview"), {"year": 2008}).content.decode()
    for budget_line in lines:
        link = f'<a href="{reverse("ledger:line", args=[budget_line.pk])}">{budget_line.source.name_zh}</a>'
        assert link in page
    assert '<th>使用类别</th><th class="num">' in page
    with translation.override("en"):
        english = client.get(reverse("ledger:overview"), {"year": 2008}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th>Use category</th><th class="num">Budget</th><th class="num">Committed (open)</th>' in english
    assert lines[0].category.name_en in english
    assert 'fund=a&quot;&lt;b">2008</a>' in year_table([(2008, Totals())], 'a"<b')  # a filter is text, escaped
    page = client.get(reverse("ledger:overview"), {"year": 2008, "fund": "special_fund"}).content.decode()
    assert '<option value="special_fund" selected>' in page
    assert 'href="?year=2008&amp;fund=special_fund">2008</a>' in page


def test_finance_records_a_payment_once_even_if_submitted_twice(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    client = client_for(finance)
    url = reverse("ledger:commitment", args=[commitment.pk])
    key = _key(client.get(url))
    pay = reverse("ledger:commitment_pay", args=[commitment.pk])
    for _ in range(2):
        response = client.post(pay, {"amount": "80000.00", "idempotency_key": key, **record("V-80000")})
        assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, commitment=commitment).count() == 1
    commitment.refresh_from_db()
    assert commitment.paid == D("80000.00")
    assert _key(client.get(url)) != key  # a new form, a new key


def test_a_payment_above_the_open_amount_is_refused_on_the_form(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    client = client_for(finance)
    pay = reverse("ledger:commitment_pay", args=[commitment.pk])
    response = client.post(
        pay, {"amount": "200000.01", "idempotency_key": issue_request_key(finance), **record("V-m1")}
    )
    assert response.status_code == 400
    assert "200,000.00" in response.content.decode()
    for bad in ("abc", "-1", "0", "1.234", ""):
        assert (
            client.post(
                pay, {"amount": bad, "idempotency_key": issue_request_key(finance), **record("V-m2")}
            ).status_code
            == 400
        )
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_the_programme_office_may_not_pay(commitment: Commitment, office: User, client_for: ClientFor) -> None:
    response = client_for(office).post(
        reverse("ledger:commitment_pay", args=[commitment.pk]),
        {"amount": "1", "idempotency_key": issue_request_key(office), **record("V-m1")},
    )
    assert response.status_code == 403
    page = client_for(office).get(reverse("ledger:commitment", args=[commitment.pk])).content.decode()
    assert reverse("ledger:commitment_pay", args=[commitment.pk]) not in page
    assert reverse("ledger:commitment_release", args=[commitment.pk]) in page


def test_release_and_reversal_from_the_pages(
    commitment: Commitment, office: User, finance: User, client_for: ClientFor
) -> None:
    payment = payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="rv")
    response = client_for(finance).post(reverse("ledger:entry_reverse", args=[payment.pk]), {"reason": "typo"})
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=payment).exists()
    assert (
        client_for(office).post(reverse("ledger:entry_reverse", args=[payment.pk]), {"reason": "x"}).status_code == 403
    )
    response = client_for(office).post(
        reverse("ledger:commitment_release", args=[commitment.pk]),
        {"reason": "rejected after commitment", "idempotency_key": issue_request_key(office)},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.released == D("200000.00") and commitment.open_amount == D("0.00")
    missing_reason = client_for(finance).post(
        reverse("ledger:commitment_release", args=[commitment.pk]),
        {"reason": "", "idempotency_key": issue_request_key(finance)},
    )
    assert missing_reason.status_code == 400


def test_finance_adds_budget_to_a_line(funds: Any, finance: User, office: User, client_for: ClientFor) -> None:
    target = line("special_fund", "city-finance", "training", 2010)
    url = reverse("ledger:line_budget", args=[target.pk])
    assert (
        client_for(office)
        .post(url, {"amount": "5", "reason": "x", "idempotency_key": issue_request_key(office)})
        .status_code
        == 403
    )
    response = client_for(finance).post(
        url, {"amount": "1000000", "reason": "mid-year top-up", "idempotency_key": issue_request_key(finance)}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.budgeted == D("5500000.00")


def test_application_ledger_page_and_export(commitment: Commitment, office: User, client_for: ClientFor) -> None:
    client = client_for(office)
    page = client.get(reverse("ledger:application", args=[commitment.application_id])).content.decode()
    assert "200,000.00" in page and "ledger.commitment" not in page
    with translation.override("zh-hans"):
        assert action_label("ledger.commitment") in page
    rows = _sheet_rows(client.get(reverse("ledger:application_export", args=[commitment.application_id])))
    assert len(rows) == 2 and rows[1][9] == D("200000")
    assert client.get(reverse("ledger:application", args=[999999])).status_code == 404


def test_monthly_statement_and_export(commitment: Commitment, office: User, client_for: ClientFor) -> None:
    client = client_for(office)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(reverse("ledger:statement"), {"month": month, "fund": "special_fund"})
    assert page.status_code == 200
    assert "400,000,000.00" in page.content.decode()  # 2007–2010 budgets, all recorded this month
    rows = _sheet_rows(client.get(reverse("ledger:statement_export"), {"month": month, "fund": "special_fund"}))
    assert rows[2][1] == D("400000000") and rows[2][2] == D("200000")
    for bad in ("2008-13", "nonsense", ""):
        assert client.get(reverse("ledger:statement"), {"month": bad}).status_code == 200


def test_paying_in_full_from_the_commitment_page_marks_the_application_paid(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    client = client_for(finance)
    pay = reverse("ledger:commitment_pay", args=[commitment.pk])
    assert (
        client.post(
            pay, {"amount": "120000", "idempotency_key": issue_request_key(finance), **record("V-m1")}
        ).status_code
        == 302
    )
    commitment.application.refresh_from_db()
    assert commitment.application.status == "committed"
    assert (
        client.post(
            pay, {"amount": "80000", "idempotency_key": issue_request_key(finance), **record("V-m2")}
        ).status_code
        == 302
    )
    commitment.refresh_from_db()
    commitment.application.refresh_from_db()
    assert commitment.status == "settled" and commitment.application.status == "paid"


def test_pages_speak_chinese_by_default_and_english_on_request(
    commitment: Commitment, office: User, client_for: ClientFor
) -> None:
    client = client_for(office)
    assert "资金总览" in client.get(reverse("ledger:overview")).content.decode()
    english = client.get(reverse("ledger:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Fund overview" in english and "资金总览" not in english


def test_long_entry_lists_are_paginated(
    commitment: Commitment, finance: User, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from waibao.ledger import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        payment_create(acting_user=finance, commitment=commitment, amount=D("10"), idempotency_key=f"pg-{i}")
    url = reverse("ledger:line", args=[commitment.budget_line_id])
    client = client_for(finance)
    first = client.get(url).content.decode()  # newest first: payments 3 and 2
    ids = list(
        LedgerEntry.objects.filter(budget_line=commitment.budget_line).order_by("-id").values_list("pk", flat=True)
    )
    assert f'id="entry-{ids[0]}"' in first and f'id="entry-{ids[2]}"' not in first
    third = client.get(url, {"page": "2"}).content.decode()
    assert f'id="entry-{ids[2]}"' in third and f'id="entry-{ids[0]}"' not in third
    assert client.get(url, {"page": "nonsense"}).status_code == 200


def test_statement_form_shows_the_chosen_month(funds: Any, office: User, client_for: ClientFor) -> None:
    page = client_for(office).get(reverse("ledger:statement"), {"month": "2008-03"}).content.decode()
    assert 'value="2008-03"' in page and "2008-03" in page


def record(voucher: str) -> dict[str, str]:
    """The payment record the pay forms ask for besides the amount."""
    return {
        "voucher_number": voucher,
        "paid_on": "2007-06-30",
        "payee_account": "6222020200112233445",
        "bank_reference": "B-1",
    }
