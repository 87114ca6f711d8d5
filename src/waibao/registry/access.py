"""The one access check for enterprises, used by every view and endpoint that touches one."""

from __future__ import annotations

import functools
import weakref
from typing import Any

from django.db import connections, router
from django.db.models import Q

from waibao.accounts.models import STAFF_ROLES, Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.common.plain_sql import column, table
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
    if related:
        # One row by its key: without `first()`'s ordering by name, which the compiler would build for nothing.
        found = Enterprise.objects.filter(pk=pk).order_by().select_related("zone", "ownership_type")
        enterprise = next(iter(found), None)
    else:
        enterprise = _enterprise_by_key(pk)
    if enterprise is None or not can_read_enterprise(user, enterprise):
        raise NotFoundError()
    return enterprise


@functools.cache
def _one_enterprise_sql() -> str:
    """Every column of one enterprise, by its key (written once per process)."""
    columns = ", ".join(column(Enterprise, field.name) for field in Enterprise._meta.concrete_fields)
    return f"SELECT {columns} FROM {table(Enterprise)} WHERE {column(Enterprise, 'pk')} = %s"  # noqa: S608


Converters = list[tuple[int, list[Any], Any]]
_CONVERTERS: weakref.WeakKeyDictionary[Any, Converters] = weakref.WeakKeyDictionary()


def _converters(db: Any) -> Converters:
    """Each enterprise column's converters on this connection, as the ORM's compiler finds them (the backend's,
    then the field's `from_db_value`), with the column expression they are given."""
    found: Converters = []
    for position, field in enumerate(Enterprise._meta.concrete_fields):
        col = field.get_col(Enterprise._meta.db_table)
        functions = [*db.ops.get_db_converters(col), *col.get_db_converters(db)]
        if functions:
            found.append((position, functions, col))
    return found


def _enterprise_by_key(pk: int) -> Enterprise | None:
    """One enterprise by its key, read as the ORM reads it (every column through its converters, the instance
    from `Model.from_db`) from SQL written once and converters found once per connection.

    The enterprise's own page and its detail page read one on every visit: building and compiling the query,
    and finding the same converters again, were a seventh of the page's Python."""
    db = connections[router.db_for_read(Enterprise)]
    with db.cursor() as cursor:
        cursor.execute(_one_enterprise_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _CONVERTERS.get(db)
    if converters is None:
        converters = _CONVERTERS[db] = _converters(db)
    values = list(row)
    for position, functions, col in converters:
        value = values[position]
        for convert in functions:
            value = convert(value, col, db)
        values[position] = value
    return Enterprise.from_db(db.alias, _attnames(), values)


@functools.cache
def _attnames() -> list[str]:
    return [field.attname for field in Enterprise._meta.concrete_fields]
