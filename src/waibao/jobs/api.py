"""Background jobs of the signed-in user (mounted at /api/v1/jobs): their status and outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from waibao.accounts.access import current_user
from waibao.api.common import ERRORS, Page, paginate
from waibao.common.errors import PermissionDeniedError
from waibao.jobs.access import access_job
from waibao.jobs.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    rows_read: int
    rows_valid: int
    error_count: int
    message: str
    created_at: datetime
    finished_at: datetime | None


def _job(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "rows_read": job.rows_read,
        "rows_valid": job.rows_valid,
        "error_count": job.error_count,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get("", response={200: Page[JobOut], **ERRORS})
def jobs(request: HttpRequest, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    return paginate(
        Job.objects.filter(created_by=current_user(request)).order_by("-created_at", "-id"), page, page_size, _job
    )


@router.get("/{job_id}", response={200: JobOut, **ERRORS})
def job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    return _job(access_job(current_user(request), job_id))
