"""Ledger endpoints (read-only, mounted at /api/v1/ledger): the fund overview and commitments, for the
programme office and finance officers (`ledger.access`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from waibao.api.common import ERRORS, Page, paginate
from waibao.common.errors import PermissionDeniedError, UnprocessableError
from waibao.ledger.access import access_commitment, can_read_ledger
from waibao.ledger.models import Commitment, CommitmentStatus
from waibao.ledger.selectors import budget_years, fund_overview

router = Router(tags=["ledger"])


class TotalsOut(Schema):
    budgeted_cny: Decimal
    committed_cny: Decimal
    paid_cny: Decimal
    available_cny: Decimal


class FundTotalsOut(TotalsOut):
    fund: str
    name: str


class OverviewOut(Schema):
    year: int
    years: list[int]
    funds: list[FundTotalsOut]
    total: TotalsOut


class CommitmentOut(Schema):
    id: int
    application_id: int
    rule: str
    fund: str
    year: int
    amount_cny: Decimal
    paid_cny: Decimal
    released_cny: Decimal
    status: str
    created_at: datetime


def _totals(t: Any) -> dict[str, Decimal]:
    return {
        "budgeted_cny": t.budgeted,
        "committed_cny": t.committed,
        "paid_cny": t.paid,
        "available_cny": t.available,
    }


def _reader(request: HttpRequest) -> None:
    if not can_read_ledger(request.user):
        raise PermissionDeniedError()


@router.get("/overview", response={200: OverviewOut, **ERRORS})
def overview(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """Budget, committed, paid and available per fund for a year (the latest budget year by default)."""
    _reader(request)
    years = budget_years()
    if year is None:
        year = years[-1] if years else 0
    elif year not in years:
        raise UnprocessableError(
            f"year must be one of: {', '.join(str(y) for y in years) or '-'}", code="unknown_value", field="year"
        )
    data = fund_overview(year=year)
    return {
        "year": year,
        "years": years,
        "funds": [{"fund": f.code, "name": f.name, **_totals(t)} for f, t in data.funds],
        "total": _totals(data.total),
    }


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "application_id": c.application_id,
        "fund": c.budget_line.source.fund.code,
        "year": c.budget_line.year,
        "rule": c.rule_id,
        "amount_cny": c.amount,
        "paid_cny": c.paid,
        "released_cny": c.released,
        "status": c.status,
        "created_at": c.created_at,
    }


@router.get("/commitments", response={200: Page[CommitmentOut], **ERRORS})
def commitments(
    request: HttpRequest, status: str = "", year: int | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    _reader(request)
    if status and status not in CommitmentStatus.values:
        raise UnprocessableError(
            f"status must be one of: {', '.join(CommitmentStatus.values)}", code="unknown_value", field="status"
        )
    qs = Commitment.objects.select_related("budget_line__source__fund").order_by("-pk")
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(budget_line__year=year)
    return paginate(qs, page, page_size, _commitment)


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS})
def commitment(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    return _commitment(access_commitment(request.user, commitment_id))
