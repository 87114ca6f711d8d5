"""Statistics endpoints (django-ninja router, mounted by the API at /api/v1/statistics)."""

from __future__ import annotations

from datetime import date
from datetime import datetime as _datetime
from decimal import Decimal as _Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from waibao.accounts.access import STAFF, current_user, require_role
from waibao.accounts.models import Role
from waibao.api.common import ERRORS, WRITE_ERRORS, Page, paginate
from waibao.common import public_cache
from waibao.common.dates import date_window
from waibao.common.errors import NotFoundError, PermissionDeniedError, UnprocessableError
from waibao.registry.access import access_enterprise
from waibao.registry.models import Enterprise, OwnershipType, ServiceCategory, Zone
from waibao.statistics.access import (
    access_contract,
    access_execution,
    access_staffing_report,
    check_figures_zone,
    figures_zone,
    records_readable,
)
from waibao.statistics.conf import check_year_in_range
from waibao.statistics.countries import normalise_country
from waibao.statistics.disclosure import COUNT_MEASURES, public_figures, withheld_note
from waibao.statistics.models import Contract, Execution, RecordStatus, StaffingReport
from waibao.statistics.selectors import (
    BY_CHOICES,
    IndicatorFilters,
    approved_facts,
    goal_progress,
    indicators,
    parse_by,
)

router = Router(tags=["statistics"])


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


INDICATOR_PARAMETERS = (
    "date_from",
    "date_to",
    "by",
    "zone",
    "top_level",
    "category",
    "country",
    "ownership",
    "enterprise",
    "offshore",
)


def refuse_unknown(request: HttpRequest, supported: tuple[str, ...]) -> None:
    """A query parameter the endpoint does not read is refused (422), never silently ignored."""
    unknown = sorted(set(request.GET) - set(supported))
    if unknown:
        raise UnprocessableError(
            _("Unknown parameter(s): %(names)s. Supported: %(supported)s.")
            % {"names": ", ".join(unknown), "supported": ", ".join(supported) or "-"},
            code="unknown_parameter",
            field=unknown[0],
        )


def _unknown(field: str, value: str) -> UnprocessableError:
    return UnprocessableError(
        _("%(field)s: %(value)s is not a known code.") % {"field": field, "value": value},
        code="unknown_value",
        field=field,
    )


def indicator_filters_from(
    request: HttpRequest,
    *,
    zone: str,
    top_level: str,
    category: str,
    country: str,
    ownership: str,
    enterprise: str,
    offshore: bool | None,
) -> IndicatorFilters:
    """Check every filter against what exists (an unknown code is a 422, not an empty answer) and hold zone
    staff to their zone."""
    refuse_unknown(request, INDICATOR_PARAMETERS)
    zone = zone.strip()
    if zone and not Zone.objects.filter(code=zone).exists():
        raise _unknown("zone", zone)
    zone = check_figures_zone(request.user, zone)
    top_level = top_level.strip().upper()
    if top_level and not ServiceCategory.objects.filter(top_level=top_level).exists():
        raise _unknown("top_level", top_level)
    category = category.strip()
    if category and not ServiceCategory.objects.filter(code=category).exists():
        raise _unknown("category", category)
    country = country.strip().upper()
    if country and normalise_country(country) is None:
        raise _unknown("country", country)
    ownership = ownership.strip()
    if ownership and not OwnershipType.objects.filter(code=ownership).exists():
        raise _unknown("ownership", ownership)
    enterprise_id = None
    enterprise = enterprise.strip()
    if enterprise:
        # A credit code (it may be all digits) or an id; one the user may not read is as unknown as one
        # that does not exist.
        found = Enterprise.objects.filter(credit_code=enterprise.upper()).values_list("pk", flat=True).first()
        if found is None and enterprise.isdigit():
            found = int(enterprise)
        try:
            enterprise_id = access_enterprise(request.user, found or 0).pk
        except NotFoundError:
            raise _unknown("enterprise", enterprise) from None
    return IndicatorFilters(
        zone=zone,
        top_level=top_level,
        category=category,
        country=country,
        ownership=ownership,
        enterprise_id=enterprise_id,
        offshore=offshore,
    )


