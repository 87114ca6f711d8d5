"""Every write of the top-ten selection (HZ-24): annual reports and their review, violations, runs, the office's
review decisions, the public notice (through the applications area) and the final list.

The award moves money only through the applications area, which calls down into the ledger: the list's HZ-24
applications are finally approved (committed on the ledger when an award is set) and paid from the ledger page;
their status follows the money inside those services, never here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.applications import services as application_services
from waibao.applications.models import Application, ApplicationStatus
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.money import MoneyError, parse_money
from waibao.common.text import clean_text
from waibao.registry.models import Enterprise
from waibao.statistics.access import can_file, can_review
from waibao.statistics.workflow import EDITABLE, RECORD_WORKFLOW
from waibao.topten.compute import compute
from waibao.topten.method import INDICATORS, MethodError, parse_method
from waibao.topten.models import (
    AnnualReport,
    AnnualReportCall,
    DecisionKind,
    ListEntry,
    RunDecision,
    RunEntry,
    RunStatus,
    SelectionMethod,
    SelectionRun,
    Violation,
)
from waibao.topten.selectors import reviewed_ranking
from waibao.topten.snapshot import digest, gather

RULE_ID = "HZ-24"
COUNT_FIELDS = ("patents", "graduate_employees")
MONEY_FIELDS = ("taxes_paid_cny", "rd_expense_cny")


def _office(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    return user


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a year."), code="year", field="year") from None
    if not 1990 <= year <= 2200:
        raise DomainError(_("Enter a year between 1990 and 2200."), code="year", field="year")
    return year


# --- annual reports -------------------------------------------------------------------------------------


@transaction.atomic
def report_call_set(*, acting_user: User, year: int, due_on: datetime.date) -> AnnualReportCall:
    """The office sets the date by which the annual reports of `year` are due (after the year ends)."""
    _office(acting_user)
    year = _year(year)
    if due_on <= datetime.date(year, 12, 31):
        raise DomainError(_("The due date must fall after the year reported on."), code="due_on", field="due_on")
    call, created = AnnualReportCall.objects.update_or_create(
        year=year, defaults={"due_on": due_on, "set_by": acting_user}
    )
    audit_record(
        actor=acting_user,
        action="topten.report_call_set",
        obj=call,
        summary=f"{year}: {due_on.isoformat()}",
        data={"year": year, "due_on": due_on, "created": created},
    )
    return call


def _clean_figures(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in MONEY_FIELDS:
        try:
            cleaned[name] = parse_money(data.get(name), allow_zero=True)
        except MoneyError as exc:
            raise DomainError(exc.message, code="amount", field=name) from None
    for name in COUNT_FIELDS:
        value = data.get(name)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number."), code="count", field=name) from None
        if not 0 <= number <= 10_000_000:
            raise DomainError(_("Enter a whole number from 0 to 10,000,000."), code="count", field=name)
        cleaned[name] = number
    return cleaned


@transaction.atomic
def annual_report_save(*, acting_user: User, enterprise: Enterprise, year: int, data: dict[str, Any]) -> AnnualReport:
    """Create or change the draft annual report of `enterprise` for `year` (its users or the office)."""
    if not can_file(acting_user, enterprise.pk):
        raise PermissionDeniedError()
    year = _year(year)
    if year >= timezone.localdate().year:
        raise DomainError(_("An annual report is filed after the year ends."), code="year", field="year")
    figures = _clean_figures(data)
    report = AnnualReport.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    before: dict[str, Any] = {}
    if report is None:
        report = AnnualReport(enterprise=enterprise, year=year, **figures)
        report.save()
        action = "topten.report_created"
    else:
        if report.status not in EDITABLE:
            raise DomainError(
                _("This report is submitted or approved: it can be changed only after it is returned or corrected."),
                code="not_editable",
            )
        before = {name: getattr(report, name) for name in figures}
        for name, value in figures.items():
            setattr(report, name, value)
        report.save()
        action = "topten.report_updated"
    audit_record(
        actor=acting_user,
        action=action,
        obj=report,
        summary=f"{enterprise.credit_code} {year}",
        changes={k: [before[k], figures[k]] for k in before if before[k] != figures[k]},
    )
    return report


@transaction.atomic
def annual_report_transition(*, acting_user: User, report: AnnualReport, action: str, reason: str = "") -> AnnualReport:
    """Submit, approve, return or correct an annual report: the statistics records' review workflow."""
    report = AnnualReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)
    reason = clean_text(reason, field="reason", multiline=True)
    transition = RECORD_WORKFLOW.check(name=action, state=report.status, role=acting_user.role, reason=reason)
    if action in ("submit", "correct"):
        if not can_file(acting_user, report.enterprise_id):
            raise PermissionDeniedError()
    elif not can_review(acting_user, report.enterprise):
        raise PermissionDeniedError()
    before = report.status
    report.status = transition.target
    now = timezone.now()
    if action == "submit":
        report.submitted_at = now
        report.return_reason = ""
    elif action in ("approve", "return"):
        report.reviewed_at = now
        report.reviewed_by = acting_user
        report.return_reason = reason[:500] if action == "return" else ""
    report.save()
    audit_record(
        actor=acting_user,
        action=f"topten.report_{action}",
        obj=report,
        summary=reason[:500],
        changes={"status": [before, report.status]},
    )
    return report


