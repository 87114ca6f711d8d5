"""Pages of the leadership group: members, meetings from agenda to published minutes, and the cockpit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from waibao.accounts.access import current_user
from waibao.accounts.models import Role, User
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.pagination import FirstPageFirstPaginator
from waibao.governance import meetings as services
from waibao.governance.access import can_read_duties
from waibao.governance.cockpit import chart_data, cockpit
from waibao.governance.forms import (
    AgendaItemForm,
    CommentForm,
    DecisionForm,
    MeetingForm,
    MemberReplaceForm,
    MinutesForm,
)
from waibao.governance.meetings_selectors import ical, meeting_decisions, members
from waibao.governance.models import GroupMember, Meeting, MeetingStatus
from waibao.governance.workflow import COMMENTS_OPEN, MEETING_WORKFLOW, MINUTES_EDITABLE
from waibao.ledger.access import READ_ROLES as LEDGER_READERS
from waibao.statistics.access import figures_zone


def _reader(request: HttpRequest) -> User | None:
    """The signed-in reader, None for an anonymous visitor (sent to sign in); 403 for other roles."""
    if not request.user.is_authenticated:
        return None
    user = current_user(request)
    if not can_read_duties(user):
        raise PermissionDeniedError()
    return user


def access_meeting(user: User, meeting_id: int) -> Meeting:
    """Staff and leaders read meetings; minutes in drafting are the office's until circulated."""
    if not can_read_duties(user):
        raise PermissionDeniedError()
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError()
    return meeting


