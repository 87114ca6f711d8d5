"""The statistics imports as background jobs (registered with `waibao.jobs` from StatisticsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.models import User
from waibao.jobs.kinds import JobContext, JobKind, JobOutcome, register
from waibao.jobs.models import Job
from waibao.statistics import services

CONTRACTS = "statistics.contracts_import"
EXECUTIONS = "statistics.executions_import"
RATES = "statistics.rates_import"


def _authorize_records(user: User, options: dict[str, Any]) -> None:
    services.import_scope(user, bool(options.get("approve")))


def _authorize_rates(user: User, options: dict[str, Any]) -> None:
    services.require_office(user)


def _run_records(job: Job, context: JobContext) -> JobOutcome:
    importer = services.contracts_import if job.kind == CONTRACTS else services.executions_import
    with context.open_upload() as stream:
        result = importer(
            acting_user=job.created_by,
            stream=stream,
            filename=job.filename,
            approve=bool(job.options.get("approve")),
            progress=context.progress,
        )
    if job.options.get("approve"):
        message = _("Imported %(count)d record(s) as approved.") % {"count": result.created}
    else:
        message = _("Imported %(count)d record(s) as drafts: review and submit them.") % {"count": result.created}
    return JobOutcome(message=message, result={"created": result.created})


def _run_rates(job: Job, context: JobContext) -> JobOutcome:
    with context.open_upload() as stream:
        result = services.exchange_rates_import(
            acting_user=job.created_by, stream=stream, filename=job.filename, progress=context.progress
        )
    return JobOutcome(
        message=_("Exchange rates: %(created)d created, %(updated)d updated.")
        % {"created": result.created, "updated": result.updated},
        result={"created": result.created, "updated": result.updated},
    )


def register_jobs() -> None:
    register(
        JobKind(
            CONTRACTS,
            gettext_lazy("Import contracts"),
            _run_records,
            _authorize_records,
            done_url=lambda job: reverse("statistics:my_records"),
        )
    )
    register(
        JobKind(
            EXECUTIONS,
            gettext_lazy("Import execution records"),
            _run_records,
            _authorize_records,
            done_url=lambda job: reverse("statistics:my_records"),
        )
    )
    register(
        JobKind(
            RATES,
            gettext_lazy("Import exchange rates"),
            _run_rates,
            _authorize_rates,
            lambda job: reverse("statistics:rates"),
        )
    )
