"""The staff exports of applications as background jobs (registered from ApplicationsConfig.ready).

Both lists grow with every year of the programme; built in a job, they never hold a web worker.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.access import STAFF, require_role
from waibao.accounts.models import User
from waibao.applications import selectors
from waibao.common.tabular import xlsx_write
from waibao.jobs.kinds import JobContext, JobKind, JobOutcome, register
from waibao.jobs.models import Job

QUEUE_EXPORT = "applications.queue_export"
INDEX_EXPORT = "applications.index_export"


def _staff_only(user: User, options: dict[str, Any]) -> None:
    require_role(user, STAFF)


def _counted(rows: Any, context: JobContext, counter: list[int]) -> Any:
    for row in rows:
        counter[0] += 1
        if counter[0] % 1000 == 0:
            context.progress(rows_read=counter[0], rows_valid=counter[0], errors=0)
        yield row


def _run_queue(job: Job, context: JobContext) -> JobOutcome:
    everything = selectors.queue(job.created_by, per_page=None)
    headers = [
        _("Application"),
        _("Rule"),
        _("Year"),
        _("Applicant"),
        _("Status"),
        _("Department"),
        _("Age (days)"),
        _("Time limit (days)"),
        _("Overdue"),
        _("Amount (CNY)"),
    ]
    rows = (
        [
            r.application.pk,
            r.application.rule_id,
            r.application.year,
            r.application.applicant_name,
            r.application.get_status_display(),
            r.application.department.name if r.application.department else "",
            r.age_days,
            r.limit_days,
            _("yes") if r.overdue else "",
            r.application.recommended_amount_cny or r.application.calculated_amount_cny,
        ]
        for r in everything.rows
    )
    count = [0]
    xlsx_write(context.output, [("queue", headers, _counted(rows, context, count))])
    return JobOutcome(
        message=_("%(count)d application(s) exported.") % {"count": count[0]},
        result={"rows": count[0]},
        output_name="queue.xlsx",
    )


def _run_index(job: Job, context: JobContext) -> JobOutcome:
    options = job.options
    qs = selectors.applications_for(
        job.created_by, status=options.get("status", ""), rule_id=options.get("rule", ""), year=options.get("year")
    )
    headers = [
        _("Application"),
        _("Rule"),
        _("Year"),
        _("Item"),
        _("Applicant"),
        _("Status"),
        _("Department"),
        _("Fund"),
        _("Basis"),
        _("Calculated amount (CNY)"),
        _("Recommended amount (CNY)"),
        _("Approved amount (CNY)"),
        _("Policy package version"),
        _("Submitted at"),
    ]
    rows = (
        [
            a.pk,
            a.rule_id,
            a.year,
            a.item_label,
            a.applicant_name,
            a.get_status_display(),
            a.department.name if a.department else "",
            a.fund_code,
            a.basis,
            a.calculated_amount_cny,
            a.recommended_amount_cny,
            a.approved_amount_cny,
            f"{a.package_name} {a.package_version}".strip(),
            a.submitted_at,
        ]
        for a in qs.iterator(chunk_size=2000)
    )
    count = [0]
    xlsx_write(context.output, [("applications", headers, _counted(rows, context, count))])
    return JobOutcome(
        message=_("%(count)d application(s) exported.") % {"count": count[0]},
        result={"rows": count[0]},
        output_name="applications.xlsx",
    )


def register_jobs() -> None:
    register(JobKind(QUEUE_EXPORT, gettext_lazy("Export the work queue"), _run_queue, _staff_only, takes_upload=False))
    register(JobKind(INDEX_EXPORT, gettext_lazy("Export applications"), _run_index, _staff_only, takes_upload=False))
