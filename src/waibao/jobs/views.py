"""A job's page (progress, cancel, outcome), its htmx progress fragment, and its downloads."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import current_user
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.tabular import neutralise, xlsx_response
from waibao.jobs.access import access_job
from waibao.jobs.kinds import kind_for
from waibao.jobs.models import Job
from waibao.jobs.selectors import jobs_of
from waibao.jobs.services import job_cancel, jobs_dir

SHOWN_ERRORS = 200


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return None


def _context(job: Job) -> dict[str, object]:
    kind = kind_for(job.kind)
    return {
        "job": job,
        "label": kind.label,
        "done_url": kind.done_url(job) if kind.done_url and job.status == "succeeded" else "",
        "errors": job.errors[:SHOWN_ERRORS],
        "errors_hidden": max(0, len(job.errors) - SHOWN_ERRORS),
    }


@require_http_methods(["GET"])
def job_list(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    jobs = [(job, kind_for(job.kind).label) for job in jobs_of(current_user(request))]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@require_http_methods(["GET"])
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    job = access_job(current_user(request), job_id)
    return render(request, "jobs/job_detail.html", _context(job))


@require_http_methods(["GET"])
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The fragment htmx polls; once the job has finished it asks the browser to reload the whole page."""
    if (login := _signed_in(request)) is not None:
        return login
    job = access_job(current_user(request), job_id)
    response = render(request, "jobs/_progress.html", _context(job))
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_cancel_view(request: HttpRequest, job_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    job = access_job(current_user(request), job_id)
    try:
        job_cancel(acting_user=current_user(request), job=job)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Cancelling: nothing will be imported."))
    return redirect("jobs:detail", job_id=job.pk)


def _error_rows(job: Job) -> list[list[object]]:
    return [[e.get("row"), e.get("column"), e.get("message")] for e in job.errors]


@require_http_methods(["GET"])
def job_errors(request: HttpRequest, job_id: int, fmt: str) -> HttpResponse:
    """The per-row error report of a refused import, as .xlsx or .csv (UTF-8 with BOM, for Excel)."""
    if (login := _signed_in(request)) is not None:
        return login
    job = access_job(current_user(request), job_id)
    if not job.errors or fmt not in ("xlsx", "csv"):
        raise NotFoundError()
    headers = [_("Row"), _("Column"), _("Problem")]
    rows = _error_rows(job)
    if job.unchecked_rows:
        rows.append(["", "", _("%(rows)d more row(s) were not checked.") % {"rows": job.unchecked_rows}])
    filename = f"job-{job.pk}-errors.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET"])
def job_output(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """The file an export job wrote."""
    if (login := _signed_in(request)) is not None:
        return login
    job = access_job(current_user(request), job_id)
    path = jobs_dir() / job.output
    if not job.output or not path.is_file():
        raise NotFoundError()
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.output_name)
