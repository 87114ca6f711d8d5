"""Every write to jobs: submitting one (saving its upload and queueing it), cancelling it, and running it.

`job_run` is what the worker executes (through `tasks.run_job`): it marks the job running, hands the kind's
function a `JobContext`, and records the outcome. Imports stay all-or-nothing inside their own services:
a cancelled or refused job has written nothing. Progress is written at most twice a second, and each
write also reads the cancel flag, so cancelling takes effect within a second of reading.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waibao.accounts.models import User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.tabular import TableImportError
from waibao.jobs.kinds import JobContext, JobOutcome, kind_for
from waibao.jobs.models import FINISHED, Job, JobStatus

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5
STALLED_AFTER = timedelta(minutes=15)  # a running job silent this long has lost its worker (killed, restarted)


class JobCancelled(Exception):
    """Raised inside a running job when its owner asked to cancel it."""


def jobs_dir() -> Path:
    folder = Path(settings.JOBS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _save_upload(upload: IO[bytes], filename: str) -> str:
    """Copy the upload into JOBS_DIR (owner-only), refusing it past IMPORT_MAX_BYTES; return its name there."""
    suffix = Path(filename).suffix.lower()[:8]
    name = f"upload-{uuid.uuid4().hex}{suffix}"
    path = jobs_dir() / name
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target:
        while chunk := upload.read(1024 * 1024):
            written += len(chunk)
            if written > settings.IMPORT_MAX_BYTES:
                target.close()
                path.unlink(missing_ok=True)
                raise DomainError(
                    _("The file is larger than %(max)s MB.") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
                    code="file_too_large",
                    field="file",
                )
            target.write(chunk)
    return name


def job_submit(
    *,
    acting_user: User,
    kind: str,
    upload: IO[bytes] | None = None,
    filename: str = "",
    options: dict[str, Any] | None = None,
) -> Job:
    """Queue a job of `kind` for `acting_user` (who must be allowed to run it); the worker runs it."""
    job_kind = kind_for(kind)
    options = options or {}
    job_kind.authorize(acting_user, options)
    if job_kind.takes_upload and upload is None:
        raise DomainError(_("Choose a file."), field="file", code="required")
    stored = _save_upload(upload, filename) if upload is not None else ""
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                created_by=acting_user,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                filename=filename[:255],
                upload=stored,
                options=options,
            )
            audit_record(actor=acting_user, action="job.submitted", obj=job, summary=f"{kind} {filename}"[:200])
    except BaseException:
        if stored:
            (jobs_dir() / stored).unlink(missing_ok=True)
        raise
    from waibao.jobs.tasks import run_job

    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


@transaction.atomic
def job_cancel(*, acting_user: User, job: Job) -> Job:
    """Cancel a job that has not finished: a queued one at once, a running one at its next progress report."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != acting_user.pk:
        raise PermissionDeniedError()
    if job.is_finished:
        raise DomainError(_("The job has already finished."), code="finished")
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.message = _("Cancelled before it started: nothing was imported.")
        _remove(job.upload)
        job.upload = ""
    elif job.updated_at < timezone.now() - STALLED_AFTER:
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.message = _(
            "The job had stopped reporting (its worker probably ended) and is now closed. An import is all or "
            "nothing: check the records to see whether it was written."
        )
    job.cancel_requested = True
    job.save(update_fields=["status", "finished_at", "message", "upload", "cancel_requested", "updated_at"])
    audit_record(actor=acting_user, action="job.cancelled", obj=job, summary=job.kind)
    return job


class _Progress:
    """The ImportProgress a running job gets: writes the counts to the job, and stops it when cancelled."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, *, rows_read: int, rows_valid: int, errors: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        Job.objects.filter(pk=self.job_id).update(
            rows_read=rows_read, rows_valid=rows_valid, error_count=errors, updated_at=timezone.now()
        )
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled()


def _remove(name: str) -> None:
    if name:
        (jobs_dir() / Path(name).name).unlink(missing_ok=True)


def _finish(job: Job, status: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), updated_at=timezone.now(), **fields)


def job_run(job_id: int) -> str:
    """Run one queued job to its end (the worker's side); returns the final status."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return job.status if job is not None else "missing"
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    output_name = f"output-{uuid.uuid4().hex}"
    output_path = jobs_dir() / output_name
    keep_output = False
    try:
        with translation.override(job.language), _open_output(output_path) as output:
            context = JobContext(
                job,
                progress=_Progress(job.pk),
                upload=lambda: (jobs_dir() / Path(job.upload).name).open("rb"),
                output=output,
            )
            outcome: JobOutcome = kind_for(job.kind).run(job, context)
    except JobCancelled:
        with translation.override(job.language):
            _finish(job, JobStatus.CANCELLED, message=_("Cancelled: nothing was imported."))
    except TableImportError as exc:
        with translation.override(job.language):
            _finish(
                job,
                JobStatus.FAILED,
                message=str(exc.message),
                errors=[e.as_dict() for e in exc.errors],
                error_count=len(exc.errors),
                unchecked_rows=exc.unchecked_rows,
            )
    except DomainError as exc:
        _finish(job, JobStatus.FAILED, message=str(exc.message))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            _finish(
                job,
                JobStatus.FAILED,
                message=_("The job stopped on an unexpected error; nothing was imported. The log has the details."),
            )
    else:
        keep_output = bool(outcome.output_name)
        _finish(
            job,
            JobStatus.SUCCEEDED,
            message=outcome.message,
            result=outcome.result,
            output=output_name if keep_output else "",
            output_name=outcome.output_name,
        )
    finally:
        _remove(job.upload)
        Job.objects.filter(pk=job.pk).update(upload="")
        if not keep_output:
            output_path.unlink(missing_ok=True)
    return str(Job.objects.values_list("status", flat=True).get(pk=job.pk))


def _open_output(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def jobs_prune(*, older_than_days: int) -> int:
    """Delete finished jobs older than the given age, with the files they left (exports); return how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff)
    for name in old.exclude(output="").values_list("output", flat=True):
        _remove(name)
    count, _by_model = old.delete()
    return count