# --- violations -----------------------------------------------------------------------------------------


@transaction.atomic
def violation_record(
    *, acting_user: User, enterprise: Enterprise, description: str, recorded_on: datetime.date
) -> Violation:
    _office(acting_user)
    description = clean_text(description, field="description")
    if not description:
        raise DomainError(_("Describe the violation."), code="required", field="description")
    violation = Violation.objects.create(
        enterprise=enterprise, description=description[:500], recorded_on=recorded_on, recorded_by=acting_user
    )
    audit_record(actor=acting_user, action="topten.violation_recorded", obj=violation, summary=description[:500])
    return violation


@transaction.atomic
def violation_close(*, acting_user: User, violation: Violation, reason: str, closed_on: datetime.date) -> Violation:
    _office(acting_user)
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    reason = clean_text(reason, field="reason")
    if not reason:
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if violation.closed_on is not None:
        raise DomainError(_("This violation is already closed."), code="closed")
    violation.closed_on = closed_on
    violation.closed_reason = reason[:500]
    violation.save(update_fields=["closed_on", "closed_reason"])
    audit_record(actor=acting_user, action="topten.violation_closed", obj=violation, summary=reason[:500])
    return violation


# --- runs -----------------------------------------------------------------------------------------------


def method_for(year: int) -> SelectionMethod:
    """The method in force on 1 January of `year` (the latest `from` on or before it)."""
    method = (
        SelectionMethod.objects.filter(valid_from__lte=datetime.date(year, 1, 1)).order_by("-valid_from", "-pk").first()
    )
    if method is None:
        raise DomainError(
            _("No selection method applies to %(year)s: load the data set (waibao load_defaults).") % {"year": year},
            code="no_method",
        )
    return method


def run_create(*, acting_user: User, year: int, method: SelectionMethod | None = None) -> SelectionRun:
    """Take a snapshot of every input for `year`, rank the eligible enterprises and test the ranks' stability;
    store it all once (the run is never changed afterwards, only reviewed)."""
    _office(acting_user)
    year = _year(year)
    method = method or method_for(year)
    try:
        parsed = parse_method(method.document)
    except MethodError as exc:
        raise DomainError(str(exc), code="method") from None
    parameters = {**method.document, "method_code": method.code, "year": year}
    with transaction.atomic():
        rows = gather(year=year, method=parsed)
        eligible = [r for r in rows if r.eligible]
        results = {
            r.enterprise_id: r
            for r in compute(parsed, [r.enterprise_id for r in eligible], [r.inputs for r in eligible])
        }
        run = SelectionRun.objects.create(
            year=year,
            method=method,
            parameters=parameters,
            snapshot_digest=digest(parameters, rows),
            eligible_count=len(eligible),
            considered_count=len(rows),
            created_by=acting_user,
        )
        entries = []
        for row in rows:
            result = results.get(row.enterprise_id)
            entries.append(
                RunEntry(
                    run=run,
                    enterprise_id=row.enterprise_id,
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    inputs=row.inputs,
                    sources=row.sources,
                    eligible=row.eligible,
                    ineligible=row.ineligible,
                    rank=result.rank if result else None,
                    total=result.total if result else None,
                    scores=result.scores if result else {},
                    rank_min=result.rank_min if result else None,
                    rank_max=result.rank_max if result else None,
                    top_share=result.top_share if result else None,
                    weight_dependent=result.weight_dependent if result else False,
                )
            )
        RunEntry.objects.bulk_create(entries, batch_size=1000)
        audit_record(
            actor=acting_user,
            action="topten.run_created",
            obj=run,
            summary=f"{year}: {len(eligible)}/{len(rows)}",
            data={"method": method.code, "digest": run.snapshot_digest, "eligible": len(eligible)},
        )
    return run


