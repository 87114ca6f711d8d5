"""The daily work of the recruitment site as a django-tasks task: close postings past their closing date and
remind enterprises of the ones about to close. `waibao recruitment daily` runs it (from cron or a systemd
timer, like `waibao governance remind`), directly or, with `--enqueue`, on the worker (`waibao db_worker`)."""

from __future__ import annotations

import datetime

from django_tasks import task


@task()
def recruitment_daily(today: str | None = None) -> dict[str, int]:
    from django.utils import timezone

    from waibao.recruitment.services import posting_reminders_send, postings_expire

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return {"expired": postings_expire(today=day), "reminded": posting_reminders_send(today=day)}
