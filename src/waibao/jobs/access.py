"""Who may see a job: the user who started it, and nobody else (its errors quote the uploaded data)."""

from __future__ import annotations

from waibao.accounts.models import User
from waibao.common.errors import NotFoundError
from waibao.jobs.models import Job


def access_job(user: User, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id, created_by_id=user.pk).first()
    if job is None:
        raise NotFoundError()
    return job