def _lock_run(run: SelectionRun) -> SelectionRun:
    return SelectionRun.objects.select_for_update().select_related("method").get(pk=run.pk)


@transaction.atomic
def run_decide(
    *,
    acting_user: User,
    run: SelectionRun,
    enterprise_id: int,
    kind: str,
    reason: str,
    indicator: str = "",
    value: Any = "",
) -> RunDecision:
    """The office excludes an enterprise from the list, or adjusts one of its figures, with the reason."""
    _office(acting_user)
    run = _lock_run(run)
    if run.status != RunStatus.REVIEW:
        raise DomainError(_("The run is no longer under review."), code="not_in_review")
    reason = clean_text(reason, field="reason", multiline=True)
    if not reason:
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if kind not in DecisionKind.values:
        raise DomainError(_("Choose a decision."), code="kind", field="kind")
    entry = run.entries.filter(enterprise_id=enterprise_id).first()
    if entry is None:
        raise DomainError(_("This enterprise is not in the run."), code="not_in_run", field="enterprise")
    if not entry.eligible:
        raise DomainError(
            _("This enterprise is not eligible: it is not ranked."), code="not_eligible", field="enterprise"
        )
    clean_value = ""
    if kind == DecisionKind.ADJUST:
        if indicator not in entry.inputs:
            raise DomainError(_("Choose a figure the method uses."), code="indicator", field="indicator")
        try:
            number = (
                parse_money(value, allow_zero=True) if indicator.endswith("_cny") else Decimal(int(str(value).strip()))
            )
        except (MoneyError, ValueError):
            raise DomainError(_("Enter a number (not negative)."), code="value", field="value") from None
        if number < 0:
            raise DomainError(_("Enter a number (not negative)."), code="value", field="value")
        clean_value = str(number)
    else:
        indicator = ""
        if run.decisions.filter(enterprise_id=enterprise_id, kind=DecisionKind.EXCLUDE).exists():
            raise DomainError(_("This enterprise is already excluded."), code="already_excluded")
    decision = RunDecision.objects.create(
        run=run,
        enterprise_id=enterprise_id,
        kind=kind,
        indicator=indicator,
        value=clean_value,
        reason=reason,
        decided_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=f"topten.{kind}",
        obj=run,
        summary=reason[:500],
        data={
            "enterprise_id": enterprise_id,
            "indicator": indicator,
            "value": clean_value,
            "before": entry.inputs.get(indicator) if indicator else None,
        },
    )
    return decision


@transaction.atomic
def run_cancel(*, acting_user: User, run: SelectionRun, reason: str) -> SelectionRun:
    _office(acting_user)
    run = _lock_run(run)
    reason = clean_text(reason, field="reason", multiline=True)
    if not reason:
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if run.status != RunStatus.REVIEW:
        raise DomainError(_("Only a run under review can be cancelled."), code="not_in_review")
    run.status = RunStatus.CANCELLED
    run.save(update_fields=["status"])
    audit_record(
        actor=acting_user,
        action="topten.run_cancelled",
        obj=run,
        summary=reason[:500],
        changes={"status": [RunStatus.REVIEW, RunStatus.CANCELLED]},
    )
    return run


