"""Pages of casework: the requester's cases and filing, public filing and tracking, the department workbench,
the office's supervision board, a case with its actions, public figures and the Excel export."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from waibao.accounts.models import Role, User
from waibao.applications.evidence import check_upload
from waibao.casework import services
from waibao.casework.access import SESSION_KEY, access_case, party_of, sees_personal_data, visible_cases
from waibao.casework.forms import (
    ActionForm,
    CallbackForm,
    CodeForm,
    ExtensionForm,
    FileForm,
    RatingForm,
    SuperviseForm,
    TrackForm,
    TypeChoiceForm,
)
from waibao.casework.models import Case, CaseStatus, CaseType, Extension, Filer, MessageKind, Rating
from waibao.casework.selectors import (
    OPEN_STATUSES,
    board,
    case_limit,
    case_limits,
    clocks_for,
    figures,
    limit_clocks_for,
    my_cases,
    workbench,
)
from waibao.casework.workflow import CASE_WORKFLOW, DEPARTMENT, OFFICE, REQUESTER
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.mail import send_on_commit
from waibao.common.tabular import xlsx_response
from waibao.governance.models import Department
from waibao.workdays.timelimits import due_text

PENDING_KEY = "casework_pending_filing"


def _public_ids(request: HttpRequest) -> list[int]:
    return list(request.session.get(SESSION_KEY, []))


def _party(request: HttpRequest, case: Case) -> str | None:
    return party_of(request.user, case, public_ids=_public_ids(request))


def _role(request: HttpRequest) -> str | None:
    return getattr(request.user, "role", None) if request.user.is_authenticated else None


def home(request: HttpRequest) -> HttpResponse:
    role = _role(request)
    if role == Role.PROGRAMME_OFFICE:
        return redirect("casework:board")
    if role == Role.DEPARTMENT_REVIEWER:
        return redirect("casework:workbench")
    if role == Role.CITY_LEADER:
        return redirect("casework:board")
    if role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION):
        cases = list(my_cases(request.user)[:200])
        clocks = clocks_for(cases, today=timezone.localdate())
        return render(
            request,
            "casework/mine.html",
            {"rows": [(c, clocks.get(c.pk)) for c in cases], "form": TypeChoiceForm(filer=_filer(request))},
        )
    return render(request, "casework/public.html", {"track": TrackForm(), "types": _types_for(Filer.PUBLIC)})


def _types_for(filer: str) -> list[CaseType]:
    return [t for t in CaseType.objects.filter(is_active=True) if filer in t.filers]


def _filer(request: HttpRequest) -> str:
    role = _role(request)
    if role == Role.ENTERPRISE:
        return Filer.ENTERPRISE
    if role == Role.TRAINING_INSTITUTION:
        return Filer.TRAINING_INSTITUTION
    return Filer.PUBLIC


def _case_type(code: str, filer: str) -> CaseType:
    case_type = CaseType.objects.select_related("department").filter(code=code, is_active=True).first()
    if case_type is None or filer not in case_type.filers:
        raise NotFoundError()
    return case_type


def _files(request: HttpRequest, case_type: CaseType) -> list[tuple[str, Any]]:
    out = []
    for kind in case_type.attachments:
        upload = request.FILES.get(f"file_{kind}")
        if upload is not None:
            out.append((kind, check_upload(upload, name=upload.name or kind)))
    return out


def _ip_and_details(data: dict[str, Any], case_type: CaseType) -> dict[str, Any]:
    ip = {
        k: data.get(k, "") or ""
        for k in ("right_type", "right_holder", "registration_number", "infringer_name", "scarce_talent")
    }
    details = {k: data[k] for k in case_type.fields if k not in ip and k in data}
    return {**ip, "details": details}


def file_case(request: HttpRequest, code: str) -> HttpResponse:
    """Filing by a signed-in enterprise or training institution."""
    filer = _filer(request)
    if filer == Filer.PUBLIC:
        case_type = CaseType.objects.filter(code=code, is_active=True).first()
        if not request.user.is_authenticated and case_type is not None and Filer.PUBLIC not in case_type.filers:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())  # an enterprise's type: sign in first
        return redirect("casework:public_file", code=code)
    case_type = _case_type(code, filer)
    user: User = request.user  # type: ignore[assignment]
    initial = {"contact_name": user.get_full_name() or user.username, "contact_email": user.email}
    if "scarce_talent" in case_type.fields:  # linked from the HZ-18 catalogue with its entry preselected
        initial["scarce_talent"] = request.GET.get("scarce_talent", "")
    form = FileForm(request.POST or None, request.FILES or None, case_type=case_type, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _code = services.case_file(
                case_type=case_type,
                filer_kind=filer,
                title=data["title"],
                body=data["body"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data.get("contact_phone", ""),
                category=data.get("category", ""),
                enterprise=user.enterprise if filer == Filer.ENTERPRISE else None,
                user=user,
                files=_files(request, case_type),
                **_ip_and_details(data, case_type),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
            return redirect("casework:detail", number=case.number)
    return render(request, "casework/file.html", {"form": form, "case_type": case_type, "public": False})


def public_file(request: HttpRequest, code: str) -> HttpResponse:
    """Filing without an account, step 1: the case; a code goes to the contact e-mail to verify it."""
    case_type = _case_type(code, Filer.PUBLIC)
    form = FileForm(request.POST or None, case_type=case_type)
    if case_type.attachments:
        for kind in case_type.attachments:  # documents are sent once the case exists (reply by e-mail)
            form.fields.pop(f"file_{kind}", None)
    if request.method == "POST" and form.is_valid():
        email_code = f"{secrets.randbelow(10**6):06d}"
        data = {k: v for k, v in form.cleaned_data.items()}
        request.session[PENDING_KEY] = {
            "type": case_type.code,
            "data": data,
            "code": hashlib.sha256(email_code.encode()).hexdigest(),
            "tries": 0,
        }
        send_on_commit(
            _("Your verification code"),
            _("Your code to file the case: %(code)s") % {"code": email_code},
            [data["contact_email"]],
        )
        return redirect("casework:public_verify")
    return render(request, "casework/file.html", {"form": form, "case_type": case_type, "public": True})


def public_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the e-mail proves the contact; the case is filed, its check code shown once."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("casework:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pending["tries"] += 1
        request.session[PENDING_KEY] = pending
        if pending["tries"] > 5:
            del request.session[PENDING_KEY]
            messages.error(request, _("Too many wrong codes: please file again."))
            return redirect("casework:home")
        if hashlib.sha256(form.cleaned_data["code"].encode()).hexdigest() != pending["code"]:
            form.add_error("code", _("This code is not the one we sent."))
        else:
            case_type = _case_type(pending["type"], Filer.PUBLIC)
            data = pending["data"]
            try:
                case, check_code = services.case_file(
                    case_type=case_type,
                    filer_kind=Filer.PUBLIC,
                    title=data["title"],
                    body=data["body"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data.get("contact_phone", ""),
                    category=data.get("category", ""),
                    documents_follow=True,
                    **_ip_and_details(data, case_type),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                del request.session[PENDING_KEY]
                request.session[SESSION_KEY] = [*_public_ids(request), case.pk]
                return render(request, "casework/filed_public.html", {"case": case, "check_code": check_code})
    return render(request, "casework/verify.html", {"form": form})


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(number=form.cleaned_data["number"].strip().upper(), enterprise__isnull=True).first()
        if case is not None and services.check_code_matches(case, form.cleaned_data["code"].strip()):
            request.session[SESSION_KEY] = [*_public_ids(request), case.pk]
            return redirect("casework:detail", number=case.number)
        form.add_error(None, _("No case matches this tracking number and check code."))
    return render(request, "casework/public.html", {"track": form, "types": _types_for(Filer.PUBLIC)})


def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number, public_ids=_public_ids(request))
    party = _party(request, case)
    today = timezone.localdate()
    clocks = limit_clocks_for([case], today=today).get(case.pk)
    clock = clocks.resolution if clocks else None
    current = clocks.current if clocks else None
    message_qs = case.messages.select_related("author")
    if party not in (OFFICE, DEPARTMENT):
        message_qs = message_qs.exclude(kind=MessageKind.NOTE)
    rules = services.case_rules()
    rating = Rating.objects.filter(case=case).first()
    context = {
        "case": case,
        "party": party,
        "clock": clock,
        "clocks": clocks,
        "limits": case_limits(case),
        "limit": case_limit(case),
        "routed": services.routed_department(case.case_type, case.category),
        "supervisions": list(case.supervisions.select_related("by")),
        "can_supervise": party == OFFICE
        and case.status in OPEN_STATUSES
        and current is not None
        and current[1].badge in ("overdue", "due"),
        "supervise_form": SuperviseForm(),
        "callback_form": CallbackForm(),
        "callback": getattr(rating, "callback", None) if rating else None,
        "history": case.changes.select_related("actor", "department"),
        "case_messages": list(message_qs),
        "actions": CASE_WORKFLOW.available(state=case.status, role=party),
        "departments": Department.objects.filter(is_active=True),
        "outcomes": case.case_type.outcomes,
        "extensions": list(case.extensions.all()),
        "extension_form": ExtensionForm(),
        "rating": rating,
        "rating_form": RatingForm(grades=rules.grades),
        "rating_name": _grade_name(rules.grades, rating.grade) if rating else "",
        "personal": sees_personal_data(request.user, case) or party == REQUESTER,
        "category": dict(case.case_type.category_choices()).get(case.category, ""),
        "is_office": party == OFFICE,
        "is_department": party == DEPARTMENT,
        "is_requester": party == REQUESTER,
    }
    return render(request, "casework/detail.html", context)


def _grade_name(grades: list[dict[str, Any]], code: str) -> str:
    from waibao.common.i18n import localized

    for g in grades:
        if g["code"] == code:
            return localized(g["name_zh"], g["name_en"])
    return code


def _back(case: Case) -> HttpResponse:
    return redirect("casework:detail", number=case.number)


@require_POST
def act(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number, public_ids=_public_ids(request))
    form = ActionForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose an action."), code="invalid")
    data = form.cleaned_data
    department = None
    if data["department"]:
        department = Department.objects.filter(code=data["department"]).first()
        if department is None:
            raise DomainError(_("Choose a department."), code="department", field="department")
    actor = request.user if request.user.is_authenticated else None
    try:
        services.case_act(
            case=case,
            action=data["action"],
            party=_party(request, case),
            actor=actor,
            text=data["text"] or "",
            department=department,
            outcome=data["outcome"] or "",
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return _back(case)


@require_POST
def note(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number)
    try:
        services.case_note(
            case=case, party=_party(request, case), actor=request.user, body=request.POST.get("body", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back(case)


@require_POST
def extension(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number)
    form = ExtensionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give the working days and a reason."), code="invalid")
        services.extension_request(
            case=case,
            party=_party(request, case),
            actor=request.user,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Extension requested."))
    return _back(case)


@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = Extension.objects.select_related("case").filter(pk=pk).first()
    if ext is None:
        raise NotFoundError()
    case = access_case(request.user, ext.case.number)
    try:
        services.extension_decide(
            extension=ext, party=_party(request, case), actor=request.user, approve=request.POST.get("approve") == "1"
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back(case)


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number, public_ids=_public_ids(request))
    form = RatingForm(request.POST, grades=services.case_rules().grades)
    try:
        if not form.is_valid():
            raise DomainError(_("Choose a grade."), code="grade", field="grade")
        services.rating_give(
            case=case,
            party=_party(request, case),
            actor=request.user if request.user.is_authenticated else None,
            grade=form.cleaned_data["grade"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you for your rating."))
    return _back(case)


@require_POST
def rectify(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number)
    party = _party(request, case)
    try:
        kind = request.POST.get("kind")
        if kind == "appeal":
            services.appeal_ask(case=case, party=party, actor=request.user, reason=request.POST.get("text", ""))
        elif kind in ("uphold", "reject"):
            services.appeal_decide(case=case, party=party, actor=request.user, uphold=kind == "uphold")
        else:
            form = CallbackForm(request.POST)
            if not form.is_valid():
                raise DomainError(
                    _("Record the callback: the channel and whether the requester is satisfied now."),
                    code="callback",
                    field="channel",
                )
            called_at = form.cleaned_data["called_at"]
            if called_at is not None and timezone.is_naive(called_at):
                called_at = timezone.make_aware(called_at)
            services.rectification_done(
                case=case,
                party=party,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                satisfied=form.cleaned_data["satisfied"],
                called_at=called_at,
                note=form.cleaned_data["note"],
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back(case)


@require_POST
def supervise(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case(request.user, number)
    form = SuperviseForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
        services.case_supervise(
            case=case, party=_party(request, case), actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Supervision recorded; the handler and the department head are told."))
    return _back(case)


# The status filter's choices (labels lazy, translated when shown): `CaseStatus.choices` builds them anew each time.
_STATUS_CHOICES = CaseStatus.choices


def workbench_page(request: HttpRequest) -> HttpResponse:
    if _role(request) not in (Role.DEPARTMENT_REVIEWER, Role.PROGRAMME_OFFICE):
        raise PermissionDeniedError()
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        handler = User.objects.filter(pk=request.POST.get("handler") or 0).first()
        numbers = request.POST.getlist("case")
        cases = list(visible_cases(user).filter(number__in=numbers))
        try:
            if handler is None or not cases:
                raise DomainError(_("Choose cases and a handler."), code="invalid")
            party = OFFICE if user.role == Role.PROGRAMME_OFFICE else DEPARTMENT
            n = services.case_assign_handler(cases=cases, handler=handler, party=party, actor=user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(n)s cases assigned.") % {"n": n})
        return redirect("casework:workbench")
    status = request.GET.get("status", "")
    if status and status not in CaseStatus.values:
        status = ""
    page = workbench(user, today=timezone.localdate(), status=status, page=request.GET.get("page"))
    handlers = User.objects.filter(role=Role.DEPARTMENT_REVIEWER, is_active=True)
    if user.role == Role.DEPARTMENT_REVIEWER:
        handlers = handlers.filter(department=user.department)
    return render(
        request,
        "casework/workbench.html",
        {
            "page": page,
            "query": urlencode({"status": status}) if status else "",
            "handlers": handlers.values_list("pk", "first_name", "last_name", "username"),
            "statuses": _STATUS_CHOICES,
            "status": status,
        },
    )


def board_page(request: HttpRequest) -> HttpResponse:
    if _role(request) not in (Role.PROGRAMME_OFFICE, Role.CITY_LEADER):
        raise PermissionDeniedError()
    data = board(today=timezone.localdate())
    if _role(request) == Role.CITY_LEADER:  # the leader sees figures, not confidential cases
        data.overdue_cases = [r for r in data.overdue_cases if not r["confidential"]]
        data.bad = [b for b in data.bad if not b["confidential"]]
        data.at_risk = [r for r in data.at_risk if not r["confidential"]]
        data.supervisions = [s for s in data.supervisions if not s["confidential"]]
        data.extensions = []
    return render(request, "casework/board.html", {"board": data})


def figures_page(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/figures.html", {"figures": figures(today=timezone.localdate(), public=True)})


def _mask(text: str) -> str:
    text = text or ""
    return text[:1] + "*" * max(len(text) - 1, 2) if text else ""


def export(request: HttpRequest) -> HttpResponse:
    """The cases the reader may see; contact details masked unless the reader may see them."""
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    from waibao.common.labels import label

    cases = list(visible_cases(request.user).select_related("case_type", "department", "enterprise"))
    clocks = clocks_for(cases, today=timezone.localdate())
    headers = [
        _("Tracking number"),
        _("Type"),
        _("Department"),
        _("Status"),
        _("Filed at"),
        _("Subject"),
        _("Requester"),
        pgettext("casework", "Contact"),
        _("Contact e-mail"),
        _("Contact phone"),
        _("Time limit"),
        _("Working days used"),
        _("Due"),
        _("Time limit state"),
    ]

    def rows() -> Any:
        for c in cases:
            clock = clocks.get(c.pk)
            show = sees_personal_data(request.user, c)
            requester = c.enterprise.name_zh if c.enterprise else (c.contact_name if show else _mask(c.contact_name))
            yield [
                c.number,
                c.case_type.name,
                c.department.name if c.department else "",
                label("case_status", c.status),
                timezone.localtime(c.filed_at).strftime("%Y-%m-%d %H:%M"),
                c.title if (show or not c.confidential) else "—",
                requester,
                c.contact_name if show else _mask(c.contact_name),
                c.contact_email if show else _mask(c.contact_email),
                c.contact_phone if show else _mask(c.contact_phone),
                case_limit(c),
                clock.state.elapsed if clock else "",
                due_text(clock.state if clock else None),
                label("case_badge", clock.badge) if clock else "",
            ]

    return xlsx_response("cases.xlsx", headers, rows())
