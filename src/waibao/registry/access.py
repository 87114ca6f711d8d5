"""The one access check for enterprises, used by every view and endpoint that touches one."""

from __future__ import annotations

from typing import Any

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.registry.models import Enterprise

READ_ALL = {Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER}


def can_read_enterprise(user: Any, enterprise_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in READ_ALL:
        return True
    return user.role == Role.ENTERPRISE and user.enterprise_id == enterprise_id


def access_enterprise(user: Any, enterprise_id: int | str, *, write: bool = False) -> Enterprise:
    """The enterprise if `user` may read it (or change it, with write=True).

    Staff of every department read all; only the programme office and the enterprise's own users write.
    Another enterprise's id gives 404, not 403, so ids cannot be probed.
    """
    try:
        pk = int(enterprise_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError()
    own = user.role == Role.ENTERPRISE and user.enterprise_id == pk
    if user.role == Role.ENTERPRISE and not own:
        raise NotFoundError()
    if user.role not in READ_ALL and not own:
        raise PermissionDeniedError()
    if write and not (own or user.role == Role.PROGRAMME_OFFICE):
        raise PermissionDeniedError()
    enterprise = Enterprise.objects.select_related("zone", "ownership_type").filter(pk=pk).first()
    if enterprise is None:
        raise NotFoundError()
    return enterprise
