"""The pages as each role drives them: entry, review, dashboard, goal, public figures, rates, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from waibao.accounts.models import User
from waibao.statistics.models import Contract, ExchangeRate, RecordStatus

pytestmark = pytest.mark.django_db


def test_enterprise_enters_and_submits_a_contract_then_office_approves(
    rates: None, ent_user: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    ExchangeRate.objects.create(currency="USD", date=date(date.today().year, 1, 1), cny_per_unit="7")
    client = client_for(ent_user)
    assert client.get(reverse("statistics:my_records")).status_code == 200
    assert client.get(reverse("statistics:contract_new")).status_code == 200
    today = date.today().isoformat()
    data = {
        "contract_no": "W1",
        "client_name": "Acme",
        "client_country": "US",
        "category": "ito-software-dev",
        "currency": "USD",
        "amount": "5000",
        "signed_date": today,
    }
    response = client.post(reverse("statistics:contract_new"), data)
    contract = Contract.objects.get()
    assert response.status_code == 302 and contract.status == RecordStatus.DRAFT
    bad = client.post(reverse("statistics:contract_new"), {**data, "contract_no": "W2", "client_country": "ZZ"})
    assert bad.status_code == 200 and "ISO 3166" in bad.content.decode()
    client.post(reverse("statistics:record_action", args=["contract", contract.pk]), {"action": "submit"})
    contract.refresh_from_db()
    assert contract.status == RecordStatus.SUBMITTED
    staff = client_for(office)
    page = staff.get(reverse("statistics:review"))
    assert "W1" in page.content.decode()
    staff.post(reverse("statistics:review_bulk"), {"kind": "contract", "action": "return", "ids": [contract.pk]})
    contract.refresh_from_db()
    assert contract.status == RecordStatus.SUBMITTED  # returning needs a reason
    staff.post(
        reverse("statistics:review_bulk"),
        {"kind": "contract", "action": "return", "ids": [contract.pk], "reason": "Attach the client name in full"},
    )
    contract.refresh_from_db()
    assert contract.status == RecordStatus.RETURNED
    assert "Attach the client name in full" in client.get(reverse("statistics:my_records")).content.decode()
    client.post(reverse("statistics:submit_selected"), {"contract": [contract.pk]})
    staff.post(reverse("statistics:review_bulk"), {"kind": "contract", "action": "approve", "ids": [contract.pk]})
    contract.refresh_from_db()
    assert contract.status == RecordStatus.APPROVED


def test_other_enterprise_gets_404_and_enterprise_cannot_review(
    approved_contract: Callable[..., Contract],
    other_enterprise_user: User,
    ent_user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    contract = approved_contract()
    other = client_for(other_enterprise_user)
    assert other.get(reverse("statistics:contract_detail", args=[contract.pk])).status_code == 404
    assert client_for(ent_user).get(reverse("statistics:review")).status_code == 403
    assert client_for(ent_user).get(reverse("statistics:dashboard")).status_code == 403
    assert client_for(None).get(reverse("statistics:dashboard")).status_code == 302


def test_staff_pages_render_and_export_has_every_table(
    approved_contract: Callable[..., Contract],
    approved_execution: Callable[..., Any],
    office: User,
    finance: User,
    client_for: Callable[[User | None], Client],
) -> None:
    approved_execution(approved_contract())
    client = client_for(finance)
    for by in ("zone", "category", "subcategory", "country", "ownership", "month", "quarter", "year", "enterprise"):
        response = client.get(reverse("statistics:dashboard"), {"from": "2007-01-01", "to": "2007-12-31", "by": by})
        assert response.status_code == 200
    assert (
        "100,000"
        in client.get(reverse("statistics:dashboard"), {"from": "2007-01-01", "to": "2007-12-31"}).content.decode()
    )
    assert client.get(reverse("statistics:dashboard"), {"from": "garbage", "by": "nope"}).status_code == 200
    assert client.get(reverse("statistics:goal")).status_code == 200
    assert client.get(reverse("statistics:rates")).status_code == 200
    assert (
        client.post(
            reverse("statistics:rates"), {"form": "rate", "currency": "EUR", "date": "2007-01-01", "cny_per_unit": "10"}
        ).status_code
        == 403
    )
    response = client.get(reverse("statistics:export"), {"from": "2007-01-01", "to": "2007-12-31"})
    assert response.status_code == 200
    import io

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(workbook.sheetnames) == 13
    office_client = client_for(office)
    assert office_client.get(reverse("statistics:parameters")).status_code == 200
    assert client.get(reverse("statistics:parameters")).status_code == 403


def test_public_page_needs_no_login(approved_contract: Callable[..., Contract], client_for: Any) -> None:
    approved_contract()
    response = client_for(None).get(reverse("statistics:public"))
    # One enterprise's figures are withheld from the public (statistics/disclosure.py).
    assert response.status_code == 200 and "100,000" not in response.content.decode()
    assert "—" in response.content.decode()


def test_import_page_refuses_bad_file_and_template_downloads(
    rates: None, ent_user: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(ent_user)
    template = client.get(reverse("statistics:import_template", args=["contracts"]))
    assert template.status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", b"credit_code,contract_no\nX,1\n", content_type="text/csv")
    response = client.post(reverse("statistics:import", args=["contracts"]), {"file": upload}, follow=True)
    assert response.status_code == 200 and "client_name" in response.content.decode()
    assert Contract.objects.count() == 0


def test_dashboard_filters_by_service_category_and_execution_can_be_corrected(
    approved_contract: Callable[..., Contract],
    approved_execution: Callable[..., Any],
    ent_user: User,
    office: User,
    client_for: Callable[[User | None], Client],
) -> None:
    from waibao.statistics.models import Execution

    approved_contract(contract_no="A", amount="111")
    approved_contract(contract_no="B", amount="222", category="bpo-hr")
    staff = client_for(office)
    page = staff.get(reverse("statistics:dashboard"), {"from": "2007-01-01", "to": "2007-12-31", "category": "bpo-hr"})
    assert "222.00" in page.content.decode() and "111.00" not in page.content.decode()
    frozen = approved_execution(Contract.objects.get(contract_no="A"), amount="5")
    client = client_for(ent_user)
    response = client.post(
        reverse("statistics:record_action", args=["execution", frozen.pk]), {"action": "correct", "reason": "x"}
    )
    assert Execution.objects.get(pk=frozen.pk).status == RecordStatus.APPROVED  # 2007 is long closed
    assert "2007" in str(list(response.wsgi_request._messages))  # type: ignore[attr-defined]
    this_year = date.today().replace(month=1, day=2)
    ExchangeRate.objects.create(currency="USD", date=this_year.replace(day=1), cny_per_unit="7")
    contract = approved_contract(contract_no="C", signed_date=this_year)
    execution = approved_execution(contract, date=this_year, amount="5")
    detail = reverse("statistics:contract_detail", args=[execution.contract_id])
    response = client.post(
        reverse("statistics:record_action", args=["execution", execution.pk]),
        {"action": "correct", "reason": "wrong date", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == detail
    assert Execution.objects.get(pk=execution.pk).status == RecordStatus.DRAFT


def test_dashboard_table_and_filters_written_at_once(
    approved_contract: Callable[..., Contract], office: User, client_for: Callable[[User | None], Client]
) -> None:
    """The indicator table and the filters' drop-downs are written in Python: the grouping's name heads the
    table, a row shows its label with its key, the chosen filters stay selected, an empty range says so."""
    from waibao.statistics.templatetags.stats_format import options

    approved_contract(contract_no="A", amount="1234.5", category="bpo-hr")
    client = client_for(office)
    params = {"from": "2007-01-01", "to": "2007-12-31", "by": "subcategory", "category": "bpo-hr"}
    page = client.get(reverse("statistics:dashboard"), params).content.decode()
    table = page[page.index('id="indicator-table"') : page.index("</table>", page.index('id="indicator-table"'))]
    assert "<thead><tr><th>服务类别</th>" in table
    assert '<span class="muted">bpo-hr</span></td><td class="num">1</td>' in table
    assert '<td class="num">1,234.50</td>' in table
    assert '<option value="subcategory" selected>服务类别</option>' in page
    assert '<option value="bpo-hr" selected>BPO · ' in page
    empty = client.get(reverse("statistics:dashboard"), {"from": "1990-01-01", "to": "1990-02-01"}).content.decode()
    assert '<tr><td colspan="8" class="muted">' in empty
    assert options([('a"<', "x & y")], 'a"<') == '<option value="a&quot;&lt;" selected>x &amp; y</option>'


def test_dashboard_counts_labels_and_links_follow_the_language(
    approved_contract: Callable[..., Contract], office: User, client_for: Callable[[User | None], Client]
) -> None:
    """Counts are written as `intcomma` writes them in each language (English groups by three with commas,
    Chinese not at all), the groupings' names and the filters' records are in the reader's language, whatever
    language asked before, and the links to the other statistics pages are there."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    from waibao.statistics.templatetags.stats_format import count

    for language, twelve_thousand in (("zh-hans", "12345"), ("en", "12,345"), ("zh-hans", "12345")):
        with translation.override(language):
            assert count(12345) == twelve_thousand == intcomma(12345)
            assert count(-1234567) == intcomma(-1234567) and count(None) == intcomma(None) and count("7") == "7"
    approved_contract(contract_no="A", amount="1234.5", category="bpo-hr")
    client = client_for(office)
    params = {"from": "2007-01-01", "to": "2007-12-31", "by": "month"}
    chinese = client.get(reverse("statistics:dashboard"), params, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(reverse("statistics:dashboard"), params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="month" selected>月份</option>' in chinese and '<option value="zone">园区</option>' in chinese
    assert '<option value="month" selected>Month</option>' in english
    assert '<option value="zone">Zone</option>' in english
    assert 'value="2007-01-01"' in english and 'value="2007-12-31"' in english
    for page in (chinese, english):
        for name in ("goal", "rates", "parameters", "review", "export"):
            assert f'href="{reverse(f"statistics:{name}")}' in page
