"""The training pages: institutions and approvals, bases, the plan, programmes and their trainees, hires, claims.

Every page reads its object through `talent.access` (404 for another party's object, 403 for staff without the
right); every write is one service call; identity numbers are only ever shown masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import OFFICE, current_user, role_required
from waibao.accounts.models import Role
from waibao.applications.access import access_application
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.pagination import CountedPaginator
from waibao.common.tabular import xlsx_response
from waibao.jobs.services import job_submit
from waibao.talent import claims, institutions, programmes, selectors, services
from waibao.talent.access import (
    access_enrolment,
    access_institution,
    access_programme,
    decides,
    runs,
    visible_enrolments,
    visible_institutions,
    visible_programmes,
)
from waibao.talent.forms import (
    ApprovalRequestForm,
    AttendanceForm,
    CompletionForm,
    EnrolForm,
    HireForm,
    HireProofForm,
    ImportForm,
    PlanTargetForm,
    ProgrammeForm,
    ProofForm,
    ReasonForm,
    RewardForm,
    TrainingBaseForm,
    TrainingInstitutionForm,
)
from waibao.talent.imports import TRAINEE_COLUMNS, TRAINEE_OPTIONAL_COLUMNS, TRAINEES_IMPORT
from waibao.talent.institutions import training_institution_create, training_institution_set_approved
from waibao.talent.models import (
    ClaimLine,
    DuplicateRefusal,
    Enrolment,
    InstitutionApproval,
    ProofKind,
    Recognition,
    TrainingBase,
    TrainingInstitution,
)

DECIDERS = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER)
PLAN_READERS = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.CITY_LEADER)


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def institution_list(request: HttpRequest) -> HttpResponse:
    form = TrainingInstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = training_institution_create(acting_user=current_user(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": institution.name})
            return redirect("talent:institutions")
    rows = TrainingInstitution.objects.prefetch_related("users").order_by("name_zh")
    return render(request, "talent/institutions.html", {"form": form, "institutions": rows})


@role_required(*OFFICE)
@require_POST
def institution_toggle_approved(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = TrainingInstitution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise NotFoundError()
    training_institution_set_approved(
        acting_user=current_user(request), institution=institution, approved=not institution.approved
    )
    return redirect("talent:institutions")


# --- approvals ------------------------------------------------------------------------------------------


@role_required(Role.TRAINING_INSTITUTION, *DECIDERS)
@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest) -> HttpResponse:
    """The institution asks to be approved or renewed; the department decides; suspension."""
    user = current_user(request)
    own = None
    if user.role == Role.TRAINING_INSTITUTION:
        if user.training_institution_id is None:
            raise PermissionDeniedError()
        own = access_institution(user, user.training_institution_id)
    elif not decides(user):
        raise PermissionDeniedError()
    form = ApprovalRequestForm(request.POST or None, request.FILES or None) if own is not None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            institutions.approval_request(
                acting_user=user,
                institution=own,  # type: ignore[arg-type]
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                document=institutions.UploadedDocument(
                    name=form.cleaned_data["document"].name, stream=form.cleaned_data["document"]
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to the department."))
            return redirect("talent:approvals")
    rows = InstitutionApproval.objects.select_related("institution").filter(institution__in=visible_institutions(user))
    return render(
        request,
        "talent/approvals.html",
        {
            "form": form,
            "own": own,
            "approvals": rows[:200],
            "can_decide": decides(user),
            "institutions": visible_institutions(user).order_by("name_zh") if decides(user) else [],
            "reason_form": ReasonForm(),
        },
    )


@role_required(*DECIDERS)
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    approval = InstitutionApproval.objects.filter(pk=approval_id).first()
    if approval is None:
        raise NotFoundError()
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        institutions.approval_decide(
            acting_user=current_user(request),
            approval=approval,
            approve=request.POST.get("decision") == "approve",
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("talent:approvals")


@role_required(*DECIDERS)
@require_POST
def institution_suspend(request: HttpRequest, institution_id: int) -> HttpResponse:
    user = current_user(request)
    institution = access_institution(user, institution_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        institutions.institution_suspend(
            acting_user=user,
            institution=institution,
            suspend=not institution.suspended,
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("talent:approvals")


# --- bases and the plan ----------------------------------------------------------------------------------


@role_required(*PLAN_READERS)
@require_http_methods(["GET", "POST"])
def bases(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = TrainingBaseForm(request.POST or None) if user.role == Role.PROGRAMME_OFFICE else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            institutions.training_base_designate(acting_user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("talent:bases")
    rows = TrainingBase.objects.select_related("zone", "institution").order_by("name_zh")
    return render(request, "talent/bases.html", {"form": form, "bases": rows})


@role_required(*PLAN_READERS)
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 1990), 2200)
    form = PlanTargetForm(request.POST or None, initial={"year": year}) if user.role == Role.PROGRAMME_OFFICE else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            target = institutions.plan_target_set(acting_user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(f"{request.path}?year={target.year}")
    progress = selectors.plan_progress(year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"training-plan-{year}.xlsx",
            [
                _("Type of training"),
                _("Zone"),
                _("To enrol"),
                _("Enrolled"),
                _("To complete"),
                _("Completed"),
                _("To be hired"),
                _("Hired"),
            ],
            (
                [
                    str(p.target.get_kind_display()),
                    str(p.target.zone or _("City-wide")),
                    p.target.enrolled,
                    p.enrolled,
                    p.target.completed,
                    p.completed,
                    p.target.hired,
                    p.hired,
                ]
                for p in progress
            ),
        )
    return render(request, "talent/plan.html", {"form": form, "year": year, "progress": progress})


# --- programmes -----------------------------------------------------------------------------------------


PROGRAMME_PAGE_SIZE = 50


PROGRAMME_ROLES = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.TRAINING_INSTITUTION, Role.ENTERPRISE)


@role_required(*PROGRAMME_ROLES)
@require_http_methods(["GET", "POST"])
def programme_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    may_create = user.role == Role.TRAINING_INSTITUTION
    form = ProgrammeForm(request.POST or None) if may_create else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            programme = programmes.programme_create(acting_user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Programme set up: ask for its recognition before it starts."))
            return redirect("talent:programme", programme_id=programme.pk)
    visible = visible_programmes(user)
    counts = selectors.programme_counts(visible)
    rows = selectors.programme_lines(visible).order_by("-starts_on", "name_zh", "pk")
    page = CountedPaginator(rows, PROGRAMME_PAGE_SIZE, count=counts.total).get_page(request.GET.get("page"))
    waiting = counts.waiting if decides(user) else 0
    reward_form = RewardForm(initial={"year": timezone.localdate().year}) if may_create else None
    return render(
        request,
        "talent/programmes.html",
        {
            "form": form,
            "page": page,
            "lines": selectors.with_enrolment_counts(page.object_list),
            "query": "",
            "waiting": waiting,
            "reward_form": reward_form,
        },
    )


@login_required
@require_http_methods(["GET"])
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = current_user(request)
    programme = access_programme(user, programme_id)
    enrolments = list(
        visible_enrolments(user)
        .filter(programme=programme)
        .select_related("trainee", "employer", "programme")
        .order_by("trainee__name", "pk")
    )
    if request.GET.get("format") == "xlsx":
        states = selectors.subsidy_states(enrolments)
        return xlsx_response(
            f"programme-{programme.pk}-trainees.xlsx",
            [
                _("Name"),
                _("Identity number"),
                _("Category"),
                _("Status"),
                _("Hours attended"),
                _("Passed"),
                _("Hired by"),
                _("Contract date"),
                _("Subsidy"),
            ],
            (
                [
                    e.trainee.name,
                    e.trainee.id_masked,
                    str(e.get_category_display()),
                    str(e.get_status_display()),
                    e.attended_hours,
                    "" if e.passed is None else (_("yes") if e.passed else _("no")),
                    e.employer.name if e.employer else "",
                    e.contract_date or "",
                    "; ".join(f"{s.rule_id} {s.state}".strip() for s in states[e.pk]),
                ]
                for e in enrolments
            ),
        )
    manage = runs(user, programme)
    states = selectors.subsidy_states(enrolments)
    context: dict[str, Any] = {
        "programme": programme,
        "enrolments": enrolments,
        "rows": [(e, states[e.pk]) for e in enrolments],
        "manage": manage,
        "can_decide": decides(user) and programme.recognition == Recognition.REQUESTED,
        "enrol_form": EnrolForm() if manage and programme.ends_on >= timezone.localdate() else None,
        "completion_form": CompletionForm(initial={"completed_on": programme.ends_on, "passed": True}),
        "attendance_form": AttendanceForm(),
        "hire_form": HireForm(),
        "reason_form": ReasonForm(),
        "proof_form": ProofForm(),
        "claimable": [
            (
                rule,
                action,
                claims.eligible_enrolments(programme, rule).count(),
                claims.lacking_proof(programme, rule).count(),
            )
            for rule, action in (("HZ-17b", "claim_17b"), ("HZ-17c", "claim_17c"), ("HZ-17d", "claim_17d"))
        ]
        if manage and user.role == Role.TRAINING_INSTITUTION
        else [],
        "claim_lines": ClaimLine.objects.filter(enrolment__programme=programme)
        .values("application_id", "rule_id", "application__status")
        .distinct()
        .order_by("application_id"),
    }
    return render(request, "talent/programme_detail.html", context)


@login_required
@require_POST
def programme_action(request: HttpRequest, programme_id: int, action: str) -> HttpResponse:
    user = current_user(request)
    programme = access_programme(user, programme_id)
    try:
        if action == "request_recognition":
            programmes.programme_request_recognition(acting_user=user, programme=programme)
            messages.success(request, _("Recognition requested."))
        elif action in ("recognise", "not_recognise"):
            reason_form = ReasonForm(request.POST)
            reason_form.is_valid()
            programmes.programme_decide_recognition(
                acting_user=user,
                programme=programme,
                recognise=action == "recognise",
                reason=reason_form.cleaned_data.get("reason", ""),
            )
        elif action == "enrol":
            form = EnrolForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    messages.error(request, " ".join(str(e) for e in errors))
                return redirect("talent:programme", programme_id=programme.pk)
            services.enrol(acting_user=user, programme=programme, **form.cleaned_data)
            if programme.recognition == Recognition.RECOGNISED:
                messages.success(request, _("Trainee enrolled."))
            else:
                messages.warning(
                    request,
                    _(
                        "Trainee enrolled. The programme is not recognised for subsidy: "
                        "tell the trainee that no subsidy follows."
                    ),
                )
        elif action.startswith("claim_"):
            rule_id = {
                "claim_17b": "HZ-17b",
                "claim_17c": "HZ-17c",
                "claim_17d": "HZ-17d",
                "claim_hire": "HZ-17b-hire",
            }.get(action)
            if rule_id is None:
                raise NotFoundError()
            created = claims.claims_generate(
                acting_user=user,
                programme=programme,
                rule_id=rule_id,
                commitment_signed=request.POST.get("commitment") == "on",
            )
            waiting = claims.lacking_proof(programme, rule_id).count()
            if waiting:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)s person is not claimed: their proof is missing.",
                        "%(n)s persons are not claimed: their proofs are missing.",
                        waiting,
                    )
                    % {"n": waiting},
                )
            if created:
                messages.success(request, _("Claim submitted for review."))
            else:
                messages.info(request, _("Nobody qualifies for a new claim."))
            if created and rule_id == "HZ-17b-hire":
                return redirect("talent:hires")
        else:
            raise NotFoundError()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    if action == "claim_hire":
        return redirect("talent:hires")
    return redirect("talent:programme", programme_id=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def programme_import(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = current_user(request)
    programme = access_programme(user, programme_id, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_submit(
                acting_user=user,
                kind=TRAINEES_IMPORT,
                upload=upload,
                filename=upload.name,
                options={"programme": programme.pk},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "talent/import.html",
        {"form": form, "programme": programme, "columns": TRAINEE_COLUMNS, "optional": TRAINEE_OPTIONAL_COLUMNS},
    )


# --- one trainee's path ---------------------------------------------------------------------------------


@login_required
@require_POST
def enrolment_action(request: HttpRequest, enrolment_id: int, action: str) -> HttpResponse:
    user = current_user(request)
    enrolment = access_enrolment(user, enrolment_id)
    back = request.POST.get("next") == "hires"
    try:
        if action == "attendance":
            form: Any = AttendanceForm(request.POST)
            if form.is_valid():
                services.attendance_record(acting_user=user, enrolment=enrolment, hours=form.cleaned_data["hours"])
        elif action == "complete":
            form = CompletionForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                certificate, pass_certificate = (
                    services.ProofFile(stream=data[n], name=data[n].name) if data.get(n) else None
                    for n in ("certificate", "pass_certificate")
                )
                services.completion_record(
                    acting_user=user,
                    enrolment=enrolment,
                    completed_on=data["completed_on"],
                    passed=data["passed"],
                    certificate=certificate,
                    pass_certificate=pass_certificate,
                )
        elif action == "proof":
            form = ProofForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["proof"]
                services.enrolment_proof_attach(
                    acting_user=user,
                    enrolment=enrolment,
                    kind=form.cleaned_data["kind"],
                    proof=services.ProofFile(stream=upload, name=upload.name),
                    hire_proof_kind=form.cleaned_data.get("hire_proof_kind") or "",
                )
                messages.success(request, _("Proof attached."))
        elif action == "withdraw":
            form = ReasonForm(request.POST)
            form.is_valid()
            services.enrolment_withdraw(
                acting_user=user, enrolment=enrolment, reason=form.cleaned_data.get("reason", "")
            )
        elif action == "hire":
            form = HireForm(request.POST, request.FILES)
            if form.is_valid():
                proof = form.cleaned_data["proof"]
                services.hire_record(
                    acting_user=user,
                    enrolment=enrolment,
                    employer=form.cleaned_data["employer"],
                    contract_date=form.cleaned_data["contract_date"],
                    proof=services.HireProof(kind=form.cleaned_data["proof_kind"], stream=proof, name=proof.name),
                )
        elif action == "confirm_hire":
            form = None
            services.hire_confirm(acting_user=user, enrolment=enrolment)
            messages.success(request, _("Hire confirmed."))
        else:
            raise NotFoundError()
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    if back:
        return redirect("talent:hires")
    return redirect("talent:programme", programme_id=enrolment.programme_id)


# --- the employer: hires to confirm, refunds due -------------------------------------------------------


@role_required(Role.ENTERPRISE)
@require_http_methods(["GET"])
def hires(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.enterprise_id is None:
        raise PermissionDeniedError()
    to_confirm = (
        Enrolment.objects.filter(employer_id=user.enterprise_id, hire_confirmed_at__isnull=True)
        .select_related("trainee", "programme", "programme__institution")
        .order_by("contract_date", "pk")
    )
    due = list(selectors.refunds_due_through(user.enterprise_id).filter(hire_confirmed_at__isnull=False))
    by_programme: dict[int, list[Any]] = {}
    for enrolment in due:
        by_programme.setdefault(enrolment.programme_id, []).append(enrolment)
    rate = programme_refund_rate()
    return render(
        request,
        "talent/hires.html",
        {
            "to_confirm": to_confirm,
            "hire_proof_form": HireProofForm(),
            "due": [
                (rows[0].programme, rows, sum(r.programme.fee_cny for r in rows) * rate)
                for rows in by_programme.values()
            ],
        },
    )


def programme_refund_rate() -> Any:
    """The HZ-17b-hire rate in force (shown as an estimate; the claim's amounts come from the engine)."""
    from decimal import Decimal

    from waibao.policy.engine import default_package

    pkg = default_package()
    values = pkg.parameters_at(timezone.localdate())
    value = values.get("hz17b_hire_refund_rate")
    return Decimal(str(value.value)) if value is not None and value.value is not None else Decimal("0")


# --- claims: one person's line -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def claim_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id)
    if application.talent_claim is None:
        raise NotFoundError()
    lines = claims.claim_lines([application]).get(application.pk, [])
    for line in lines:
        line.missing_proofs = [  # type: ignore[attr-defined]
            (kind, ProofKind(kind).label)
            for kind in claims.PROOFS_BY_RULE.get(line.rule_id, ())
            if not line.enrolment.proof_file(kind)[1]
        ]
    may_refuse = user.role == Role.DEPARTMENT_REVIEWER and application.status in claims.LINE_DECISION_STATES
    from waibao.applications.access import reviews

    return render(
        request,
        "talent/claim.html",
        {
            "application": application,
            "lines": lines,
            "may_refuse": may_refuse and reviews(user, application),
            "reason_form": ReasonForm(),
        },
    )


@role_required(Role.DEPARTMENT_REVIEWER)
@require_POST
def claim_line_refuse(request: HttpRequest, application_id: int, line_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id)
    line = ClaimLine.objects.filter(pk=line_id, application=application).first()
    if line is None:
        raise NotFoundError()
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        claims.claim_line_refuse(acting_user=user, line=line, reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("talent:claim", application_id=application.pk)


@login_required
@require_http_methods(["GET"])
def enrolment_proof(request: HttpRequest, enrolment_id: int, kind: str) -> HttpResponse:
    """One proof of a trainee's path, for whoever may see the enrolment (its institution, the employer, the
    office, the training reviewers who decide the claim's lines); served like every checked upload."""
    from waibao.applications import evidence as evidence_files

    user = current_user(request)
    enrolment = access_enrolment(user, enrolment_id)
    if kind not in ProofKind.values:
        raise NotFoundError()
    name, stored, content_type = enrolment.proof_file(kind)
    if not stored:
        raise NotFoundError()
    return evidence_files.download_response(stored_name=stored, original_name=name, content_type=content_type)


@role_required(Role.TRAINING_INSTITUTION)
@require_POST
def reward_claim(request: HttpRequest) -> HttpResponse:
    """The institution claims its HZ-17a reward for a year, generated from its records."""
    user = current_user(request)
    form = RewardForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("talent:programmes")
    try:
        application = claims.institution_reward_generate(
            acting_user=user,
            year=form.cleaned_data["year"],
            commitment_signed=bool(form.cleaned_data.get("commitment")),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("talent:programmes")
    messages.success(request, _("Reward claim submitted for review."))
    return redirect("applications:detail", application.pk)


# --- the office: refused duplicates -------------------------------------------------------------------------


@role_required(*DECIDERS)
@require_http_methods(["GET"])
def refusals(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not decides(user):
        raise PermissionDeniedError()
    rows = DuplicateRefusal.objects.select_related(
        "trainee", "programme__institution", "conflicting__programme__institution"
    ).order_by("-created_at")[:300]
    return render(request, "talent/refusals.html", {"refusals": rows})
