"""Top-ten endpoints (mounted at /api/v1/topten): the published lists for anyone; runs for the office and city
leaders; annual reports as the report access check allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from waibao.accounts.models import Role
from waibao.api.common import ERRORS, WRITE_ERRORS
from waibao.common.errors import PermissionDeniedError
from waibao.common.labels import label
from waibao.topten import selectors
from waibao.topten.access import access_published_run, access_report, access_run, can_read_runs, visible_reports
from waibao.topten.method import INDICATORS, Method
from waibao.topten.models import AnnualReport, SelectionRun

router = Router(tags=["topten"])


def _method(method: Method) -> dict[str, Any]:
    weights = method.normalised_weights()
    return {
        "default": method.is_default,
        "normalisation": method.normalisation,
        "size": method.size,
        "sensitivity": {"perturbation": method.perturbation, "draws": method.draws, "seed": method.seed},
        "criteria": [
            {
                "code": c,
                "label": label("topten_criterion", c),
                "weight": weights[c],
                "indicators": [
                    {"code": i, "label": label("topten_indicator", i), "weight": w, "source": INDICATORS[i]}
                    for i, w in method.indicators_of(c)
                ],
            }
            for c in method.criteria
        ],
    }


def _run_head(run: SelectionRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "year": run.year,
        "status": run.status,
        "status_label": label("topten_run_status", run.status),
        "method": run.parameters.get("method_code", ""),
        "snapshot_digest": run.snapshot_digest,
        "eligible": run.eligible_count,
        "considered": run.considered_count,
        "notice": {"starts_on": run.notice_starts_on, "ends_on": run.notice_ends_on},
        "published_at": run.published_at,
    }


@router.get("/lists")
def lists(request: HttpRequest) -> dict[str, Any]:
    """Anyone: the published final lists."""
    runs = list(selectors.published_lists())
    return {"count": len(runs), "results": [{"id": r.pk, "year": r.year, "published_at": r.published_at} for r in runs]}


@router.get("/lists/{run_id}")
def published_list(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """Anyone: one final list, with each enterprise's score per criterion, the weights and the data sources."""
    run = access_published_run(run_id)
    method = selectors.method_of(run)
    ranges = {
        e.enterprise_id: e
        for e in run.entries.filter(eligible=True).only("enterprise_id", "rank_min", "rank_max", "weight_dependent")
    }
    places = []
    for e in selectors.list_entries(run):
        if not e.on_final_list:
            continue
        stability = ranges.get(e.enterprise_id)
        places.append(
            {
                "position": e.position,
                "enterprise": {"name_zh": e.name_zh, "name_en": e.name_en},
                "total": e.total,
                "scores": e.scores,
                "rank_range": [stability.rank_min, stability.rank_max] if stability else None,
                "weight_dependent": bool(stability and stability.weight_dependent),
                "award_status": e.application.status if e.application else None,
            }
        )
    decisions = [
        {"enterprise_id": d.enterprise_id, "kind": d.kind, "indicator": d.indicator or None, "reason": d.reason}
        for d in run.decisions.order_by("decided_at", "pk")
    ]
    return {**_run_head(run), "method": _method(method), "places": places, "decisions": decisions}


@router.get("/runs")
def runs(request: HttpRequest) -> dict[str, Any]:
    """The programme office and city leaders: every run."""
    if not can_read_runs(request.user):
        raise PermissionDeniedError()
    rows = [_run_head(r) for r in selectors.runs()]
    return {"count": len(rows), "results": rows}


@router.get("/runs/{run_id}")
def run(request: HttpRequest, run_id: int, limit: int = 100) -> dict[str, Any]:
    """The programme office and city leaders: a run's ranking with inputs, sources and rank ranges."""
    run = access_run(request.user, run_id)
    limit = max(1, min(limit, 1000))
    entries = [
        {
            "enterprise_id": e.enterprise_id,
            "name_zh": e.name_zh,
            "rank": e.rank,
            "total": e.total,
            "scores": e.scores,
            "inputs": e.inputs,
            "sources": e.sources,
            "rank_min": e.rank_min,
            "rank_max": e.rank_max,
            "top_share": e.top_share,
            "weight_dependent": e.weight_dependent,
        }
        for e in selectors.ranked_entries(run)[:limit]
    ]
    return {**_run_head(run), "method": _method(selectors.method_of(run)), "ranking": entries}


@router.get("/reports")
def reports(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """An enterprise its own annual reports; the office and leaders all; zone staff their zone's."""
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    qs = visible_reports(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    rows = [
        {
            "id": r.pk,
            "enterprise": r.enterprise.credit_code,
            "year": r.year,
            "taxes_paid_cny": str(r.taxes_paid_cny),
            "rd_expense_cny": str(r.rd_expense_cny),
            "patents": r.patents,
            "graduate_employees": r.graduate_employees,
            "status": r.status,
        }
        for r in qs.order_by("-year", "pk")[:1000]
    ]
    return {"count": len(rows), "results": rows}


# --- annual reports filed by an enterprise's own systems (as the report page: the enterprise's users) ---------


class ReportIn(Schema):
    year: int
    taxes_paid_cny: str
    rd_expense_cny: str
    patents: int
    graduate_employees: int


class ReportOut(Schema):
    id: int
    enterprise: str
    year: int
    taxes_paid_cny: str
    rd_expense_cny: str
    patents: int
    graduate_employees: int
    status: str
    return_reason: str


def report_out(r: AnnualReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "enterprise": r.enterprise.credit_code,
        "year": r.year,
        "taxes_paid_cny": f"{r.taxes_paid_cny:.2f}",
        "rd_expense_cny": f"{r.rd_expense_cny:.2f}",
        "patents": r.patents,
        "graduate_employees": r.graduate_employees,
        "status": r.status,
        "return_reason": r.return_reason,
    }


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS})
def report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """One annual report, as the report access check allows."""
    return report_out(access_report(request.user, report_id))


@router.post("/reports", response={200: ReportOut, **WRITE_ERRORS})
def report_save(request: HttpRequest, body: ReportIn) -> dict[str, Any]:
    """An enterprise's draft annual report for a past year: created, or changed while a draft or returned."""
    from waibao.accounts.access import current_user
    from waibao.registry.models import Enterprise
    from waibao.topten.services import annual_report_save

    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    user = current_user(request)
    if user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise PermissionDeniedError()
    enterprise = Enterprise.objects.get(pk=user.enterprise_id)
    saved = annual_report_save(acting_user=user, enterprise=enterprise, year=body.year, data=body.dict())
    return report_out(saved)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **WRITE_ERRORS})
def report_submit(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """Submit a draft or returned annual report for review."""
    from waibao.accounts.access import current_user
    from waibao.topten.services import annual_report_transition

    found = access_report(request.user, report_id, write=True)
    done = annual_report_transition(acting_user=current_user(request), report=found, action="submit")
    return report_out(done)
