"""A payment as finance records it: voucher number, payment date, payee account (masked on screen), bank
reference and who entered it; carried into the statement, its export, and the bank-reconciliation export,
whose total matches the ledger."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.ledger.test_views import _key
from waibao.accounts.models import User
from waibao.common.errors import DomainError
from waibao.ledger.models import BudgetLine, Commitment, EntryKind, LedgerEntry
from waibao.ledger.services import PaymentRecord, commitment_create, entry_reverse, payment_create

ClientFor = Callable[[User | None], Client]
ACCOUNT = "6222020200112233445"


@pytest.fixture
def commitment(make_application: Callable[..., Any], office: User) -> Commitment:
    return commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="htz"), amount=D("200000")
    )


def _form(voucher: str, **extra: str) -> dict[str, str]:
    return {
        "voucher_number": voucher,
        "paid_on": "2008-06-30",
        "payee_account": ACCOUNT,
        "bank_reference": "ICBC-778899",
        **extra,
    }


def _rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(workbook.worksheets[-1].iter_rows(values_only=True))


def test_the_pay_form_records_voucher_date_payee_reference_and_who(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    client = client_for(finance)
    url = reverse("ledger:commitment", args=[commitment.pk])
    pay = reverse("ledger:commitment_pay", args=[commitment.pk])
    response = client.post(pay, {"amount": "80000", "idempotency_key": _key(client.get(url)), **_form("PZ-001")})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    assert (entry.voucher_number, entry.paid_on, entry.payee_account, entry.bank_reference) == (
        "PZ-001",
        datetime.date(2008, 6, 30),
        ACCOUNT,
        "ICBC-778899",
    )
    assert entry.actor == finance


@pytest.mark.parametrize("missing", ["voucher_number", "paid_on", "payee_account"])
def test_a_payment_without_its_record_is_refused(
    missing: str, commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    data = {"amount": "1000", "idempotency_key": "k", **_form("PZ-002")}
    data[missing] = ""
    response = client_for(finance).post(reverse("ledger:commitment_pay", args=[commitment.pk]), data)
    assert response.status_code == 400
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_a_voucher_pays_once_and_a_future_date_is_refused(commitment: Commitment, finance: User) -> None:
    record = PaymentRecord("PZ-003", datetime.date(2008, 6, 30), ACCOUNT, "R1")
    payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="a", record=record)
    with pytest.raises(DomainError) as duplicate:
        payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="b", record=record)
    assert duplicate.value.code == "voucher_duplicate"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as future:
        payment_create(
            acting_user=finance,
            commitment=commitment,
            amount=D("1000"),
            idempotency_key="c",
            record=PaymentRecord("PZ-004", tomorrow, ACCOUNT),
        )
    assert future.value.field == "paid_on"
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def test_statement_shows_the_account_masked_and_its_export_carries_the_record(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    record = PaymentRecord("PZ-005", datetime.date(2008, 6, 30), ACCOUNT, "ICBC-1")
    payment_create(acting_user=finance, commitment=commitment, amount=D("5000"), idempotency_key="s", record=record)
    client = client_for(finance)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(reverse("ledger:statement"), {"month": month}).content.decode()
    assert "PZ-005" in page and "3445" in page and ACCOUNT not in page
    rows = _rows(client.get(reverse("ledger:statement_export"), {"month": month}))
    header, payment = rows[0], next(r for r in rows[1:] if "PZ-005" in r)
    assert {"凭证号", "付款日期", "收款账号", "银行流水号"} <= set(header)
    assert ACCOUNT not in payment and "•••• 3445" in payment and "ICBC-1" in payment


def test_bank_reconciliation_by_date_totals_match_the_ledger(
    commitment: Commitment, finance: User, client_for: ClientFor
) -> None:
    def pay(voucher: str, amount: str, day: datetime.date) -> LedgerEntry:
        record = PaymentRecord(voucher, day, ACCOUNT, f"B-{voucher}")
        return payment_create(
            acting_user=finance, commitment=commitment, amount=D(amount), idempotency_key=voucher, record=record
        )

    june, july = datetime.date(2008, 6, 30), datetime.date(2008, 7, 15)
    pay("PZ-010", "50000", june)
    wrong = pay("PZ-011", "20000", july)
    pay("PZ-012", "30000", july)
    entry_reverse(acting_user=finance, entry=wrong, reason="paid to the wrong account")
    client = client_for(finance)

    everything = {"date_from": "2008-01-01", "date_to": timezone.localdate().isoformat()}
    rows = _rows(client.get(reverse("ledger:reconciliation"), {**everything, "format": "xlsx"}))
    total = next(r for r in rows if r[0] == "合计")[7]
    ledger_paid = BudgetLine.objects.aggregate(p=Sum("paid"))["p"]
    assert D(str(total)) == ledger_paid == D("80000.00")
    assert next(r for r in rows if r[0] == "账面合计（核对）")[7] == total
    vouchers = [r[1] for r in rows[1:-2]]
    assert vouchers.count("PZ-011") == 2  # the payment and its reversal, under the same voucher

    july_only = _rows(
        client.get(
            reverse("ledger:reconciliation"), {"date_from": "2008-07-01", "date_to": "2008-07-31", "format": "xlsx"}
        )
    )
    assert [r[1] for r in july_only[1:-2]] == ["PZ-011", "PZ-012"]
    assert D(str(next(r for r in july_only if r[0] == "合计")[7])) == D("50000.00")

    page = client.get(reverse("ledger:reconciliation"), everything).content.decode()
    assert "80,000.00" in page and ACCOUNT not in page and "•••• 3445" in page


def test_only_fund_readers_see_the_reconciliation(enterprise_user: User, client_for: ClientFor) -> None:
    assert client_for(enterprise_user).get(reverse("ledger:reconciliation")).status_code == 403