@router.get("/indicators")
def indicator_rows(
    request: HttpRequest,
    date_from: date,
    date_to: date,
    by: str | None = None,
    zone: str = "",
    top_level: str = "",
    category: str = "",
    country: str = "",
    ownership: str = "",
    enterprise: str = "",
    offshore: bool | None = None,
) -> dict[str, Any]:
    """Staff: the same rows as `waibao stats indicators --json`, with the dashboard's filters.

    Unknown parameters and unknown codes are refused (422) with a message; zone staff get their zone only.
    """
    require_role(request.user, STAFF)
    try:
        parse_by(by)
    except ValueError:
        raise UnprocessableError(
            _("by must be one or more of %(choices)s, separated by commas.") % {"choices": ", ".join(BY_CHOICES)},
            field="by",
        ) from None
    window = date_window()
    window.check(date_from, field="date_from")
    window.check(date_to, field="date_to")
    if date_to < date_from:
        raise UnprocessableError(_("date_to is before date_from."), field="date_to")
    filters = indicator_filters_from(
        request,
        zone=zone,
        top_level=top_level,
        category=category,
        country=country,
        ownership=ownership,
        enterprise=enterprise,
        offshore=offshore,
    )
    rows = indicators(date_from=date_from, date_to=date_to, by=by, filters=filters)
    return {"rows": [r.as_json() for r in rows]}


@router.get("/goal")
def goal(request: HttpRequest) -> dict[str, Any]:
    """City-wide staff: the HZ-2 goal (base, target, required growth, actual, projection, gap) in USD."""
    require_role(request.user, STAFF)
    refuse_unknown(request, ())
    if figures_zone(request.user):
        raise PermissionDeniedError(_("The city-wide goal is not shown to zone staff."))
    g = goal_progress()
    return {
        "measure": g.measure,
        "base_year": g.base_year,
        "target_year": g.target_year,
        "base_usd": _money(g.base),
        "target_usd": _money(g.target),
        "required_growth": f"{g.required_growth:.6f}",
        "projection_growth": None if g.projection_growth is None else f"{g.projection_growth:.6f}",
        "projection_from": list(g.projection_from) if g.projection_from else None,
        "gap_usd": _money(g.gap),
        "years": [
            {
                "year": y.year,
                "required_usd": _money(y.required),
                "actual_usd": _money(y.actual),
                "projection_usd": _money(y.projection),
            }
            for y in g.years
        ],
    }


def _published(name: str, value: Any) -> Any:
    """Counts as integers, amounts as 2-place strings, a withheld figure as null."""
    if value is None:
        return None
    return int(value) if name in COUNT_MEASURES else _money(value)


