"""The command-line contract: imports all-or-nothing with exit status 2, indicators as JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tests.statistics.conftest import TODAY, enterprise_of
from waibao.accounts.models import User
from waibao.common.tabular import TableImportError
from waibao.registry.models import Enterprise
from waibao.statistics import rollup
from waibao.statistics.models import Contract, ExchangeRate, Execution, RecordStatus
from waibao.statistics.services import contracts_import

pytestmark = pytest.mark.django_db

CONTRACT_HEADER = "credit_code,contract_no,client_name,client_country,category,currency,amount,signed_date\n"


def run(*args: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("stats", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_rates_and_refuse_a_bad_file_whole(dataset: Any, tmp_path: Path) -> None:
    good = write(tmp_path, "r.csv", "date,currency,cny_per_unit\n2007-01-01,USD,7.8087\n2007-01-01,JPY,0.06563\n")
    assert run("import-rates", good)[0] == 0
    assert ExchangeRate.objects.count() == 2
    bad = write(tmp_path, "b.csv", "date,currency,cny_per_unit\n2007-02-01,USD,7.7\n2007-13-01,EUR,x\n")
    code, _out, err = run("import-rates", bad)
    assert code == 2
    assert "row 3, column date" in err and "row 3, column cny_per_unit" in err
    assert ExchangeRate.objects.count() == 2


def test_import_contracts_lists_every_error_and_writes_nothing(rates: None, ent: Enterprise, tmp_path: Path) -> None:
    text = CONTRACT_HEADER + (
        f"{ent.credit_code},A1,Acme,US,ito-software-dev,USD,1000,2007-01-05\n"
        f"{ent.credit_code},A1,Acme,US,ito-software-dev,USD,1000,2007-01-05\n"  # duplicate number
        "911100006000373410,A2,Acme,ZZ,nope,EUR,-5,2007-02-30\n"
    )
    code, _out, err = run("import-contracts", write(tmp_path, "c.csv", text), "--approve")
    assert code == 2
    for expected in (
        "row 3, column contract_no",
        "row 4, column credit_code",
        "row 4, column client_country",
        "row 4, column category",
        "row 4, column currency",
        "row 4, column amount",
        "row 4, column signed_date",
    ):
        assert expected in err
    assert Contract.objects.count() == 0


def test_import_approved_history_then_indicators_json(rates: None, ent: Enterprise, tmp_path: Path) -> None:
    contracts = CONTRACT_HEADER + (
        f"{ent.credit_code},A1,Acme,US,ito-software-dev,USD,1000,2005-03-05\n"
        f"{ent.credit_code},A2,Local,CN,bpo-hr,CNY,8276.50,2005-03-20\n"
        f"{ent.credit_code},A3,Tokyo,JP,kpo-analytics,JPY,100000,2005-04-01\n"
    )
    assert run("import-contracts", write(tmp_path, "c.csv", contracts), "--approve")[0] == 0
    executions = (
        "credit_code,contract_no,date,currency,amount,receipt_ref\n"
        f"{ent.credit_code},A1,2005-03-31,USD,400,R1\n{ent.credit_code},A2,2005-04-02,CNY,1000,R2\n"
    )
    assert run("import-executions", write(tmp_path, "e.csv", executions), "--approve")[0] == 0
    assert Contract.objects.filter(status=RecordStatus.APPROVED).count() == 3
    assert rollup.differences() == []
    code, out, _err = run("indicators", "--from", "2005-03-01", "--to", "2005-03-31", "--json")
    assert code == 0
    (row,) = json.loads(out)["rows"]
    assert row["key"] == "total" and row["contract_count"] == 2
    assert row["contract_amount_usd"] == "2000.00"  # 1000 USD + 8276.50 CNY at 8.2765
    assert row["contract_amount_offshore_usd"] == "1000.00"
    assert row["executed_amount_usd"] == "400.00" and row["executed_amount_cny"] == "3310.60"
    assert set(row) == {
        "key",
        "contract_count",
        "contract_amount_usd",
        "contract_amount_offshore_usd",
        "executed_amount_usd",
        "executed_amount_offshore_usd",
        "contract_amount_cny",
        "contract_amount_offshore_cny",
        "executed_amount_cny",
        "executed_amount_offshore_cny",
    }
    _code, out, _err = run("indicators", "--from", "2005-01-01", "--to", "2005-12-31", "--by", "category", "--json")
    keys = {r["key"]: r for r in json.loads(out)["rows"]}
    assert set(keys) == {"ITO", "BPO", "KPO"}
    assert keys["KPO"]["contract_amount_cny"] == "8021.80"
    _code, out, _err = run("indicators", "--from", "2005-01-01", "--to", "2005-12-31", "--by", "month", "--json")
    months = {r["key"]: r["contract_count"] for r in json.loads(out)["rows"]}
    assert months == {"2005-03": 2, "2005-04": 1}


def test_import_executions_refuses_unknown_and_unapproved_contracts_and_overruns(
    rates: None, ent: Enterprise, tmp_path: Path
) -> None:
    contracts = CONTRACT_HEADER + f"{ent.credit_code},A1,Acme,US,ito-software-dev,USD,1000,2005-03-05\n"
    code, _out, err = run("import-contracts", write(tmp_path, "c.csv", contracts))
    assert code == 2 and "2005" in err  # without --approve the 2005 cut-off applies
    assert run("import-contracts", write(tmp_path, "c.csv", contracts), "--approve")[0] == 0
    Contract.objects.update(status=RecordStatus.SUBMITTED)  # as if it were being corrected
    executions = (
        "credit_code,contract_no,date,currency,amount,receipt_ref\n"
        f"{ent.credit_code},A1,2005-03-31,USD,400,R1\n{ent.credit_code},NOPE,2005-04-02,USD,1,R2\n"
    )
    code, _out, err = run("import-executions", write(tmp_path, "e.csv", executions), "--approve")
    assert code == 2 and "row 2, column contract_no" in err and "row 3, column contract_no" in err
    Contract.objects.update(status=RecordStatus.APPROVED)
    over = (
        "credit_code,contract_no,date,currency,amount,receipt_ref\n" + f"{ent.credit_code},A1,2005-03-31,USD,1500,R\n"
    )
    code, _out, err = run("import-executions", write(tmp_path, "o.csv", over), "--approve")
    assert code == 2 and "column over_reason" in err
    assert Execution.objects.count() == 0


def test_xlsx_import_and_web_imports_are_drafts_under_the_cutoff(rates: None, ent_user: User) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CONTRACT_HEADER.strip().split(","))
    sheet.append(
        [enterprise_of(ent_user).credit_code, 7, "Acme", "us", "ito-software-dev", "USD", 1234.5, date(2007, 2, 1)]
    )
    sheet.append(
        [enterprise_of(ent_user).credit_code, "F", "Acme", "US", "ito-software-dev", "USD", 10, date(2006, 2, 1)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(TableImportError) as info:
        contracts_import(acting_user=ent_user, stream=io.BytesIO(buffer.getvalue()), filename="c.xlsx", today=TODAY)
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "signed_date")]  # 2006 is frozen on TODAY
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    contracts_import(acting_user=ent_user, stream=buffer, filename="c.xlsx", today=TODAY)
    contract = Contract.objects.get()
    assert (contract.contract_no, contract.client_country, contract.amount) == ("7", "US", Decimal("1234.50"))
    assert contract.status == RecordStatus.DRAFT


def test_rollup_check_command(approved_contract: Callable[..., Contract]) -> None:
    approved_contract()
    assert run("check-rollups")[0] == 0
    from waibao.statistics.models import IndicatorRollup

    IndicatorRollup.objects.update(contract_count=3)
    assert run("check-rollups")[0] == 1
    assert run("rebuild-rollups")[0] == 0
    assert run("check-rollups")[0] == 0


def test_bulk_imported_history_can_be_corrected_and_the_rollups_stay_exact(
    rates: None, ent_user: User, office: User, tmp_path: Path
) -> None:
    from waibao.statistics.services import contract_save, record_transition

    ent = enterprise_of(ent_user)
    lines = [
        f"{ent.credit_code},H{i},Client,{'US' if i % 2 else 'CN'},{'ito-software-dev' if i % 3 else 'bpo-hr'},"
        f"USD,{1000 + i},2007-{i % 12 + 1:02d}-{i % 27 + 1:02d}"
        for i in range(40)
    ]  # more keys than the per-key path handles: the bulk path writes both rollups
    assert (
        run("import-contracts", write(tmp_path, "c.csv", CONTRACT_HEADER + "\n".join(lines) + "\n"), "--approve")[0]
        == 0
    )
    executions = "credit_code,contract_no,date,currency,amount,receipt_ref\n" + "".join(
        f"{ent.credit_code},H{i},2007-12-{i % 28 + 1:02d},USD,10,R{i}\n" for i in range(40)
    )
    assert run("import-executions", write(tmp_path, "e.csv", executions), "--approve")[0] == 0
    assert rollup.differences() == []
    contract = Contract.objects.get(contract_no="H5")
    record_transition(acting_user=ent_user, record=contract, action="correct", reason="country", today=TODAY)
    fields = {"contract_no": "H5", "client_name": "Client", "client_country": "JP", "category": "kpo-analytics",
              "currency": "USD", "amount": "1005", "signed_date": date(2007, 6, 6)}  # fmt: skip
    contract_save(acting_user=ent_user, enterprise=ent, contract=contract, fields=fields, today=TODAY)
    record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    record_transition(acting_user=office, record=contract, action="approve", today=TODAY)
    assert rollup.differences() == []
    kpo = [r for r in json.loads(run("indicators", "--from", "2007-01-01", "--to", "2007-12-31", "--by", "category",
                                     "--json")[1])["rows"] if r["key"] == "KPO"]  # fmt: skip
    assert kpo[0]["contract_count"] == 1 and kpo[0]["executed_amount_usd"] == "10.00"
