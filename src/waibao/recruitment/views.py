"""Pages of the recruitment site: the public list and feed, a posting (with its JSON-LD), the enterprise's
postings and applicants, the office's review, the job seeker's registration, profile, CV and applications."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import current_user
from waibao.accounts.models import Role
from waibao.accounts.services import user_set_language
from waibao.accounts.throttle import throttle
from waibao.applications import evidence
from waibao.common import public_cache
from waibao.common.clientip import client_ip
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.common.pagination import CountedPaginator
from waibao.common.tabular import xlsx_response
from waibao.recruitment import selectors, services
from waibao.recruitment.access import (
    access_candidacy,
    access_posting,
    owns_posting,
    require_enterprise,
    require_office,
    seeker_of,
)
from waibao.recruitment.forms import (
    ApplyForm,
    CvForm,
    HireForm,
    PostingForm,
    ProfileForm,
    ReasonForm,
    SearchForm,
    SeekerRegistrationForm,
)
from waibao.recruitment.jsonld import posting_jsonld
from waibao.recruitment.models import Candidacy, CandidacyStatus, JobSeeker, PostingStatus
from waibao.recruitment.workflow import EDITABLE, POSTING_WORKFLOW

PAGE_SIZE = 20


def _login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def _filters(form: SearchForm) -> selectors.PostingFilters:
    if not (form.is_bound and form.is_valid()):
        return selectors.PostingFilters()
    data = form.cleaned_data
    return selectors.PostingFilters(
        query=(data.get("q") or "").strip(),
        category=data.get("category") or "",
        zone=data.get("zone") or "",
        language=data.get("language") or "",
        salary_band=data.get("salary") or "",
        include_closed=bool(data.get("closed")),
    )


def _seeker_or_none(request: HttpRequest) -> JobSeeker | None:
    user = request.user
    if user.is_authenticated and getattr(user, "role", "") == Role.JOB_SEEKER:
        return JobSeeker.objects.filter(user_id=user.pk).first()
    return None


# --- public -------------------------------------------------------------------------------------------


# Anonymous readers get the board from the public cache: published postings change only through the services
# (RECRUITMENT), enterprises' names, zones and categories through the registry's; "closing soon" follows the day.
@public_cache.public_page(
    public_cache.RECRUITMENT,
    public_cache.REGISTRY,
    params=("q", "category", "zone", "language", "salary", "closed", "page"),
    moment=public_cache.today,
)
def posting_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = _filters(form)
    cards, count, number = selectors.board_page(filters, request.GET.get("page"), per_page=PAGE_SIZE)
    page = Page(cards, number, CountedPaginator(cards, PAGE_SIZE, count=count))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/posting_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "applied": selectors.applied_posting_ids(_seeker_or_none(request)),
            "can_post": getattr(request.user, "role", "") == Role.ENTERPRISE,
        },
    )


def posting_page(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = access_posting(request.user, posting_id)
    user = request.user
    role = getattr(user, "role", None) if user.is_authenticated else None
    seeker = _seeker_or_none(request)
    candidacy = Candidacy.objects.filter(posting=posting, seeker=seeker).first() if seeker else None
    owner = owns_posting(user, posting)
    context: dict[str, Any] = {
        "posting": posting,
        "owner": owner,
        "is_office": role == Role.PROGRAMME_OFFICE,
        "seeker": seeker,
        "candidacy": candidacy,
        "apply_form": ApplyForm() if seeker and posting.is_open and candidacy is None else None,
        "transitions": POSTING_WORKFLOW.available(state=posting.status, role=role)
        if (owner or role == Role.PROGRAMME_OFFICE)
        else [],
        "reason_form": ReasonForm(),
        "editable": owner and posting.status in EDITABLE,
        "jsonld": posting_jsonld(posting, request=request) if posting.status == PostingStatus.PUBLISHED else "",
    }
    return render(request, "recruitment/posting_detail.html", context)


def catalogue_page(request: HttpRequest) -> HttpResponse:
    talents, benefits = selectors.catalogue()
    codes = {t.category_id for t in talents if t.category_id}
    counts = selectors.open_postings_in(codes, today=timezone.localdate())
    rows = [(t, counts.get(t.category_id or "", 0)) for t in talents]
    from waibao.casework.models import CaseType

    # the case types that take a catalogue entry (talent residence permit, high-level talent benefits)
    case_types = [t for t in CaseType.objects.filter(is_active=True) if "scarce_talent" in t.fields]
    return render(request, "recruitment/catalogue.html", {"rows": rows, "benefits": benefits, "case_types": case_types})


# --- the enterprise ----------------------------------------------------------------------------------------


def my_postings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    user = require_enterprise(request.user)
    assert user.enterprise_id is not None
    page = Paginator(selectors.enterprise_postings(user.enterprise_id), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/my_postings.html", {"page": page})


@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, posting_id: int | None = None) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    user = require_enterprise(request.user)
    posting = access_posting(user, posting_id, action="edit") if posting_id else None
    if posting is not None and posting.status not in EDITABLE:
        messages.error(request, _("Only a draft or a returned posting can be changed."))
        return redirect("recruitment:posting", posting.pk)
    initial: dict[str, Any] = {}
    if posting is not None:
        initial = {
            "title": posting.title,
            "category": posting.category_id,
            "zone": posting.zone.code if posting.zone else "",
            "languages": posting.languages,
            "salary_min_cny": posting.salary_min_cny,
            "salary_max_cny": posting.salary_max_cny,
            "openings": posting.openings,
            "closing_date": posting.closing_date,
            "description": posting.description,
        }
    form = PostingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = services.PostingFields(
            title=data["title"],
            category=data["category"],
            zone=data["zone"],
            languages=data["languages"],
            salary_min_cny=data["salary_min_cny"],
            salary_max_cny=data["salary_max_cny"],
            openings=data["openings"],
            description=data["description"],
            closing_date=data["closing_date"],
        )
        try:
            saved = services.posting_save(acting_user=user, fields=fields, posting=posting)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Posting saved. Submit it for review when it is ready."))
            return redirect("recruitment:posting", saved.pk)
    return render(request, "recruitment/posting_form.html", {"form": form, "posting": posting})


@require_POST
def posting_action(request: HttpRequest, posting_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    user = current_user(request)
    action = request.POST.get("action", "")
    needed = "review" if user.role == Role.PROGRAMME_OFFICE else "edit"
    posting = access_posting(user, posting_id, action=needed)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("recruitment:posting", posting.pk)
    try:
        services.posting_transition(acting_user=user, posting=posting, action=action, reason=reason)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": POSTING_WORKFLOW.get(action).label})
    return redirect("recruitment:posting", posting.pk)


def applicants_page(request: HttpRequest, posting_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    posting = access_posting(request.user, posting_id, action="applicants")
    rows = list(selectors.applicants(posting))
    return render(request, "recruitment/applicants.html", {"posting": posting, "rows": rows})


def applicants_export(request: HttpRequest, posting_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    posting = access_posting(request.user, posting_id, action="applicants")
    headers = [_("Name"), _("Email"), _("Phone"), _("Applied on"), _("Status"), _("Contract date")]
    rows = (
        [
            str(c.seeker.user),
            c.seeker.user.email,
            c.seeker.phone,
            timezone.localtime(c.created_at).date(),
            CandidacyStatus(c.status).label,
            c.contract_date or "",
        ]
        for c in selectors.applicants(posting)
    )
    return xlsx_response("applicants.xlsx", headers, rows)


# --- the office -------------------------------------------------------------------------------------------


def review_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    require_office(request.user)
    page = Paginator(selectors.office_postings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/review.html", {"queue": list(selectors.review_queue()[:200]), "page": page})


def postings_export(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    require_office(request.user)
    headers = [
        _("Job title"),
        _("Enterprise"),
        _("Service category"),
        _("Zone"),
        _("Status"),
        _("Published at"),
        _("Closing date"),
        _("Openings"),
    ]
    rows = (
        [
            p.title,
            p.enterprise.name,
            p.category.name_en if translation.get_language() == "en" else p.category.name_zh,
            (p.zone.name_en or p.zone.name_zh)
            if p.zone and translation.get_language() == "en"
            else (p.zone.name_zh if p.zone else ""),
            PostingStatus(p.status).label,
            timezone.localtime(p.published_at).date() if p.published_at else "",
            p.closing_date,
            p.openings,
        ]
        for p in selectors.office_postings().iterator(chunk_size=500)
    )
    return xlsx_response("job-postings.xlsx", headers, rows)


# --- job seekers ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SeekerRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("website"):  # the field people do not see: a robot
            return render(request, "recruitment/register.html", {"form": SeekerRegistrationForm()}, status=400)
        try:
            throttle(
                "registration",
                client_ip(request),
                limit=settings.WAIBAO_REGISTRATIONS_PER_HOUR,
                window=datetime.timedelta(hours=1),
                message=_("Too many registrations from your address in the last hour; please try again later."),
            )
            user = services.job_seeker_register(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="waibao.accounts.backends.ModelBackend")
            user_set_language(user=user, language=translation.get_language() or settings.LANGUAGE_CODE)
            messages.success(request, _("Welcome. Upload your CV, then apply for the jobs you like."))
            return redirect("recruitment:seeker_home")
    return render(request, "recruitment/register.html", {"form": form})


def seeker_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    seeker_of_role = current_user(request)
    if seeker_of_role.role == Role.JOB_SEEKER:
        services.job_seeker_profile_ensure(user=seeker_of_role)
    seeker = seeker_of(request.user)
    user = seeker.user
    profile = ProfileForm(
        initial={
            "full_name": user.full_name,
            "phone": seeker.phone,
            "education": seeker.education,
            "graduation_year": seeker.graduation_year,
            "languages": seeker.languages,
            "summary": seeker.summary,
            "id_type": seeker.id_type or "resident_id",
        }
    )
    return _seeker_page(request, seeker, profile=profile, cv_form=CvForm())


def _seeker_page(
    request: HttpRequest, seeker: JobSeeker, *, profile: ProfileForm, cv_form: CvForm, status: int = 200
) -> HttpResponse:
    context = {
        "seeker": seeker,
        "profile_form": profile,
        "cv_form": cv_form,
        "candidacies": list(selectors.seeker_candidacies(seeker)[:200]),
    }
    return render(request, "recruitment/seeker_home.html", context, status=status)


@require_POST
def seeker_profile(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    seeker = seeker_of(request.user)
    form = ProfileForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.job_seeker_update(
                acting_user=current_user(request),
                seeker=seeker,
                full_name=data["full_name"],
                phone=data["phone"],
                education=data["education"],
                graduation_year=data["graduation_year"],
                languages=data["languages"],
                summary=data["summary"],
                id_type=data["id_type"],
                id_number=data["id_number"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("recruitment:seeker_home")
    return _seeker_page(request, seeker, profile=form, cv_form=CvForm(), status=400)


@require_POST
def seeker_remove_id(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    seeker = seeker_of(request.user)
    services.job_seeker_remove_id(acting_user=current_user(request), seeker=seeker)
    messages.success(request, _("Your identity number is removed."))
    return redirect("recruitment:seeker_home")


@require_http_methods(["GET", "POST"])
def seeker_cv(request: HttpRequest) -> HttpResponseBase:
    """GET: the job seeker's own CV; POST: a new one."""
    if not request.user.is_authenticated:
        return _login(request)
    seeker = seeker_of(request.user)
    if request.method == "GET":
        if not seeker.has_cv:
            raise NotFoundError()
        return _file(seeker.cv_stored, seeker.cv_name, seeker.cv_type)
    form = CvForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["cv"]
        try:
            services.cv_upload(acting_user=current_user(request), seeker=seeker, stream=upload, name=upload.name)
        except DomainError as exc:
            form.add_error("cv", str(exc.message))
        else:
            messages.success(request, _("Your CV is saved."))
            return redirect("recruitment:seeker_home")
    profile = ProfileForm(initial={"full_name": seeker.user.full_name})
    return _seeker_page(request, seeker, profile=profile, cv_form=form, status=400)


