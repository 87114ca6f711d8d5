"""The one access check for enterprises, used by every view and endpoint that touches one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from waibao.accounts.models import STAFF_ROLES, Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.common.plain_sql import RowQuery, column, table
from waibao.registry.models import Enterprise

READ_ALL = {Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER}
MAX_ID = 2**63 - 1  # the largest primary key a database holds; beyond it an id is simply not found


def staff_zone_id(user: Any) -> int | None:
    """The zone a staff user is limited to (zone staff: `zone` set), or None for city-wide staff and others.

    Zone staff see their zone's enterprises and figures only, in pages, exports and the API, as their review
    scope already is.
    """
    if not getattr(user, "is_authenticated", False) or user.role not in STAFF_ROLES:
        return None
    return user.zone_id


def _readable(user: Any) -> tuple[str, int | None]:
    """Which enterprises `user` may read: ("all", None), ("zone", zone id), ("own", enterprise id) or ("none", None)."""
    if not getattr(user, "is_authenticated", False):
        return "none", None
    if user.role in READ_ALL:
        zone_id = staff_zone_id(user)
        return ("all", None) if zone_id is None else ("zone", zone_id)
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return "own", user.enterprise_id
    return "none", None


def enterprises_readable(user: Any) -> Q:
    """A filter on enterprises to those `user` may read (staff: all, or their zone's; enterprise users: their own)."""
    kind, key = _readable(user)
    if kind == "all":
        return Q()
    if kind == "zone":
        return Q(zone_id=key)
    if kind == "own":
        return Q(pk=key)
    return Q(pk__in=[])


def enterprises_readable_sql(user: Any) -> tuple[str, list[Any]]:
    """`enterprises_readable(user)` as a condition on the enterprise table and its parameters, for the pages that
    read enterprises in plain SQL ("" when the user reads all)."""
    kind, key = _readable(user)
    if kind == "all":
        return "", []
    if kind == "zone":
        return f"{table(Enterprise)}.{column(Enterprise, 'zone')} = %s", [key]
    if kind == "own":
        return f"{table(Enterprise)}.{column(Enterprise, 'pk')} = %s", [key]
    return "1 = 0", []


def can_read_enterprise(user: Any, enterprise: Any) -> bool:
    """Whether `user` may read `enterprise` (an Enterprise, for its zone)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in READ_ALL:
        zone_id = staff_zone_id(user)
        return zone_id is None or enterprise.zone_id == zone_id
    return bool(user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk)


def access_enterprise(user: Any, enterprise_id: int | str, *, write: bool = False, related: bool = True) -> Enterprise:
    """The enterprise if `user` may read it (or change it, with write=True), with its zone and ownership type
    loaded (`related=False`: not, for a page that names them from `selectors.filter_options`).

    Staff of every department read all, zone staff their zone's only; only the programme office and the
    enterprise's own users write. Another enterprise's id (another zone's, for zone staff) gives 404, not
    403, so ids cannot be probed.
    """
    try:
        pk = int(enterprise_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not 0 < pk <= MAX_ID:
        raise NotFoundError()
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError()
    own = user.role == Role.ENTERPRISE and user.enterprise_id == pk
    if user.role == Role.ENTERPRISE and not own:
        raise NotFoundError()
    if user.role not in READ_ALL and not own:
        raise PermissionDeniedError()
    if write and not (own or user.role == Role.PROGRAMME_OFFICE):
        raise PermissionDeniedError()
    # One row by its key, read on every visit of an enterprise's pages: SQL built once (common.plain_sql).
    enterprise = (_ENTERPRISE_WITH_NAMES if related else _ENTERPRISE).get(pk)
    if enterprise is None or not can_read_enterprise(user, enterprise):
        raise NotFoundError()
    return enterprise


_ENTERPRISE = RowQuery(Enterprise)
_ENTERPRISE_WITH_NAMES = RowQuery(Enterprise, related=("zone", "ownership_type"))