def _login(request: HttpRequest) -> HttpResponse:
    return redirect(f"/accounts/login/?next={request.path}")


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _may_open(user: User, path: str) -> bool:
    """Whether an agenda item's linked page lets the reader in (the leader's and members' copies show it unlinked
    otherwise): the fund is the office's and finance's, the city-wide goal is not zone staff's, the statistics
    review is the reviewers'; the rest (applications, cases) is the staff's."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from waibao.accounts.models import STAFF_ROLES
    from waibao.statistics.access import is_reviewer

    if user.role not in STAFF_ROLES:
        return False
    try:
        name = resolve(urlsplit(path).path).view_name
    except Resolver404:
        return False
    if name.startswith("ledger:"):
        return user.role in LEDGER_READERS
    if name == "statistics:goal":
        return not figures_zone(user)
    if name.startswith("statistics:review"):
        return is_reviewer(user)
    return True


def cockpit_page(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if user is None:
        return _login(request)
    data = cockpit()
    return render(
        request,
        "governance/cockpit.html",
        {
            "c": data,
            "chart": chart_data(data),
            "links": user.role != Role.CITY_LEADER,
            # Each heading links its page only for a reader that page lets in (zone staff and reviewers are not
            # shown the city-wide goal or the fund).
            "goal_link": user.role != Role.CITY_LEADER and not figures_zone(user),
            "fund_link": user.role in LEDGER_READERS,
            "required_pct": data.goal.required_growth * 100,
        },
    )


def members_page(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if user is None:
        return _login(request)
    return render(
        request,
        "governance/members.html",
        {
            "members": members(),
            "past": members(include_past=True).filter(valid_to__isnull=False),
            "is_office": user.role == Role.PROGRAMME_OFFICE,
            "form": MemberReplaceForm(),
        },
    )


def member_replace(request: HttpRequest, member_id: int) -> HttpResponse:
    user = current_user(request)
    member = GroupMember.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFoundError()
    form = MemberReplaceForm(request.POST)
    if form.is_valid():
        services.member_replace(acting_user=user, member=member, **form.cleaned_data)
        messages.success(request, _("Member replaced."))
    else:
        _errors(request, form)
    return redirect("governance:members")


MEETING_PAGE_SIZE = 25


def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if user is None:
        return _login(request)
    can_schedule = user.role == Role.PROGRAMME_OFFICE
    # The form is built for a POST only: the page shows the empty form rendered once per process and language
    # (`{% memo %}`: its markup follows from the language alone), built only when that rendering is first made.
    form = MeetingForm(request.POST) if can_schedule and request.method == "POST" else None
    if request.method == "POST":
        if form is None:
            raise PermissionDeniedError()
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(
                    acting_user=user,
                    code=data["code"],
                    title=data["title"],
                    starts_at=data["starts_at"],
                    location=data["location"],
                    duration=data["duration"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Meeting scheduled."))
                return redirect("governance:meeting", meeting_id=meeting.pk)
    # The group meets every few months for as long as the programme runs: the list comes in pages, newest first,
    # with only what it shows (not the minutes).
    # A few meetings a year: the first page mostly holds them all, and then no count is made.
    meetings = Meeting.objects.only("code", "title", "starts_at", "status").order_by("-starts_at", "-pk")
    number = request.GET.get("page")
    return render(
        request,
        "governance/meeting_list.html",
        {
            "page": FirstPageFirstPaginator(meetings, MEETING_PAGE_SIZE, number=number).get_page(number),
            "query": "",
            "form": form,
            "can_schedule": can_schedule,
            "empty_form": SimpleLazyObject(MeetingForm) if can_schedule and form is None else None,
        },
    )


def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _reader(request)
    if user is None:
        return _login(request)
    meeting = access_meeting(user, meeting_id)
    is_office = user.role == Role.PROGRAMME_OFFICE
    # Minutes are shown to members from circulation on; the office sees its draft.
    show_minutes = is_office or meeting.status in (
        MeetingStatus.CIRCULATED,
        MeetingStatus.APPROVED,
        MeetingStatus.PUBLISHED,
    )
    can_comment = meeting.status in COMMENTS_OPEN and (is_office or services.is_member_account(user, meeting))
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("presenter", "duty"),
            "linked": {item.pk for item in meeting.agenda.all() if item.link and _may_open(user, item.link)},
            "attendance": meeting.attendance.select_related("member__department").order_by("member__sort_order"),
            "decisions": meeting_decisions(meeting),
            "comments": meeting.comments.select_related("author"),
            "is_office": is_office,
            "show_minutes": show_minutes,
            "can_comment": can_comment,
            "actions": MEETING_WORKFLOW.available(state=meeting.status, role=user.role) if is_office else [],
            "minutes_editable": is_office and meeting.status in MINUTES_EDITABLE,
            "agenda_form": AgendaItemForm() if is_office and meeting.status == MeetingStatus.SCHEDULED else None,
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
            "comment_form": CommentForm(),
            "decision_form": DecisionForm(),
            "Status": MeetingStatus,
        },
    )


def meeting_print(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """会议纪要, printable: only once approved (or published)."""
    user = _reader(request)
    if user is None:
        return _login(request)
    meeting = access_meeting(user, meeting_id)
    if meeting.status not in (MeetingStatus.APPROVED, MeetingStatus.PUBLISHED):
        raise NotFoundError(_("The minutes of this meeting are not approved yet."))
    return render(
        request,
        "governance/minutes_print.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("presenter"),
            "attendance": meeting.attendance.select_related("member__department").filter(present=True),
            "decisions": meeting_decisions(meeting),
        },
    )


def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _reader(request)
    if user is None:
        return _login(request)
    meeting = access_meeting(user, meeting_id)
    response = HttpResponse(
        ical(meeting, site_url=getattr(settings, "WAIBAO_SITE_URL", "")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def meeting_action(request: HttpRequest, meeting_id: int) -> HttpResponse:
    if request.method != "POST":
        raise DomainError(_("Use the form on the meeting's page."), code="method")
    user = current_user(request)
    meeting = access_meeting(user, meeting_id)
    what = request.POST.get("do", "")
    form: forms.Form
    try:
        if what == "agenda":
            form = AgendaItemForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("governance:meeting", meeting_id=meeting.pk)
            data = form.cleaned_data
            services.agenda_item_add(
                acting_user=user,
                meeting=meeting,
                title=data["title"],
                presenter=data["presenter"],
                minutes=data["minutes"],
                duty=data["duty"],
                link=data["link"],
            )
        elif what == "attendance":
            present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
            services.attendance_record(acting_user=user, meeting=meeting, present_member_ids=present)
        elif what == "minutes":
            form = MinutesForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("governance:meeting", meeting_id=meeting.pk)
            services.minutes_save(acting_user=user, meeting=meeting, text=form.cleaned_data["minutes"])
        elif what == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("governance:meeting", meeting_id=meeting.pk)
            services.minutes_comment(acting_user=user, meeting=meeting, text=form.cleaned_data["text"])
        elif what == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("governance:meeting", meeting_id=meeting.pk)
            services.decision_record(acting_user=user, meeting=meeting, **form.cleaned_data)
        elif what in MEETING_WORKFLOW.transitions:
            services.meeting_transition(
                acting_user=user, meeting=meeting, name=what, reason=request.POST.get("reason", "")
            )
        else:
            raise DomainError(_("Unknown action."), code="unknown_action")
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        if exc.code == "forbidden_transition":
            raise PermissionDeniedError(exc.message) from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved."))
    return redirect("governance:meeting", meeting_id=meeting.pk)
