"""The access checks for statistical records: who may read, enter and review each kind."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.registry.access import MAX_ID, staff_zone_id
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.models import Contract, Execution, StaffingReport

READ_ALL = {Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER}

RecordT = TypeVar("RecordT", Contract, Execution, StaffingReport)


def is_reviewer(user: Any) -> bool:
    """Programme office staff (all enterprises, or their zone's) and zone staff review statistics."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.PROGRAMME_OFFICE:
        return True
    return user.role == Role.DEPARTMENT_REVIEWER and user.zone_id is not None


def review_scope(user: Any) -> Q:
    """A filter on records (by their `enterprise`) to those `user` may review; matches nothing for others."""
    if not is_reviewer(user):
        return Q(pk__in=[])
    if user.zone_id is None:
        return Q()
    return Q(enterprise__zone_id=user.zone_id)


def can_review(user: Any, enterprise: Enterprise) -> bool:
    if not is_reviewer(user):
        return False
    return user.zone_id is None or enterprise.zone_id == user.zone_id


def can_file(user: Any, enterprise_id: int) -> bool:
    """Enter, submit and correct records: the enterprise's own users and the programme office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ENTERPRISE:
        return bool(user.enterprise_id == enterprise_id)
    return bool(user.role == Role.PROGRAMME_OFFICE)


def _access(model: type[RecordT], user: Any, record_id: int | str, write: bool) -> RecordT:
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError()
    if user.role not in READ_ALL and user.role != Role.ENTERPRISE:
        raise PermissionDeniedError()
    if not 0 < pk <= MAX_ID:
        raise NotFoundError()
    record = model.objects.select_related("enterprise", "enterprise__zone").filter(pk=pk).first()
    if record is None:
        raise NotFoundError()
    if user.role == Role.ENTERPRISE and record.enterprise_id != user.enterprise_id:
        raise NotFoundError()  # another enterprise's ids cannot be probed
    zone_id = staff_zone_id(user)
    if zone_id is not None and record.enterprise.zone_id != zone_id:
        raise NotFoundError()  # zone staff: another zone's records, likewise
    if write and not can_file(user, record.enterprise_id):
        raise PermissionDeniedError()
    return record


def access_contract(user: Any, contract_id: int | str, *, write: bool = False) -> Contract:
    """The contract if `user` may read it (staff, its enterprise) or change it (write=True)."""
    return _access(Contract, user, contract_id, write)


def access_execution(user: Any, execution_id: int | str, *, write: bool = False) -> Execution:
    return _access(Execution, user, execution_id, write)


def access_staffing_report(user: Any, report_id: int | str, *, write: bool = False) -> StaffingReport:
    return _access(StaffingReport, user, report_id, write)


def records_readable(user: Any) -> Q:
    """A filter on records to those `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.role in READ_ALL:
        zone_id = staff_zone_id(user)
        return Q() if zone_id is None else Q(enterprise__zone_id=zone_id)
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id)
    return Q(pk__in=[])


def figures_zone(user: Any) -> str:
    """The zone code every figure shown to `user` is limited to ('' for city-wide staff).

    Zone staff see their zone's figures only: dashboards, exports and the API force this zone.
    """
    zone_id = staff_zone_id(user)
    if zone_id is None:
        return ""
    return str(Zone.objects.filter(pk=zone_id).values_list("code", flat=True).first() or "")


def check_figures_zone(user: Any, zone: str) -> str:
    """The zone a figures query may use: zone staff get theirs (asking for another zone is refused)."""
    own = figures_zone(user)
    if not own:
        return zone
    if zone and zone != own:
        raise PermissionDeniedError()
    return own