@transaction.atomic
def run_open_notice(*, acting_user: User, run: SelectionRun) -> SelectionRun:
    """Put the reviewed list (the run re-scored with the office's decisions) to public notice: one HZ-24
    application per place, approved with the award (0 where none is set), so anyone may object to it."""
    _office(acting_user)
    run = _lock_run(run)
    if run.status != RunStatus.REVIEW:
        raise DomainError(_("The run is no longer under review."), code="not_in_review")
    if SelectionRun.objects.filter(year=run.year, status__in=(RunStatus.IN_NOTICE, RunStatus.PUBLISHED)).exists():
        raise DomainError(
            _("A list for %(year)s is already in notice or published.") % {"year": run.year}, code="year_taken"
        )
    method = parse_method(run.parameters)
    ranking = reviewed_ranking(run)[: method.size]
    if not ranking:
        raise DomainError(_("No enterprise is eligible: there is no list to publish."), code="empty")
    amount = method.award_cny or Decimal(0)
    enterprises = Enterprise.objects.in_bulk([r.entry.enterprise_id for r in ranking])
    for place in ranking:
        entry = place.entry
        application = application_services.application_open_award_notice(
            acting_user=acting_user,
            enterprise=enterprises[entry.enterprise_id],
            rule_id=RULE_ID,
            year=run.year,
            amount=amount,
            fund_code=method.fund,
            reason=_("Selected in the %(year)s top-ten selection, place %(place)s.")
            % {"year": run.year, "place": place.position},
            facts={"selection_run": run.pk, "position": place.position},
        )
        ListEntry.objects.create(
            run=run,
            enterprise_id=entry.enterprise_id,
            name_zh=entry.name_zh,
            name_en=entry.name_en,
            position=place.position,
            total=place.total,
            scores=place.scores,
            inputs=place.inputs,
            sources=entry.sources,
            application=application,
        )
    first = Application.objects.filter(topten_entry__run=run).order_by("pk").first()
    run.status = RunStatus.IN_NOTICE
    run.notice_starts_on = first.notice_starts_on if first else None
    run.notice_ends_on = first.notice_ends_on if first else None
    run.save(update_fields=["status", "notice_starts_on", "notice_ends_on"])
    audit_record(
        actor=acting_user,
        action="topten.notice_opened",
        obj=run,
        summary=str(run.year),
        changes={"status": [RunStatus.REVIEW, RunStatus.IN_NOTICE]},
        data={"places": len(ranking), "award_cny": str(amount)},
    )
    return run


@transaction.atomic
def run_publish(*, acting_user: User, run: SelectionRun) -> SelectionRun:
    """After the notice: every place still in notice is finally approved through the applications area (the
    award, if set, committed on the ledger); a place whose objection was upheld leaves the list. Refused while
    the notice runs or an objection waits."""
    _office(acting_user)
    run = _lock_run(run)
    if run.status != RunStatus.IN_NOTICE:
        raise DomainError(_("The list is not in public notice."), code="not_in_notice")
    entries = list(run.list_entries.select_related("application").order_by("position"))
    held = [e for e in entries if e.application and e.application.status == ApplicationStatus.ON_HOLD]
    if held:
        raise DomainError(
            _("An objection is still open on %(name)s: resolve it first.") % {"name": held[0].name},
            code="objection_open",
        )
    kept = 0
    for entry in entries:
        application = entry.application
        assert application is not None
        if application.status == ApplicationStatus.IN_NOTICE:
            application_services.application_transition(
                acting_user=acting_user, application=application, action="final_approve"
            )
        application.refresh_from_db()
        on_list = application.status in (ApplicationStatus.COMMITTED, ApplicationStatus.PAID)
        if on_list:
            kept += 1
        entry.on_final_list = on_list
        entry.save(update_fields=["on_final_list"])
    run.status = RunStatus.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    public_cache.changed(public_cache.APPLICATIONS)
    audit_record(
        actor=acting_user,
        action="topten.published",
        obj=run,
        summary=str(run.year),
        changes={"status": [RunStatus.IN_NOTICE, RunStatus.PUBLISHED]},
        data={"on_final_list": kept},
    )
    return run


INDICATOR_NAMES = tuple(INDICATORS)
