"""The worker's periodic run of scheduled publication: it publishes what is due, unpublishes what has expired,
and queues itself again a minute later (on a backend that can defer). `waibao website schedule` (run by
`make run` before the worker starts) makes sure one run is queued."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

INTERVAL = timedelta(seconds=60)
TASK_PATH = "waibao.website.tasks.publish_scheduled_pages"


@task()
def publish_scheduled_pages() -> str:
    from waibao.website.services import publish_scheduled

    publish_scheduled()
    queue_next(after=INTERVAL, running=True)
    return "ok"


def queue_next(*, after: timedelta = INTERVAL, running: bool = False) -> bool:
    """Queue the next run unless one is already waiting. False where the backend cannot defer (tests)."""
    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    if waiting.exists():
        return True
    publish_scheduled_pages.using(run_after=timezone.now() + after).enqueue()
    return True
