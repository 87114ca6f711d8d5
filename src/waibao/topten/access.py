"""Who sees what of the top-ten selection: one check per object kind, used by pages, exports and the API.

- the public: the published final lists only (`published_runs`);
- an enterprise user: its own annual reports (file, correct), and the published lists;
- the programme office: everything; it runs selections, reviews them and reviews annual reports;
- zone staff (department reviewers of a zone): review the annual reports of their zone's enterprises;
- a city leader: reads runs and annual reports; writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.statistics.access import can_file, can_review
from waibao.topten.models import AnnualReport, RunStatus, SelectionRun

MAX_ID = 2**31 - 1


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not 0 < pk <= MAX_ID:
        raise NotFoundError()
    return pk


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_run(user: Any) -> bool:
    """Make runs, review them, publish notices and lists, record violations: the programme office."""
    return _signed_in(user) and user.role == Role.PROGRAMME_OFFICE


def can_read_runs(user: Any) -> bool:
    return _signed_in(user) and user.role in (Role.PROGRAMME_OFFICE, Role.CITY_LEADER)


def access_run(user: Any, run_id: Any, *, write: bool = False) -> SelectionRun:
    pk = _pk(run_id)
    if not (can_run(user) if write else can_read_runs(user)):
        raise PermissionDeniedError()
    run = SelectionRun.objects.select_related("method").filter(pk=pk).first()
    if run is None:
        raise NotFoundError()
    return run


def published_runs() -> QuerySet[SelectionRun]:
    return SelectionRun.objects.filter(status=RunStatus.PUBLISHED)


def access_published_run(run_id: Any) -> SelectionRun:
    """Anyone, signed in or not: a run whose final list is published (others are not found)."""
    run = published_runs().filter(pk=_pk(run_id)).first()
    if run is None:
        raise NotFoundError()
    return run


def visible_reports(user: Any) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.select_related("enterprise")
    if not _signed_in(user):
        return qs.none()
    if user.role in (Role.PROGRAMME_OFFICE, Role.CITY_LEADER):
        return qs
    if user.role == Role.DEPARTMENT_REVIEWER and user.zone_id is not None:
        return qs.filter(enterprise__zone_id=user.zone_id)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def access_report(user: Any, report_id: Any, *, write: bool = False, review: bool = False) -> AnnualReport:
    """Read (visible), file (`write`: the enterprise's users and the office) or review (`review`)."""
    pk = _pk(report_id)
    if not _signed_in(user):
        raise PermissionDeniedError()
    report = visible_reports(user).filter(pk=pk).first()
    if report is None:
        if AnnualReport.objects.filter(pk=pk).exists() and user.role not in (Role.PROGRAMME_OFFICE, Role.CITY_LEADER):
            raise PermissionDeniedError()
        raise NotFoundError()
    if write and not can_file(user, report.enterprise_id):
        raise PermissionDeniedError()
    if review and not can_review(user, report.enterprise):
        raise PermissionDeniedError()
    return report


def can_file_reports(user: Any) -> bool:
    return _signed_in(user) and (
        (user.role == Role.ENTERPRISE and bool(user.enterprise_id)) or user.role == Role.PROGRAMME_OFFICE
    )


def review_queue_scope(user: Any) -> Q:
    from waibao.statistics.access import review_scope

    return review_scope(user)
