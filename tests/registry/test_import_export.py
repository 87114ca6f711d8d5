"""Enterprise import (all or nothing, errors per row and column) and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tests.factories import EnterpriseFactory, valid_credit_code
from waibao.accounts.models import User
from waibao.common.tabular import TableImportError, neutralise
from waibao.jobs.models import Job
from waibao.registry.models import Enterprise
from waibao.registry.services import enterprise_import

pytestmark = pytest.mark.django_db

HEADER = (
    "credit_code,name_zh,name_en,registered_capital_cny,established_on,ownership_type,zone,categories,offshore_focused"
)


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))


def test_good_csv_imports_every_row(office: User) -> None:
    a, b = valid_credit_code(), valid_credit_code()
    stream = csv_file(
        f"{a},杭州甲软件有限公司,Jia,1000000,2005-01-02,150,htz,ito-software-dev;ito-operations,是",
        f'{b.lower()},杭州乙数据有限公司,,"2,500,000.50",2006/03/04,170,etdz,bpo-hr,no',
    )
    result = enterprise_import(acting_user=office, stream=stream, filename="e.csv")
    assert result.created == 2
    jia = Enterprise.objects.get(credit_code=a)
    assert jia.offshore_focused and jia.zone is not None and jia.zone.code == "htz"
    assert sorted(jia.categories.values_list("code", flat=True)) == ["ito-operations", "ito-software-dev"]
    yi = Enterprise.objects.get(credit_code=b)
    assert str(yi.registered_capital_cny) == "2500000.50" and str(yi.established_on) == "2006-03-04"


def test_good_xlsx_imports(office: User) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    ws.append([valid_credit_code(), "杭州丙软件有限公司", "Bing", 3000000, None, 150, "htz", "ito", "yes"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    assert enterprise_import(acting_user=office, stream=buffer, filename="e.xlsx").created == 1


def test_bad_rows_refuse_the_whole_file_and_name_row_and_column(office: User) -> None:
    existing = EnterpriseFactory()
    good = valid_credit_code()
    stream = csv_file(
        f"{good},杭州好公司,,100,,,,,",  # row 2 is fine
        "91110000600037341X,杭州坏码公司,,100,,,,,",  # row 3: bad check character
        f"{valid_credit_code()},,,abc,2005-13-01,999,nowhere,xyz,maybe",  # row 4: many errors
        f"{existing.credit_code},杭州重复公司,,,,,,,",  # row 5: already registered
        f"{good},杭州同文件重复,,,,,,,",  # row 6: duplicate of row 2
    )
    with pytest.raises(TableImportError) as exc:
        enterprise_import(acting_user=office, stream=stream, filename="e.csv")
    found = {(e.row, e.column) for e in exc.value.errors}
    assert (3, "credit_code") in found
    assert {
        (4, "name_zh"),
        (4, "registered_capital_cny"),
        (4, "established_on"),
        (4, "ownership_type"),
        (4, "zone"),
        (4, "categories"),
        (4, "offshore_focused"),
    } <= found
    assert (5, "credit_code") in found and (6, "credit_code") in found
    assert (2, "credit_code") not in found
    assert Enterprise.objects.count() == 1  # only the pre-existing one: nothing written


def test_missing_required_column_is_reported_before_rows(office: User) -> None:
    with pytest.raises(TableImportError) as exc:
        enterprise_import(acting_user=office, stream=io.BytesIO(b"name_zh\nx\n"), filename="e.csv")
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "credit_code")]


def test_error_messages_follow_the_users_language(office: User) -> None:
    stream = csv_file(f"{valid_credit_code()},,,,,,,,")
    with translation.override("en"), pytest.raises(TableImportError) as en:
        enterprise_import(acting_user=office, stream=stream, filename="e.csv")
    stream.seek(0)
    with translation.override("zh-hans"), pytest.raises(TableImportError) as zh:
        enterprise_import(acting_user=office, stream=stream, filename="e.csv")
    assert en.value.errors[0].message == "The Chinese name is required."
    assert zh.value.errors[0].message != en.value.errors[0].message


def test_fake_xlsx_is_refused_with_a_message(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    client: Client = client_for(office)
    upload = io.BytesIO(b"this is not a workbook")
    upload.name = "e.xlsx"
    response = client.post("/registry/enterprises/import/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/jobs/")  # the import ran as a job, refused whole
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0
    assert "xlsx" in response.content.decode()


def test_import_page_lists_errors_per_row(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    client: Client = client_for(office)
    upload = csv_file("91110000600037341X,杭州坏码公司,,,,,,,")
    upload.name = "e.csv"
    with translation.override("en"):
        response = client.post(
            "/registry/enterprises/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en", follow=True
        )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in body
    assert '<td class="num">2</td>' in body


def test_template_download_is_a_workbook_with_the_columns(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(office).get("/registry/enterprises/import/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]][:2] == ["credit_code", "name_zh"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("x")'])
def test_neutralise_formula_cells(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("普通文本") == "普通文本"


def test_export_neutralises_formulas_and_keeps_filters(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(name_zh='=HYPERLINK("http://evil")', status="recognised")
    EnterpriseFactory(name_zh="杭州正常公司", status="registered")
    client = client_for(office)
    assert client.get("/registry/enterprises/export.xlsx?status=recognised").status_code == 405
    job_page = client.post("/registry/enterprises/export.xlsx?status=recognised", follow=True)
    assert "1 enterprise(s) exported" in job_page.content.decode() or "导出" in job_page.content.decode()
    job = Job.objects.get(kind="registry.enterprises_export")
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response["Content-Disposition"].endswith('filename="enterprises.xlsx"')
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the one recognised enterprise
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
