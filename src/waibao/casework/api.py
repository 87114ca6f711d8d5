"""Casework endpoints (mounted by the API at /api/v1/cases): cases for their requester and departments; filing a
case and the requester's replies (a signed-in session with its CSRF token, or a token with `cases:write`).

Writes go through the same access check and services as the pages; a refused input answers 422 with the one
error body. Attachments are not sent through the API: a type that needs them is filed on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from waibao.api.common import WRITE_ERRORS
from waibao.casework.access import access_case, party_of, sees_personal_data, visible_cases
from waibao.casework.clocks import CaseClock
from waibao.casework.models import Case, CaseStatus, CaseType, Filer, MessageKind
from waibao.casework.selectors import case_limit, clocks_for
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError, UnprocessableError

router = Router(tags=["cases"])
PAGE = 200


def _case(case: Case, clock: CaseClock | None, personal: bool) -> dict[str, Any]:
    return {
        "number": case.number,
        "type": case.case_type.code,
        "type_name": case.case_type.name,
        "department": case.department.code if case.department else None,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "title": case.title,
        "filed_at": case.filed_at.isoformat(),
        "confidential": case.confidential,
        "outcome": case.outcome or None,
        "contact_name": case.contact_name if personal else None,
        "time_limit": {
            "limit": case_limit(case),
            "elapsed": clock.state.elapsed if clock else None,
            "due": clock.state.due.isoformat() if clock and clock.state.due else None,
            # The due date lies past the loaded working-day calendar: after this day (`due` is null until then).
            "due_after": clock.state.due_after.isoformat() if clock and clock.state.due_after else None,
            "state": clock.badge if clock else None,
        },
    }


@router.get("/")
def cases(request: HttpRequest, status: str = "", offset: int = 0) -> dict[str, Any]:
    """The cases the caller may read (its own for an enterprise, its department's for a reviewer)."""
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    if status and status not in CaseStatus.values:
        raise UnprocessableError(f"status must be one of {', '.join(CaseStatus.values)}")
    if offset < 0:
        raise UnprocessableError("offset must be ≥ 0")
    qs = visible_cases(request.user).select_related("case_type", "department").order_by("-filed_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs[offset : offset + PAGE])
    clocks = clocks_for(page, today=timezone.localdate())
    return {
        "count": total,
        "offset": offset,
        "results": [_case(c, clocks.get(c.pk), sees_personal_data(request.user, c)) for c in page],
    }


@router.get("/{number}")
def case(request: HttpRequest, number: str) -> dict[str, Any]:
    """One case with its replies (internal notes only for the office and the department)."""
    found = access_case(request.user, number)
    personal = sees_personal_data(request.user, found)
    body = _case(found, clocks_for([found], today=timezone.localdate()).get(found.pk), personal)
    messages = found.messages.all()
    if getattr(request.user, "role", None) not in ("programme_office", "department_reviewer"):
        messages = messages.exclude(kind=MessageKind.NOTE)
    body["messages"] = [{"kind": m.kind, "at": m.at.isoformat(), "body": m.body} for m in messages]
    return body


class CaseIn(Schema):
    type: str
    category: str = ""
    title: str
    body: str
    contact_name: str = ""  # defaults to the signed-in user's name and e-mail
    contact_email: str = ""
    contact_phone: str = ""
    details: dict[str, str] = {}
    right_type: str = ""
    right_holder: str = ""
    registration_number: str = ""
    infringer_name: str = ""
    scarce_talent: str = ""


class ReplyIn(Schema):
    body: str


def _refuse_nul(values: dict[str, Any]) -> None:
    """A NUL character is refused (the pages' forms do the same; PostgreSQL cannot store it)."""
    for name, value in values.items():
        texts = [*value.keys(), *value.values()] if isinstance(value, dict) else [value]
        if any("\x00" in str(t) for t in texts):
            raise UnprocessableError("null characters are not allowed", code="invalid", field=name)


def _unprocessable(exc: DomainError) -> DomainError:
    """A refused input answers 422 (permission and not-found keep their status)."""
    if type(exc) is DomainError:
        return UnprocessableError(exc.message, code=exc.code, field=exc.field)
    return exc


@router.post("/", response={201: dict[str, Any], **WRITE_ERRORS})
def case_create(request: HttpRequest, body: CaseIn) -> tuple[int, dict[str, Any]]:
    """File a case as the signed-in enterprise or training institution (what the page's form does)."""
    from waibao.accounts.models import Role
    from waibao.casework.services import case_file

    user: Any = request.user
    if not user.is_authenticated:
        raise PermissionDeniedError()
    filer = {Role.ENTERPRISE: Filer.ENTERPRISE, Role.TRAINING_INSTITUTION: Filer.TRAINING_INSTITUTION}.get(user.role)
    if filer is None or (filer == Filer.ENTERPRISE and user.enterprise_id is None):
        raise PermissionDeniedError(code="not_a_filer")
    _refuse_nul(body.dict())
    case_type = CaseType.objects.select_related("department").filter(code=body.type, is_active=True).first()
    if case_type is None:
        raise UnprocessableError(f"unknown case type {body.type!r}", code="unknown_type", field="type")
    if case_type.attachments:
        raise UnprocessableError(
            "this case type needs attachments: file it on the page", code="attachment_missing", field="type"
        )
    contact_email = body.contact_email.strip() or user.email
    if not contact_email:
        raise UnprocessableError("give a contact e-mail", code="contact", field="contact_email")
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    try:
        validate_email(contact_email)
    except DjangoValidationError:
        raise UnprocessableError("the contact e-mail is not valid", code="contact", field="contact_email") from None
    if len(body.title.strip()) > 200 or len(body.body) > 5000:
        raise UnprocessableError("the subject is at most 200 and the description 5,000 characters", field="title")
    try:
        found, _code = case_file(
            case_type=case_type,
            filer_kind=filer,
            title=body.title,
            body=body.body,
            contact_name=(body.contact_name.strip() or user.get_full_name() or user.username)[:100],
            contact_email=contact_email,
            contact_phone=body.contact_phone[:32],
            category=body.category,
            enterprise=user.enterprise if filer == Filer.ENTERPRISE else None,
            user=user,
            details=body.details,
            right_type=body.right_type,
            right_holder=body.right_holder,
            registration_number=body.registration_number,
            infringer_name=body.infringer_name,
            scarce_talent=body.scarce_talent,
        )
    except DomainError as exc:
        raise _unprocessable(exc) from exc
    return 201, _case(found, clocks_for([found], today=timezone.localdate()).get(found.pk), True)


@router.post("/{number}/replies", response={201: dict[str, Any], **WRITE_ERRORS})
def case_reply(request: HttpRequest, number: str, body: ReplyIn) -> tuple[int, dict[str, Any]]:
    """The requester writes to its own case: the answer to the department's question (the clock runs again),
    or a message on the open case. Another's case is not found."""
    from waibao.casework.services import requester_message
    from waibao.casework.workflow import REQUESTER

    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    _refuse_nul(body.dict())
    found = access_case(request.user, number)
    party = party_of(request.user, found)
    if party != REQUESTER:
        raise NotFoundError()  # the department and the office reply on the page; nobody learns the case exists
    try:
        requester_message(case=found, party=party, actor=request.user, body=body.body)
    except DomainError as exc:
        raise _unprocessable(exc) from exc
    found.refresh_from_db()
    out = _case(found, clocks_for([found], today=timezone.localdate()).get(found.pk), True)
    out["messages"] = [
        {"kind": m.kind, "at": m.at.isoformat(), "body": m.body} for m in found.messages.exclude(kind=MessageKind.NOTE)
    ]
    return 201, out
