"""Read-only JSON endpoints for applications, mounted at /api/v1/applications.

`GET /api/v1/applications` (the documented list), `GET /api/v1/applications/{id}`, `GET /api/v1/applications/notice`
(public). The first paths, `/api/v1/applications/applications[/{id}]`, still answer (not in the schema)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema

from waibao.applications import selectors
from waibao.applications.access import access_application
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.policy import rule_title
from waibao.applications.verification import public_verification, recorded_verification
from waibao.common.errors import PermissionDeniedError

router = Router(tags=["applications"])


class ApplicationOut(Schema):
    id: int
    rule: str
    year: int
    item: str
    status: str
    applicant: str
    department: str | None
    fund: str
    basis: str
    calculated_amount_cny: Decimal | None
    calculated_minimum_cny: Decimal | None
    recommended_amount_cny: Decimal | None
    approved_amount_cny: Decimal | None
    package: str
    package_version: str
    submitted_at: datetime | None
    notice_ends_on: date | None


class ApplicationDetailOut(ApplicationOut):
    facts: dict[str, Any]
    explanation: list[dict[str, Any]]
    verification: list[dict[str, Any]]


class ApplicationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ApplicationOut]


class NoticeOut(Schema):
    """A published award: the enterprise or institution, the rule in words, the year and the amount; for a
    per-person subsidy only the count of persons (never a name or identity number)."""

    id: int
    applicant: str
    rule: str
    rule_title: str
    item: str
    persons: int | None
    year: int
    amount_cny: Decimal | None
    notice_ends_on: date | None
    on_hold: bool
    verified: list[str]


def application_out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "rule": a.rule_id,
        "year": a.year,
        "item": a.item_label,
        "status": a.status,
        "applicant": a.applicant_name,
        "department": a.department.code if a.department else None,
        "fund": a.fund_code,
        "basis": a.basis,
        "calculated_amount_cny": a.calculated_amount_cny,
        "calculated_minimum_cny": a.calculated_minimum_cny,
        "recommended_amount_cny": a.recommended_amount_cny,
        "approved_amount_cny": a.approved_amount_cny,
        "package": a.package_name,
        "package_version": a.package_version,
        "submitted_at": a.submitted_at,
        "notice_ends_on": a.notice_ends_on,
    }


@router.get("", response=ApplicationPage)
def list_applications(
    request: HttpRequest, status: str = "", rule: str = "", year: int | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    """The applications the signed-in user may see (the same rules as the pages)."""
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    qs = selectors.applications_for(
        request.user,
        status=status if status in ApplicationStatus.values else "",
        rule_id=rule[:32],
        year=year,
    )
    paginator = Paginator(qs, max(1, min(page_size, 200)))
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [application_out(a) for a in current.object_list],
    }


@router.get("/{int:application_id}", response=ApplicationDetailOut)
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = access_application(request.user, application_id)
    return {
        **application_out(application),
        "facts": application.facts,
        "explanation": selectors.explanation(application),
        "verification": recorded_verification(application),
    }


# The paths of the first release, kept for callers that used them.
router.add_api_operation("/applications", ["GET"], list_applications, response=ApplicationPage, include_in_schema=False)
router.add_api_operation(
    "/applications/{int:application_id}",
    ["GET"],
    get_application,
    response=ApplicationDetailOut,
    include_in_schema=False,
)


@router.get("/notice", response=list[NoticeOut], auth=None)
def public_notice(request: HttpRequest) -> list[dict[str, Any]]:
    """Public: the applications in their notice period."""
    return [
        {
            "id": a.pk,
            "applicant": a.applicant_name,
            "rule": a.rule_id,
            "rule_title": rule_title(a.rule_id),
            "item": a.public_item,
            "persons": a.persons,
            "year": a.year,
            "amount_cny": a.approved_amount_cny,
            "notice_ends_on": a.notice_ends_on,
            "on_hold": a.status == ApplicationStatus.ON_HOLD,
            "verified": public_verification(a),
        }
        for a in selectors.notice_list()[:500]
    ]
