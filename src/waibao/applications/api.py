"""Read-only JSON endpoints for applications, mounted at /api/v1/applications.

`GET /api/v1/applications` (the documented list), `GET /api/v1/applications/{id}`, `GET /api/v1/applications/notice`
(public). The first paths, `/api/v1/applications/applications[/{id}]`, still answer (not in the schema)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from waibao.api.common import ERRORS, WRITE_ERRORS
from waibao.applications import selectors
from waibao.applications.access import access_application
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.policy import rule_title
from waibao.applications.verification import public_verification, recorded_verification
from waibao.common import public_cache
from waibao.common.errors import PermissionDeniedError, UnprocessableError

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
@decorate_view(public_cache.public_page(public_cache.APPLICATIONS, public_cache.REGISTRY, moment=public_cache.today))
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


# --- what an enterprise's own systems do: draft, change, attach evidence, submit, withdraw, follow ------------
# The same services and access checks as the pages; the facts are checked by the page's own form (built from
# the rule's declared facts), so a value the page would refuse is refused here with the field at fault.


class PersonIn(Schema):
    """The trainee of a per-person rule (the identity number is checked, stored protected, never published)."""

    name: str
    id_type: str = "resident_id"
    id_number: str = ""


class ApplicationChange(Schema):
    facts: dict[str, Any] = {}
    item: dict[str, Any] = {}
    item_key: str = ""
    explanations: dict[str, str] = {}
    commitment_signed: bool = False
    hire_employer: str = ""
    hire_recorded_on: str = ""
    person: PersonIn | None = None


class ApplicationIn(ApplicationChange):
    rule: str
    year: int


class SubmitIn(Schema):
    commitment_signed: bool = False


class WithdrawIn(Schema):
    reason: str


class StatusOut(Schema):
    id: int
    status: str
    status_label: str
    applicant_sees: str
    reason: str
    changed_at: datetime | None
    notice_ends_on: date | None
    actions: list[str]


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    sha256: str
    size: int


def _applicant(request: HttpRequest) -> Any:
    from waibao.accounts.access import current_user
    from waibao.accounts.models import Role

    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    user = current_user(request)
    if user.role not in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION):
        raise PermissionDeniedError(_("Only enterprises and training institutions apply for rewards."))
    return user


def _checked_form(rule_id: str, body: ApplicationChange, *, editing: bool) -> Any:
    """The page's form filled from the JSON body; the first refused field becomes a 422 naming it."""
    from waibao.applications.forms import EXPLAIN_PREFIX, FACT_PREFIX, ITEM_PREFIX, ApplicationForm
    from waibao.applications.models import RuleRouting
    from waibao.applications.policy import rule_form

    rule = rule_form(rule_id)
    data: dict[str, Any] = {}
    for prefix, values in ((FACT_PREFIX, body.facts), (ITEM_PREFIX, body.item), (EXPLAIN_PREFIX, body.explanations)):
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    data[prefix + name] = "on"
            elif value is not None:
                data[prefix + name] = str(value)
    data["item_key"] = body.item_key
    data["hire_employer"] = body.hire_employer
    data["hire_recorded_on"] = body.hire_recorded_on
    if body.person is not None:
        data.update(
            {
                "trainee_name": body.person.name,
                "trainee_id_type": body.person.id_type,
                "trainee_id_number": body.person.id_number,
            }
        )
    routing = RuleRouting.objects.filter(rule_id=rule_id).first()
    form = ApplicationForm(data, rule=rule, routing=routing, with_files=False, editing=editing)
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        for prefix, field in ((FACT_PREFIX, "facts."), (ITEM_PREFIX, "item."), (EXPLAIN_PREFIX, "explanations.")):
            if name.startswith(prefix):
                name = field + name[len(prefix) :]
                break
        else:
            name = {"trainee_name": "person.name", "trainee_id_type": "person.id_type"}.get(name, name)
            name = "person.id_number" if name == "trainee_id_number" else name
        raise UnprocessableError(f"{name}: {messages[0]}", code="invalid", field=name)
    return form


def _applicant_sees(status: str) -> str:
    """What the applicant is told about this status (as in the notification of reaching it)."""
    from waibao.applications.services import APPLICANT_TOLD
    from waibao.applications.workflow import APPLICATION_WORKFLOW

    reaching = (t for t in APPLICATION_WORKFLOW.transitions.values() if t.target == status and t.applicant_sees)
    told = APPLICANT_TOLD.get(status) or next((t.applicant_sees for t in reaching), "")
    return str(told)


