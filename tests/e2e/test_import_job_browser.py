"""In a real browser: an import queued as a job, its page polling progress (htmx) until the worker finishes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.jobs.models import Job, JobStatus
from waibao.jobs.services import job_run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_rates_upload_becomes_a_job_whose_page_follows_the_worker(
    browser_page: Any, office: User, tmp_path: Path
) -> None:
    page = browser_page
    upload = tmp_path / "rates.csv"
    upload.write_text("date,currency,cny_per_unit\n2007-01-02,USD,7.80\nnot-a-date,USD,7.81\n", encoding="utf-8")
    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/statistics/rates/?")
    page.set_input_files("input[name=file]", str(upload))
    page.click("form:has(input[name=file]) button[type=submit]")
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED  # queued, not run in the request
    assert page.locator("#job-progress").count() == 1 and page.locator("#import-errors").count() == 0
    job_run(job.pk)  # what the worker does; the page polls and reloads itself when the job has finished
    page.wait_for_selector("#import-errors", timeout=10_000)
    assert page.locator("#job-errors").inner_text() == "1"
    assert page.locator("a[href$='errors.xlsx']").count() == 1 and page.locator("a[href$='errors.csv']").count() == 1
