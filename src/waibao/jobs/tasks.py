"""The one task the worker runs: a job. (django-tasks today; `django.tasks` once the platform is on Django 6.)"""

from __future__ import annotations

from django_tasks import task

from waibao.jobs.services import job_run


@task()
def run_job(job_id: int) -> str:
    return job_run(job_id)