def _status_out(application: Application, user: Any) -> dict[str, Any]:
    """The status in words; the reason given for it; the workflow actions the caller's role may take next."""
    from waibao.applications.workflow import APPLICATION_WORKFLOW
    from waibao.common.labels import label

    return {
        "id": application.pk,
        "status": application.status,
        "status_label": label("application_status", application.status),
        "applicant_sees": _applicant_sees(application.status),
        "reason": application.status_reason,
        "changed_at": application.status_changed_at,
        "notice_ends_on": application.notice_ends_on,
        "actions": [t.name for t in APPLICATION_WORKFLOW.available(state=application.status, role=user.role)],
    }


@router.post("", response={201: ApplicationDetailOut, **WRITE_ERRORS})
def application_create_endpoint(request: HttpRequest, body: ApplicationIn) -> tuple[int, dict[str, Any]]:
    """A draft application for a rule and year with its facts (submit it with POST /{id}/submit)."""
    from waibao.applications.services import application_create

    user = _applicant(request)
    form = _checked_form(body.rule, body, editing=False)
    created = application_create(
        acting_user=user,
        rule_id=body.rule,
        year=body.year,
        facts=form.facts(),
        item=form.item(),
        item_key=form.cleaned_data.get("item_key", ""),
        commitment_signed=body.commitment_signed,
        hire_employer=form.cleaned_data.get("hire_employer", ""),
        hire_recorded_on=form.cleaned_data.get("hire_recorded_on"),
        person=form.person(),
        explanations=form.explanations(),
    )
    return 201, get_application(request, created.pk)


@router.put("/{int:application_id}", response={200: ApplicationDetailOut, **WRITE_ERRORS})
def application_change_endpoint(request: HttpRequest, application_id: int, body: ApplicationChange) -> dict[str, Any]:
    """Change the facts of a draft or returned application."""
    from waibao.applications.access import is_applicant
    from waibao.applications.services import application_update
    from waibao.common.errors import DomainError

    user = _applicant(request)
    found = access_application(user, application_id)
    if not is_applicant(user, found) or found.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        # As the page: the state is refused before the input is read.
        raise DomainError(_("Only a draft or a returned application can be changed."), code="not_editable")
    form = _checked_form(found.rule_id, body, editing=True)
    application_update(
        acting_user=user,
        application=found,
        facts=form.facts(),
        item=form.item(),
        item_key=form.cleaned_data.get("item_key", ""),
        commitment_signed=body.commitment_signed,
        hire_employer=form.cleaned_data.get("hire_employer") if "hire_employer" in form.fields else None,
        hire_recorded_on=form.cleaned_data.get("hire_recorded_on"),
        person=form.person(),
        explanations=form.explanations(),
    )
    return get_application(request, application_id)


@router.post("/{int:application_id}/evidence", response={201: list[EvidenceOut], **WRITE_ERRORS})
def application_evidence_endpoint(
    request: HttpRequest, application_id: int, kind: Form[str], file: File[UploadedFile]
) -> tuple[int, list[dict[str, Any]]]:
    """Attach one evidence file (multipart: `kind`, `file`) to a draft or returned application: the same checks as
    the page (type read from the content, extension matching it, no macro, size cap)."""
    from waibao.applications.services import Upload, evidence_add

    user = _applicant(request)
    found = access_application(user, application_id)
    rows = evidence_add(
        acting_user=user,
        application=found,
        uploads=[Upload(kind=kind, stream=file, name=file.name or "upload")],
    )
    return 201, [
        {"id": r.pk, "kind": r.kind, "name": r.original_name, "sha256": r.sha256, "size": r.size} for r in rows
    ]


@router.post("/{int:application_id}/submit", response={200: StatusOut, **WRITE_ERRORS})
def application_submit_endpoint(request: HttpRequest, application_id: int, body: SubmitIn) -> dict[str, Any]:
    """Submit a draft (or resubmit a returned application); the engine's verdict is stored with it."""
    from waibao.applications.services import application_submit

    user = _applicant(request)
    found = access_application(user, application_id, action="submit")
    done = application_submit(acting_user=user, application=found, commitment_signed=body.commitment_signed)
    return _status_out(done, user)


@router.post("/{int:application_id}/withdraw", response={200: StatusOut, **WRITE_ERRORS})
def application_withdraw_endpoint(request: HttpRequest, application_id: int, body: WithdrawIn) -> dict[str, Any]:
    """Withdraw an application (a reason is required)."""
    from waibao.applications.services import application_transition

    user = _applicant(request)
    found = access_application(user, application_id, action="withdraw")
    done = application_transition(acting_user=user, application=found, action="withdraw", reason=body.reason)
    return _status_out(done, user)


@router.get("/{int:application_id}/status", response={200: StatusOut, **ERRORS})
def application_status_endpoint(request: HttpRequest, application_id: int) -> dict[str, Any]:
    """The status in words, what the applicant is told, the steps so far and the caller's next actions."""
    from waibao.accounts.access import current_user

    found = access_application(request.user, application_id)
    return _status_out(found, current_user(request))
