"""A background job (an import or a large export) and what its page shows while it runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.models import TimeStampedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Refused or failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(TimeStampedModel):
    """One run of a registered job kind (`waibao.jobs.kinds`), owned by the user who started it.

    The uploaded file waits under `JOBS_DIR` until the job has run, then is deleted; an export's file
    stays there for its owner to download. `errors` holds at most `IMPORT_MAX_ERRORS` row errors.
    """

    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("started by")
    )
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.CharField(max_length=255, blank=True)  # path under JOBS_DIR, until the job has run
    options = models.JSONField(default=dict, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_valid = models.PositiveIntegerField(_("rows valid"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    unchecked_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(_("outcome"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    output = models.CharField(max_length=255, blank=True)  # path under JOBS_DIR of a file the job wrote
    output_name = models.CharField(max_length=255, blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in JobStatus]), name="jobs_job_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
