"""Application pages: apply, detail with actions, work queues, public notice, routing, notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import OFFICE, STAFF, current_user, role_required
from waibao.accounts.models import Role, User
from waibao.applications import evidence as evidence_files
from waibao.applications import jobs as application_jobs
from waibao.applications import selectors
from waibao.applications import services as application_services
from waibao.applications.access import access_application, is_applicant, reviews
from waibao.applications.forms import (
    LIMIT_STATUSES,
    RESOLVE_DECISIONS,
    TRIAGE_DECISIONS,
    ApplicationForm,
    EvidenceForm,
    ObjectionCodeForm,
    ObjectionForm,
    PaymentForm,
    ReasonForm,
    RecommendForm,
    ResolveForm,
    RevealForm,
    RoutingForm,
    RuleChoiceForm,
)
from waibao.applications.models import Application, ApplicationStatus, Evidence, Objection, RuleRouting
from waibao.applications.policy import NotEntitledError, rule_form
from waibao.applications.services import (
    COMMITMENT_TEXT,
    HIRE_RULES,
    application_confirm_hire,
    application_create,
    application_recommend,
    application_record_payment,
    application_submit,
    application_transition,
    application_update,
    client_key,
    evidence_add,
    notifications_mark_read,
    objection_confirm,
    objection_lodge,
    objection_resolve,
    objection_triage,
    open_commitment,
    routing_update,
)
from waibao.applications.verification import recorded_verification, verified_facts
from waibao.applications.workflow import APPLICATION_WORKFLOW, SPECIAL_TRANSITIONS, STATUS_EXPLAINED
from waibao.common import public_cache
from waibao.common.clientip import client_ip
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.common.money import to_money
from waibao.common.pagination import FirstPageFirstPaginator
from waibao.common.request_keys import issue_request_key, redeem_request_key
from waibao.jobs.services import job_submit
from waibao.talent.services import REVEAL_ROLES, trainee_id_reveal

APPLICANT_ROLES = (Role.ENTERPRISE, Role.TRAINING_INSTITUTION)
# While the department reviews, staff see the declared facts beside the platform's current figures; afterwards
# the award record (what was verified at recommendation) stands.
LIVE_CHECK = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED)
S = ApplicationStatus


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:login')}?next={request.path}")


# --- applicants ---------------------------------------------------------------------------------------


MY_PAGE_SIZE = 50


@role_required(*APPLICANT_ROLES)
def my_applications(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # The list shows the application's own columns and, for a trainee's application, the trainee: the enterprise,
    # institution and department the staff lists join would be compiled and loaded for nothing.
    mine = selectors.applications_for(user).select_related(None).select_related("trainee")
    number = request.GET.get("page")
    page = FirstPageFirstPaginator(mine, MY_PAGE_SIZE, number=number).get_page(number)
    rows = [(application, STATUS_EXPLAINED.get(application.status, "")) for application in page.object_list]
    return render(request, "applications/my_list.html", {"page": page, "rows": rows})


def _new_context(request: HttpRequest, user: User) -> tuple[RuleChoiceForm, str | None, int | None]:
    options = selectors.rule_options(user)
    choose = RuleChoiceForm(
        request.GET or None,
        rules=[(o.rule_id, f"{o.rule_id} · {o.title}") for o in options],
        years=selectors.year_choices(),
    )
    if request.GET and choose.is_valid():
        return choose, choose.cleaned_data["rule"], choose.cleaned_data["year"]
    return choose, None, None


@role_required(*APPLICANT_ROLES)
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    choose, rule_id, year = _new_context(request, user)
    context: dict[str, Any] = {"choose": choose, "options": selectors.rule_options(user)}
    if rule_id is None or year is None:
        return render(request, "applications/new.html", context)
    rule = rule_form(rule_id)
    routing = RuleRouting.objects.select_related("department").filter(rule_id=rule_id).first()
    prefilled = selectors.prefill(user, rule_id=rule_id, year=year)
    initial = ApplicationForm.initial_from(prefilled.values, {})
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        rule=rule,
        routing=routing,
        initial=initial,
        sources=prefilled.sources,
    )
    context.update({"form": form, "rule": rule, "routing": routing, "year": year, "explanation": []})
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(
                acting_user=user,
                rule_id=rule_id,
                year=year,
                facts=form.facts(),
                item=form.item(),
                item_key=form.cleaned_data.get("item_key", ""),
                uploads=form.uploads(),
                commitment_signed=form.cleaned_data["commitment"],
                hire_employer=form.cleaned_data.get("hire_employer", ""),
                hire_recorded_on=form.cleaned_data.get("hire_recorded_on"),
                submit="submit" in request.POST,
                person=form.person(),
                explanations=form.explanations(),
            )
        except NotEntitledError as exc:
            add_domain_error(form, exc)
            context["explanation"] = exc.explanation
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if application.status == S.SUBMITTED:
                messages.success(request, _("Application submitted."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect("applications:detail", application_id=application.pk)
    return render(request, "applications/new.html", context)


@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    user = current_user(request)
    application = access_application(user, application_id)
    if not is_applicant(user, application) or application.status not in (S.DRAFT, S.RETURNED):
        raise DomainError(_("Only a draft or a returned application can be changed."), code="not_editable")
    rule = rule_form(application.rule_id)
    routing = RuleRouting.objects.filter(rule_id=application.rule_id).first()
    initial = ApplicationForm.initial_from(
        application.facts.get("facts", {}), application.facts.get("item", {}), application.facts.get("explanations")
    )
    initial.update(
        {
            "item_key": application.item_key,
            "trainee_name": application.trainee.name if application.trainee else "",
            "trainee_id_type": application.trainee.id_type if application.trainee else "",
            "hire_employer": application.hire_employer,
            "hire_recorded_on": application.hire_recorded_on,
            "commitment": application.commitment_signed_at is not None,
        }
    )
    form = ApplicationForm(
        request.POST or None, rule=rule, routing=routing, with_files=False, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_update(
                acting_user=user,
                application=application,
                facts=form.facts(),
                item=form.item(),
                item_key=form.cleaned_data.get("item_key", ""),
                commitment_signed=form.cleaned_data["commitment"],
                hire_employer=form.cleaned_data.get("hire_employer") if rule.rule_id in HIRE_RULES else None,
                hire_recorded_on=form.cleaned_data.get("hire_recorded_on"),
                person=form.person(),
                explanations=form.explanations(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("applications:detail", application_id=application.pk)
    return render(request, "applications/edit.html", {"form": form, "application": application, "rule": rule})


@require_POST
def evidence_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    user = current_user(request)
    application = access_application(user, application_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file and its kind."))
        return redirect("applications:detail", application_id=application.pk)
    from waibao.applications.services import Upload

    upload = form.cleaned_data["file"]
    try:
        evidence_add(
            acting_user=user,
            application=application,
            uploads=[Upload(kind=form.cleaned_data["kind"], stream=upload, name=upload.name)],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("File attached."))
    return redirect("applications:detail", application_id=application.pk)


def evidence_download(request: HttpRequest, application_id: int, evidence_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    application = access_application(request.user, application_id)
    row = Evidence.objects.filter(pk=evidence_id, application=application).first()
    if row is None:
        raise NotFoundError()
    return evidence_files.download_response(
        stored_name=row.stored_name, original_name=row.original_name, content_type=row.content_type
    )


# --- one application --------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    user = current_user(request)
    role = user.role
    applicant = is_applicant(user, application)
    actions = [
        t
        for t in APPLICATION_WORKFLOW.available(state=application.status, role=role)
        if t.name not in SPECIAL_TRANSITIONS or t.name in ("submit", "resubmit")
    ]
    if role == Role.DEPARTMENT_REVIEWER and not reviews(user, application):
        actions = []
    if role in APPLICANT_ROLES and not applicant:
        actions = []
    if (
        application.status == S.IN_NOTICE
        and application.notice_ends_on
        and application_services.today() <= application.notice_ends_on
    ):
        actions = [t for t in actions if t.name != "final_approve"]
    can_recommend = (
        role == Role.DEPARTMENT_REVIEWER and application.status == S.IN_REVIEW and reviews(user, application)
    )
    can_confirm_hire = can_recommend and application.rule_id in HIRE_RULES and application.hire_confirmed_at is None
    commitment = open_commitment(application) if application.status == S.COMMITTED else None
    can_pay = role == Role.FINANCE_OFFICER and commitment is not None
    remaining = None
    if commitment is not None:
        remaining = to_money(commitment.amount) - to_money(commitment.paid) - to_money(commitment.released)
    staff = role in STAFF
    default_amount = application.recommended_amount_cny or (
        application.calculated_amount_cny if application.basis == "fixed" else None
    )
    return {
        "application": application,
        "explained": STATUS_EXPLAINED.get(application.status, ""),
        "actions": actions,
        "is_applicant": applicant,
        "can_edit": applicant and application.status in (S.DRAFT, S.RETURNED),
        "can_recommend": can_recommend and not can_confirm_hire,
        "can_confirm_hire": can_confirm_hire,
        "recommend_form": RecommendForm(initial={"amount": default_amount}),
        "evidence_form": EvidenceForm(),
        "evidence": list(application.evidence.all()),
        "explanation": selectors.explanation(application),
        "applied": selectors.applied_entitlement(application),
        "declared": selectors.declared_facts(application),
        "fund_name": selectors.fund_name(application.fund_code) if application.fund_code else "",
        "basis_name": selectors.basis_name(application.basis) if application.basis else "",
        "commitment_text": COMMITMENT_TEXT,
        "history": list(selectors.history(application)) if staff else [],
        "objections": list(application.objections.all()) if staff else [],
        "can_resolve": role == Role.PROGRAMME_OFFICE and application.status == S.ON_HOLD,
        "can_triage": role == Role.PROGRAMME_OFFICE and application.status in (S.IN_NOTICE, S.ON_HOLD),
        "triage_choices": TRIAGE_DECISIONS,
        "resolve_choices": RESOLVE_DECISIONS,
        "can_pay": can_pay,
        "payment_form": PaymentForm(initial={"amount": remaining, "idempotency_key": issue_request_key(user)})
        if can_pay
        else None,
        "remaining": remaining,
        "commitments": list(application.commitments.all()) if hasattr(application, "commitments") else [],
        "ledger_entries": selectors.ledger_view(application, staff=staff) if staff or applicant else [],
        "staff": staff,
        "can_reveal_id": application.trainee_id is not None
        and role in REVEAL_ROLES
        and (role != Role.DEPARTMENT_REVIEWER or reviews(user, application)),
        "reveal_form": RevealForm(),
        "verified_facts": verified_facts(application) if staff and application.status in LIVE_CHECK else [],
        "recorded_verification": recorded_verification(application) if staff or applicant else [],
    }


def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    application = access_application(request.user, application_id)
    return render(request, "applications/detail.html", _detail_context(request, application))


@require_POST
def application_action(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    user = current_user(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose an action."), code="action_required")
    action = form.cleaned_data["action"]
    application = access_application(user, application_id, action=action)
    try:
        if action in ("submit", "resubmit"):
            application_submit(
                acting_user=user, application=application, commitment_signed=request.POST.get("commitment") == "on"
            )
        else:
            application_transition(
                acting_user=user, application=application, action=action, reason=form.cleaned_data["reason"]
            )
    except NotEntitledError as exc:
        messages.error(request, str(exc.message))
        for line in exc.explanation:
            messages.info(request, line)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": APPLICATION_WORKFLOW.get(action).label})
    return redirect("applications:detail", application_id=application.pk)


@role_required(Role.DEPARTMENT_REVIEWER)
@require_POST
def application_recommend_view(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id, action="recommend")
    form = RecommendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("applications:detail", application_id=application.pk)
    try:
        application_recommend(
            acting_user=user,
            application=application,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recommended."))
    return redirect("applications:detail", application_id=application.pk)


@role_required(Role.DEPARTMENT_REVIEWER)
@require_POST
def application_confirm_hire_view(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id)
    try:
        application_confirm_hire(acting_user=user, application=application)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Hire confirmed."))
    return redirect("applications:detail", application_id=application.pk)


@role_required(*OFFICE)
@require_POST
def objection_resolve_view(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the resolution."))
        return redirect("applications:detail", application_id=application.pk)
    objection = Objection.objects.filter(pk=form.cleaned_data["objection"], application=application).first()
    if objection is None:
        raise NotFoundError()
    decision = form.cleaned_data["decision"]
    try:
        if decision in ("admit", "not_admitted"):
            objection_triage(
                acting_user=user,
                objection=objection,
                admit=decision == "admit",
                reason=form.cleaned_data["resolution"],
            )
        else:
            objection_resolve(
                acting_user=user, objection=objection, decision=decision, resolution=form.cleaned_data["resolution"]
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Objection resolved."))
    return redirect("applications:detail", application_id=application.pk)


@role_required(*REVEAL_ROLES)
@require_POST
def trainee_id_reveal_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """Show the trainee's whole identity number once, to a role that needs it; the reading is audited."""
    user = current_user(request)
    application = access_application(user, application_id)
    if user.role == Role.DEPARTMENT_REVIEWER and not reviews(user, application):
        raise NotFoundError()
    if application.trainee is None:
        raise NotFoundError()
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("applications:detail", application_id=application.pk)
    number = trainee_id_reveal(acting_user=user, trainee=application.trainee, reason=form.cleaned_data["reason"])
    context = _detail_context(request, application)
    context["revealed_id"] = number
    response = render(request, "applications/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.FINANCE_OFFICER)
@require_POST
def application_pay_view(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    application = access_application(user, application_id, action="pay")
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Enter the amount paid, the voucher number, the payment date and the payee's account.")
            + " "
            + " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect("applications:detail", application_id=application.pk)
    try:
        application_record_payment(
            acting_user=user,
            application=application,
            amount=form.cleaned_data["amount"],
            idempotency_key=redeem_request_key(user, form.cleaned_data["idempotency_key"]),
            record=form.payment_record(),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Payment recorded."))
    return redirect("applications:detail", application_id=application.pk)


# --- staff lists ------------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def work_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":  # the export: a job, whose page offers the file
        job = job_submit(acting_user=user, kind=application_jobs.QUEUE_EXPORT)
        return redirect("jobs:detail", job_id=job.pk)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    triage = selectors.objections_awaiting_triage() if user.role == Role.PROGRAMME_OFFICE else []
    return render(
        request,
        "applications/queue.html",
        {"queue": selectors.queue(user, page=page), "triage": triage, "now": timezone.now()},
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def application_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    status = status if status in S.values else ""
    rule_id = request.GET.get("rule", "")[:32]
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    qs = selectors.applications_for(user, status=status, rule_id=rule_id, year=year)
    if request.method == "POST":  # the export: a job, whose page offers the file
        options = {"status": status, "rule": rule_id, "year": year}
        job = job_submit(acting_user=user, kind=application_jobs.INDEX_EXPORT, options=options)
        return redirect("jobs:detail", job_id=job.pk)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/list.html",
        {
            "page": page,
            "statuses": S.choices,
            "status": status,
            "rule": rule_id,
            "year": year or "",
            "query": query.urlencode(),
        },
    )


# --- public notice ----------------------------------------------------------------------------------


# Anonymous readers get the page from the public cache: applications enter, are held in and leave the notice only
# through the services (APPLICATIONS), names come from the registry (REGISTRY), and the notice period follows the day.
@public_cache.public_page(
    public_cache.APPLICATIONS, public_cache.REGISTRY, params=("page", "object"), moment=public_cache.today
)
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest) -> HttpResponse:
    """The public notice (公示): no sign-in; anyone may object while an application is in its notice period.

    Step one records the objection and sends a code to the contact; step two (`notice_confirm`) takes the code.
    """
    form = ObjectionForm(request.POST or None)
    target = request.POST.get("application") if request.method == "POST" else request.GET.get("object")
    in_notice = selectors.notice_list()
    selected = (
        in_notice.filter(pk=int(str(target)), status=S.IN_NOTICE).first() if str(target or "").isdigit() else None
    )
    if request.method == "POST":
        if selected is None:
            messages.error(request, _("This application is not in its public notice period."))
            return redirect("applications:notice")
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # The hidden field was filled: a robot. Say nothing useful to it.
                messages.success(request, _("Thank you: your objection was received and will be examined."))
                return redirect("applications:notice")
            try:
                objection = objection_lodge(
                    application=selected,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                    client=client_key(client_ip(request)),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                ticket = signing.dumps(objection.pk, salt=OBJECTION_TICKET_SALT)
                confirm = ObjectionCodeForm(initial={"ticket": ticket})
                return render(request, "applications/notice_confirm.html", {"form": confirm, "selected": selected})
    number, rows, count = public_cache.cached(
        "applications-notice",
        areas=(public_cache.APPLICATIONS, public_cache.REGISTRY),
        params=(timezone.localdate().isoformat(), request.GET.get("page", "")),
        compute=lambda: _notice_page(in_notice, request.GET.get("page")),
    )
    page = Paginator(range(count), NOTICE_PAGE_SIZE).page(number)  # the page links; its rows come from the cache
    return render(request, "applications/notice.html", {"page": page, "rows": rows, "form": form, "selected": selected})


NOTICE_PAGE_SIZE = 50


def _notice_page(in_notice: QuerySet[Application], number: str | None) -> tuple[int, list[Application], int]:
    """One page of the public notice as plain data for the cache: its number, its rows, the total count."""
    page = Paginator(in_notice, NOTICE_PAGE_SIZE).get_page(number)
    return page.number, list(page.object_list), page.paginator.count


OBJECTION_TICKET_SALT = "waibao.objection"


@require_POST
def notice_confirm(request: HttpRequest) -> HttpResponse:
    """Step two of an objection: the code sent to the contact confirms it; the office then examines it."""
    form = ObjectionCodeForm(request.POST)
    objection = None
    if form.is_valid():
        try:
            objection_id = signing.loads(form.cleaned_data["ticket"], salt=OBJECTION_TICKET_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            objection_id = None
        objection = Objection.objects.filter(pk=objection_id).select_related("application").first()
    if objection is None:
        messages.error(request, _("This confirmation link is not valid; lodge the objection again."))
        return redirect("applications:notice")
    if form.is_valid():
        try:
            objection_confirm(objection=objection, code=form.cleaned_data["code"])
        except DomainError as exc:
            if exc.code != "code_wrong":
                messages.error(request, str(exc.message))
                return redirect("applications:notice")
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: your objection is confirmed. The programme office will examine it and may contact you."),
            )
            return redirect("applications:notice")
    return render(
        request, "applications/notice_confirm.html", {"form": form, "selected": objection.application}, status=200
    )


# --- notifications ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    user = current_user(request)
    if request.method == "POST":
        notifications_mark_read(acting_user=user)
        return redirect("applications:notifications")
    return render(
        request,
        "applications/notifications.html",
        {"notifications": list(selectors.notifications_for(user)), "unread": selectors.unread_notifications(user)},
    )


# --- routing ----------------------------------------------------------------------------------------


@role_required(*STAFF)
def routing_index(request: HttpRequest) -> HttpResponse:
    routings = RuleRouting.objects.select_related("department").prefetch_related("partners").order_by("rule_id")
    return render(
        request,
        "applications/routing_list.html",
        {"routings": routings, "limit_statuses": [(s, S(s).label) for s in LIMIT_STATUSES]},
    )


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def routing_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    routing = RuleRouting.objects.filter(rule_id=rule_id).first()
    if routing is None:
        raise NotFoundError()
    initial: dict[str, Any] = {
        "department": routing.department,
        "partners": list(routing.partners.all()),
        "notice_days": routing.notice_days,
        "is_open": routing.is_open,
        "verification_tolerance_percent": routing.verification_tolerance_percent,
    }
    initial.update({f"limit_{k}": v for k, v in (routing.time_limits or {}).items()})
    form = RoutingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            routing_update(
                acting_user=current_user(request),
                routing=routing,
                department=form.cleaned_data["department"],
                partners=list(form.cleaned_data["partners"]),
                notice_days=form.cleaned_data["notice_days"],
                time_limits=form.time_limits(),
                is_open=form.cleaned_data["is_open"],
                verification_tolerance_percent=form.cleaned_data["verification_tolerance_percent"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("applications:routing")
    return render(request, "applications/routing_form.html", {"form": form, "routing": routing})