@router.get("/headline", auth=None)
def headline(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """Public: the totals of a closed year (the latest by default), disclosure-controlled.

    A withheld figure is null and named in `withheld`; `note` says why. Open years are never published.
    """
    refuse_unknown(request, ("year",))
    return public_cache.cached(
        "statistics-headline",
        areas=(public_cache.STATISTICS, public_cache.REGISTRY),
        params=(year, timezone.localdate().isoformat()),  # the latest closed year moves with the date
        compute=lambda: _headline(year),
    )


def _headline(year: int | None) -> dict[str, Any]:
    figures = public_figures(year)
    if figures is None:
        return {"year": None, "total": None, "withheld": [], "note": "", "closed_years": []}
    return {
        "year": figures.year,
        "date_from": figures.date_from.isoformat(),
        "date_to": figures.date_to.isoformat(),
        "closed_years": figures.closed_years,
        "total": {k: _published(k, v) for k, v in figures.headline.items()},
        "enterprises_reporting": figures.enterprise_count,
        "growth_pct": None if figures.growth_pct is None else f"{figures.growth_pct:.1f}",
        "offshore_executed_usd_by_category": {r.key: _money(r.value) for r in figures.by_category},
        "executed_usd_by_zone": {r.key: _money(r.value) for r in figures.by_zone},
        "withheld": figures.withheld,
        "note": withheld_note(figures.rule),
    }


@router.get("/facts/{enterprise_id}/{year}")
def facts(request: HttpRequest, enterprise_id: int, year: int) -> dict[str, Any]:
    """Staff (zone staff: their zone's), or the enterprise itself: its approved statistics for a year as facts.

    Another enterprise's id, or one that does not exist, is a 404; a year outside 1990 … next year a 422.
    """
    require_role(request.user, (*STAFF, Role.ENTERPRISE))
    refuse_unknown(request, ())
    access_enterprise(request.user, enterprise_id)
    check_year_in_range(year)
    values = approved_facts(enterprise_id=enterprise_id, year=year)
    return {k: (_money(v) if hasattr(v, "quantize") else v) for k, v in values.items()}


# --- statistics records: what an enterprise's own systems file ---------------------------------------
# Contracts and execution records: list (paged, filtered), read, create, change (a draft or returned one)
# and submit, with the same access checks as the pages (`statistics.access`). Amounts are decimal strings.


class ContractIn(Schema):
    enterprise_id: int | None = None  # the office files for any enterprise; an enterprise user for its own
    contract_no: str
    client_name: str
    client_country: str
    category: str
    client_industry: str = ""
    currency: str
    amount: str
    signed_date: str
    start_date: str = ""
    end_date: str = ""


class ContractOut(Schema):
    id: int
    enterprise_id: int
    contract_no: str
    client_name: str
    client_country: str
    category: str
    client_industry: str
    currency: str
    amount: str
    signed_date: date
    start_date: date | None
    end_date: date | None
    status: str
    return_reason: str
    submitted_at: _datetime | None


class ExecutionIn(Schema):
    contract_id: int
    date: str
    currency: str
    amount: str
    receipt_ref: str = ""
    over_reason: str = ""


class ExecutionChange(Schema):
    date: str
    currency: str
    amount: str
    receipt_ref: str = ""
    over_reason: str = ""


class ExecutionOut(Schema):
    id: int
    contract_id: int
    enterprise_id: int
    date: date
    currency: str
    amount: str
    receipt_ref: str
    status: str
    return_reason: str
    submitted_at: _datetime | None


def _amount(value: _Decimal) -> str:
    return f"{value:.2f}"


def contract_out(c: Contract) -> dict[str, Any]:
    return {
        "id": c.pk,
        "enterprise_id": c.enterprise_id,
        "contract_no": c.contract_no,
        "client_name": c.client_name,
        "client_country": c.client_country,
        "category": c.category.code,
        "client_industry": c.client_industry,
        "currency": c.currency,
        "amount": _amount(c.amount),
        "signed_date": c.signed_date,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "status": c.status,
        "return_reason": c.return_reason,
        "submitted_at": c.submitted_at,
    }


def execution_out(e: Execution) -> dict[str, Any]:
    return {
        "id": e.pk,
        "contract_id": e.contract_id,
        "enterprise_id": e.enterprise_id,
        "date": e.date,
        "currency": e.currency,
        "amount": _amount(e.amount),
        "receipt_ref": e.receipt_ref,
        "status": e.status,
        "return_reason": e.return_reason,
        "submitted_at": e.submitted_at,
    }


def _status_filter(status: str) -> str:
    if status and status not in RecordStatus.values:
        raise UnprocessableError(
            _("status must be one of: %(choices)s") % {"choices": ", ".join(RecordStatus.values)},
            code="unknown_value",
            field="status",
        )
    return status


def _records_reader(request: HttpRequest) -> None:
    require_role(request.user, (*STAFF, Role.ENTERPRISE))


@router.get("/contracts", response={200: Page[ContractOut], **ERRORS})
def contracts(
    request: HttpRequest, status: str = "", year: int | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    """The contracts the user may read (an enterprise its own; zone staff their zone's), newest first."""
    _records_reader(request)
    qs = Contract.objects.filter(records_readable(request.user)).select_related("category").order_by("-pk")
    if status := _status_filter(status):
        qs = qs.filter(status=status)
    if year is not None:
        check_year_in_range(year)
        qs = qs.filter(signed_date__year=year)
    return paginate(qs, page, page_size, contract_out)


@router.get("/contracts/{contract_id}", response={200: ContractOut, **ERRORS})
def contract(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    return contract_out(access_contract(request.user, contract_id))


def _enterprise_for_filing(request: HttpRequest, enterprise_id: int | None) -> Enterprise:
    user = current_user(request) if request.user.is_authenticated else None
    if user is None:
        raise PermissionDeniedError()
    if user.role == Role.ENTERPRISE:
        if enterprise_id not in (None, user.enterprise_id):
            raise NotFoundError()
        enterprise_id = user.enterprise_id
    if enterprise_id is None:
        raise UnprocessableError(_("Name the enterprise (enterprise_id)."), field="enterprise_id")
    return access_enterprise(user, enterprise_id)


@router.post("/contracts", response={201: ContractOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, body: ContractIn) -> tuple[int, dict[str, Any]]:
    """A new draft contract (submit it with POST /contracts/{id}/submit)."""
    from waibao.statistics.services import contract_save

    _records_reader(request)
    enterprise = _enterprise_for_filing(request, body.enterprise_id)
    fields = body.dict(exclude={"enterprise_id"})
    saved = contract_save(acting_user=current_user(request), enterprise=enterprise, fields=fields)
    return 201, contract_out(saved)


@router.put("/contracts/{contract_id}", response={200: ContractOut, **WRITE_ERRORS})
def contract_change(request: HttpRequest, contract_id: int, body: ContractIn) -> dict[str, Any]:
    """Change a draft or returned contract."""
    from waibao.statistics.services import contract_save

    found = access_contract(request.user, contract_id, write=True)
    fields = body.dict(exclude={"enterprise_id"})
    saved = contract_save(acting_user=current_user(request), enterprise=found.enterprise, fields=fields, contract=found)
    return contract_out(saved)


@router.post("/contracts/{contract_id}/submit", response={200: ContractOut, **WRITE_ERRORS})
def contract_submit(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    from waibao.statistics.services import record_transition

    found = access_contract(request.user, contract_id, write=True)
    return contract_out(record_transition(acting_user=current_user(request), record=found, action="submit"))  # type: ignore[arg-type]


@router.get("/executions", response={200: Page[ExecutionOut], **ERRORS})
def executions(
    request: HttpRequest, status: str = "", contract: int | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    _records_reader(request)
    qs = Execution.objects.filter(records_readable(request.user)).order_by("-pk")
    if status := _status_filter(status):
        qs = qs.filter(status=status)
    if contract is not None:
        qs = qs.filter(contract_id=contract)
    return paginate(qs, page, page_size, execution_out)


@router.get("/executions/{execution_id}", response={200: ExecutionOut, **ERRORS})
def execution(request: HttpRequest, execution_id: int) -> dict[str, Any]:
    return execution_out(access_execution(request.user, execution_id))


@router.post("/executions", response={201: ExecutionOut, **WRITE_ERRORS})
def execution_create(request: HttpRequest, body: ExecutionIn) -> tuple[int, dict[str, Any]]:
    from waibao.statistics.services import execution_save

    found = access_contract(request.user, body.contract_id, write=True)
    saved = execution_save(acting_user=current_user(request), contract=found, fields=body.dict(exclude={"contract_id"}))
    return 201, execution_out(saved)


@router.put("/executions/{execution_id}", response={200: ExecutionOut, **WRITE_ERRORS})
def execution_change(request: HttpRequest, execution_id: int, body: ExecutionChange) -> dict[str, Any]:
    from waibao.statistics.services import execution_save

    found = access_execution(request.user, execution_id, write=True)
    saved = execution_save(
        acting_user=current_user(request), contract=found.contract, fields=body.dict(), execution=found
    )
    return execution_out(saved)


@router.post("/executions/{execution_id}/submit", response={200: ExecutionOut, **WRITE_ERRORS})
def execution_submit(request: HttpRequest, execution_id: int) -> dict[str, Any]:
    from waibao.statistics.services import record_transition

    found = access_execution(request.user, execution_id, write=True)
    return execution_out(record_transition(acting_user=current_user(request), record=found, action="submit"))  # type: ignore[arg-type]


# --- staffing reports: employees at period end, new employees, of whom graduates (one per period) ----------

COUNT_MAX = 2_147_483_647  # the column's range (a larger number is a 422, not a database error)


class StaffingIn(Schema):
    enterprise_id: int | None = None  # the office files for any enterprise; an enterprise user for its own
    period_start: str  # any day of the period: the period (of the configured length) containing it is reported
    employees: int = Field(ge=0, le=COUNT_MAX)
    new_employees: int = Field(ge=0, le=COUNT_MAX)
    new_graduates: int = Field(ge=0, le=COUNT_MAX)


class StaffingChange(Schema):
    period_start: str
    employees: int = Field(ge=0, le=COUNT_MAX)
    new_employees: int = Field(ge=0, le=COUNT_MAX)
    new_graduates: int = Field(ge=0, le=COUNT_MAX)


class StaffingOut(Schema):
    id: int
    enterprise_id: int
    period_start: date
    period_end: date
    employees: int
    new_employees: int
    new_graduates: int
    status: str
    return_reason: str
    submitted_at: _datetime | None


def staffing_out(r: StaffingReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "enterprise_id": r.enterprise_id,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "employees": r.employees,
        "new_employees": r.new_employees,
        "new_graduates": r.new_graduates,
        "status": r.status,
        "return_reason": r.return_reason,
        "submitted_at": r.submitted_at,
    }


@router.get("/staffing-reports", response={200: Page[StaffingOut], **ERRORS})
def staffing_reports(
    request: HttpRequest, status: str = "", year: int | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    """The staffing reports the user may read (an enterprise its own; zone staff their zone's), newest first."""
    _records_reader(request)
    qs = StaffingReport.objects.filter(records_readable(request.user)).order_by("-period_start", "-pk")
    if status := _status_filter(status):
        qs = qs.filter(status=status)
    if year is not None:
        check_year_in_range(year)
        qs = qs.filter(period_end__year=year)
    return paginate(qs, page, page_size, staffing_out)


@router.get("/staffing-reports/{report_id}", response={200: StaffingOut, **ERRORS})
def staffing_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return staffing_out(access_staffing_report(request.user, report_id))


@router.post("/staffing-reports", response={201: StaffingOut, **WRITE_ERRORS})
def staffing_report_create(request: HttpRequest, body: StaffingIn) -> tuple[int, dict[str, Any]]:
    """A new draft staffing report for the period containing `period_start` (submit it with …/submit)."""
    from waibao.statistics.services import staffing_report_save

    _records_reader(request)
    enterprise = _enterprise_for_filing(request, body.enterprise_id)
    saved = staffing_report_save(
        acting_user=current_user(request), enterprise=enterprise, fields=body.dict(exclude={"enterprise_id"})
    )
    return 201, staffing_out(saved)


@router.put("/staffing-reports/{report_id}", response={200: StaffingOut, **WRITE_ERRORS})
def staffing_report_change(request: HttpRequest, report_id: int, body: StaffingChange) -> dict[str, Any]:
    """Change a draft or returned staffing report."""
    from waibao.statistics.services import staffing_report_save

    found = access_staffing_report(request.user, report_id, write=True)
    saved = staffing_report_save(
        acting_user=current_user(request), enterprise=found.enterprise, fields=body.dict(), report=found
    )
    return staffing_out(saved)


@router.post("/staffing-reports/{report_id}/submit", response={200: StaffingOut, **WRITE_ERRORS})
def staffing_report_submit(request: HttpRequest, report_id: int) -> dict[str, Any]:
    from waibao.statistics.services import record_transition

    found = access_staffing_report(request.user, report_id, write=True)
    return staffing_out(record_transition(acting_user=current_user(request), record=found, action="submit"))  # type: ignore[arg-type]
