"""The background job that publishes a release (the office's button queues it; the worker runs it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.models import User
from waibao.common.errors import DomainError
from waibao.jobs.kinds import JobContext, JobKind, JobOutcome, register
from waibao.jobs.models import Job
from waibao.opendata.access import require_publisher
from waibao.opendata.catalogue import dataset_spec

RELEASE_JOB = "opendata.release"


def _authorize(user: User, options: dict[str, Any]) -> None:
    require_publisher(user)
    dataset_spec(str(options.get("dataset", "")))


def _run(job: Job, context: JobContext) -> JobOutcome:
    from waibao.opendata.services import release_publish

    code = str(job.options.get("dataset", ""))
    release = release_publish(dataset=code, acting_user=job.created_by)
    return JobOutcome(
        message=_("Version %(version)d of “%(title)s” is published (%(rows)d rows).")
        % {"version": release.version, "title": release.title, "rows": release.row_count},
        result={"dataset": code, "version": release.version},
    )


def _done_url(job: Job) -> str:
    try:
        return reverse("opendata:dataset", args=[str(job.options.get("dataset", ""))])
    except DomainError:  # pragma: no cover - defensive
        return reverse("opendata:catalogue")


def register_jobs() -> None:
    register(
        JobKind(
            RELEASE_JOB,
            gettext_lazy("Publish an open-data release"),
            _run,
            _authorize,
            done_url=_done_url,
            takes_upload=False,
        )
    )
