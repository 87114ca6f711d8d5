"""The registry's import and export as background jobs (registered from RegistryConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.access import OFFICE, STAFF, require_role
from waibao.accounts.models import User
from waibao.common.tabular import xlsx_write
from waibao.jobs.kinds import JobContext, JobKind, JobOutcome, register
from waibao.jobs.models import Job
from waibao.registry.selectors import EnterpriseFilters, enterprise_list, with_categories
from waibao.registry.services import enterprise_import

IMPORT = "registry.enterprises_import"
EXPORT = "registry.enterprises_export"


def _run_import(job: Job, context: JobContext) -> JobOutcome:
    with context.open_upload() as stream:
        result = enterprise_import(
            acting_user=job.created_by, stream=stream, filename=job.filename, progress=context.progress
        )
    message = _("Imported %(count)d enterprise(s).") % {"count": result.created}
    if result.warnings:
        message += " " + _("%(count)d row(s) have an organisation-code warning; check them before verifying.") % {
            "count": len(result.warnings)
        }
    return JobOutcome(message=message, result={"created": result.created, "warnings": len(result.warnings)})


def export_headers() -> list[str]:
    return [
        _("Unified social credit code"),
        _("Chinese name"),
        _("English name"),
        _("Status"),
        _("Zone"),
        _("Ownership type"),
        _("Service categories"),
        _("Registered capital (CNY)"),
        _("Established on"),
        _("Offshore-focused"),
        _("Headquarters"),
        _("Employees"),
        _("Contact person"),
        _("Contact phone"),
        _("Contact email"),
        _("Address"),
    ]


def _run_export(job: Job, context: JobContext) -> JobOutcome:
    query = QueryDict(mutable=True)
    for key, values in job.options.get("query", {}).items():
        query.setlist(key, [str(v) for v in values])
    qs = with_categories(enterprise_list(EnterpriseFilters.from_query(query)))
    yes, no = _("yes"), _("no")
    count = 0

    def rows() -> Any:
        nonlocal count
        for e in qs.iterator(chunk_size=2000):
            count += 1
            if count % 1000 == 0:
                context.progress(rows_read=count, rows_valid=count, errors=0)
            yield [
                e.credit_code,
                e.name_zh,
                e.name_en,
                e.get_status_display(),
                e.zone.name if e.zone else "",
                e.ownership_type.name if e.ownership_type else "",
                "; ".join(c.name for c in e.categories.all()),
                e.registered_capital_cny,
                e.established_on,
                yes if e.offshore_focused else no,
                yes if e.is_headquarters else no,
                e.employees,
                e.contact_name,
                e.contact_phone,
                e.contact_email,
                e.address,
            ]

    xlsx_write(context.output, [("enterprises", export_headers(), rows())])
    return JobOutcome(
        message=_("%(count)d enterprise(s) exported.") % {"count": count},
        result={"rows": count},
        output_name="enterprises.xlsx",
    )


def _office_only(user: User, options: dict[str, Any]) -> None:
    require_role(user, OFFICE)


def _staff_only(user: User, options: dict[str, Any]) -> None:
    require_role(user, STAFF)


def register_jobs() -> None:
    register(
        JobKind(
            IMPORT,
            gettext_lazy("Import enterprises"),
            _run_import,
            _office_only,
            done_url=lambda job: reverse("registry:enterprises"),
        )
    )
    register(
        JobKind(
            EXPORT,
            gettext_lazy("Export enterprises"),
            _run_export,
            _staff_only,
            takes_upload=False,
        )
    )