@require_POST
def apply(request: HttpRequest, posting_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    seeker_of(request.user)
    posting = access_posting(request.user, posting_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("recruitment:posting", posting.pk)
    try:
        candidacy = services.candidacy_create(
            acting_user=current_user(request), posting=posting, letter=form.cleaned_data["letter"]
        )
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, str(exc.message))
        if exc.code == "cv_missing":
            return redirect(f"{reverse('recruitment:seeker_home')}#cv")
        return redirect("recruitment:posting", posting.pk)
    messages.success(request, _("Your application is sent."))
    return redirect("recruitment:candidacy", candidacy.pk)


# --- an application for a job -------------------------------------------------------------------------------


def candidacy_page(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    candidacy = access_candidacy(request.user, candidacy_id)
    employer = owns_posting(request.user, candidacy.posting)
    open_states = (CandidacyStatus.APPLIED, CandidacyStatus.SHORTLISTED)
    context = {
        "candidacy": candidacy,
        "posting": candidacy.posting,
        "employer": employer,
        "can_decide": employer and candidacy.status in open_states,
        "hire_form": HireForm(initial={"contract_date": timezone.localdate()})
        if employer and candidacy.status in open_states
        else None,
        "can_withdraw": not employer and candidacy.status in open_states,
    }
    return render(request, "recruitment/candidacy.html", context)


@require_POST
def candidacy_decide(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    candidacy = access_candidacy(request.user, candidacy_id, action="decide")
    try:
        services.candidacy_decide(
            acting_user=current_user(request), candidacy=candidacy, action=request.POST.get("action", "")
        )
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved."))
    if request.POST.get("back") == "applicants":
        return redirect("recruitment:applicants", candidacy.posting_id)
    return redirect("recruitment:candidacy", candidacy.pk)


@require_POST
def candidacy_withdraw(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    candidacy = access_candidacy(request.user, candidacy_id, action="withdraw")
    try:
        services.candidacy_withdraw(acting_user=current_user(request), candidacy=candidacy)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("recruitment:candidacy", candidacy.pk)


@require_POST
def candidacy_hire(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    candidacy = access_candidacy(request.user, candidacy_id, action="decide")
    form = HireForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.candidacy_hire(
                acting_user=current_user(request),
                candidacy=candidacy,
                contract_date=data["contract_date"],
                proof_kind=data["proof_kind"],
                proof_stream=data["proof"],
                proof_name=data["proof"].name,
            )
        except DomainError as exc:
            if exc.status_code != 400:
                raise
            form.add_error(
                "proof" if exc.field == "evidence" else exc.field if exc.field in form.fields else None,
                str(exc.message),
            )
        else:
            messages.success(request, _("The hire is recorded."))
            return redirect("recruitment:candidacy", candidacy.pk)
    context = {
        "candidacy": candidacy,
        "posting": candidacy.posting,
        "employer": True,
        "can_decide": True,
        "hire_form": form,
        "can_withdraw": False,
    }
    return render(request, "recruitment/candidacy.html", context, status=400)


def candidacy_cv(request: HttpRequest, candidacy_id: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        raise NotFoundError()
    candidacy = access_candidacy(request.user, candidacy_id)
    return _file(candidacy.cv_stored, candidacy.cv_name, candidacy.cv_type)


def candidacy_proof(request: HttpRequest, candidacy_id: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        raise NotFoundError()
    candidacy = access_candidacy(request.user, candidacy_id)
    if not candidacy.proof_stored:
        raise NotFoundError()
    return _file(candidacy.proof_stored, candidacy.proof_name, candidacy.proof_type)


def _file(stored: str, name: str, content_type: str) -> HttpResponseBase:
    path: Path = evidence.path_of(stored)
    if not path.exists():
        raise NotFoundError()
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
