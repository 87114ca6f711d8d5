"""Reads of jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from waibao.accounts.models import User
from waibao.jobs.models import Job


def jobs_of(user: User, *, limit: int = 50) -> QuerySet[Job]:
    return Job.objects.filter(created_by=user).defer("errors", "result")[:limit]
