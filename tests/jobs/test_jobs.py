"""Imports as background jobs: the page, progress, cancel, the error report, access, and the real worker."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from openpyxl import load_workbook

from waibao.accounts.models import User
from waibao.common.errors import DomainError
from waibao.jobs.kinds import JobKind, JobOutcome, register
from waibao.jobs.models import Job, JobStatus
from waibao.jobs.services import job_cancel, job_run, job_submit
from waibao.statistics.models import ExchangeRate

pytestmark = pytest.mark.django_db

RATES_URL = "/statistics/rates/"


def rates_csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rates.csv", ("date,currency,cny_per_unit\n" + "\n".join(rows) + "\n").encode())


def post_rates(client: Client, upload: SimpleUploadedFile) -> Any:
    return client.post(RATES_URL, {"form": "upload", "file": upload}, follow=True)


def test_rates_import_runs_as_a_job_and_its_page_shows_the_outcome(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    response = post_rates(client, rates_csv("2007-01-02,USD,7.80", "2007-01-03,USD,7.81"))
    job = Job.objects.get()
    assert response.redirect_chain[-1][0] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.rows_read == 2 and job.rows_valid == 2
    assert ExchangeRate.objects.count() == 2
    body = response.content.decode()
    assert 'id="job-rows-read">2<' in body and 'id="job-outcome"' in body
    assert job.upload == "" and not list(Path(settings.JOBS_DIR).glob("upload-*"))  # the upload is gone once run
    progress = client.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"  # finished: the browser reloads the full page


def test_refused_import_offers_the_error_report_as_xlsx_and_csv(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    response = post_rates(client, rates_csv("2007-01-02,USD,7.80", "not-a-date,USD,7.81", "2007-01-04,???,x"))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and ExchangeRate.objects.count() == 0  # all or nothing
    assert job.error_count == 3 and job.rows_read == 3
    assert 'id="import-errors"' in response.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{job.pk}/errors.xlsx").content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [3, 4, 4]
    text = client.get(f"/jobs/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert [r[:2] for r in csv.reader(io.StringIO(text))][1:] == [
        ["3", "date"],
        ["4", "currency"],
        ["4", "cny_per_unit"],
    ]


@override_settings(IMPORT_MAX_ERRORS=5)
def test_errors_stop_at_the_limit_and_the_page_says_how_many_rows_were_not_checked(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    # The reported CSV of 200k bad rows produced 600k errors in 73 s; here 40 bad rows, 5 errors kept.
    client = client_for(office)
    response = post_rates(client, rates_csv(*[f"bad,USD,{n + 1}" for n in range(40)]))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error_count == 5 and len(job.errors) == 5
    assert job.unchecked_rows == 35
    assert "35" in response.content.decode()


def test_job_pages_belong_to_their_owner(
    office: User, finance: User, client_for: Callable[[User | None], Client]
) -> None:
    post_rates(client_for(office), rates_csv("bad,USD,1"))
    job = Job.objects.get()
    other = client_for(finance)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/progress/", f"/jobs/{job.pk}/errors.csv"):
        assert other.get(url).status_code == 404
    assert other.post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert client_for(None).get(f"/jobs/{job.pk}/").status_code == 302  # to the sign-in page
    assert client_for(office).get("/jobs/").status_code == 200


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_queued_job_can_be_cancelled_and_the_worker_then_skips_it(office: User) -> None:
    job = job_submit(
        acting_user=office, kind="statistics.rates_import", upload=rates_csv("2007-01-02,USD,7.8"), filename="r.csv"
    )
    assert job.status == JobStatus.QUEUED
    job = job_cancel(acting_user=office, job=job)
    assert job.status == JobStatus.CANCELLED and job.upload == ""
    assert job_run(job.pk) == JobStatus.CANCELLED
    assert ExchangeRate.objects.count() == 0
    with pytest.raises(DomainError):
        job_cancel(acting_user=office, job=job)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_cancel_that_arrives_while_running_stops_the_import_before_it_writes(office: User) -> None:
    job = job_submit(
        acting_user=office, kind="statistics.rates_import", upload=rates_csv("2007-01-02,USD,7.8"), filename="r.csv"
    )
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # as if the owner pressed Cancel just now
    assert job_run(job.pk) == JobStatus.CANCELLED
    assert ExchangeRate.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a batch, as in production
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_worker_runs_a_queued_job(office: User) -> None:
    job = job_submit(
        acting_user=office, kind="statistics.rates_import", upload=rates_csv("2007-01-02,USD,7.8"), filename="r.csv"
    )
    assert job.status == JobStatus.QUEUED and job.task_id and ExchangeRate.objects.count() == 0
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and ExchangeRate.objects.count() == 1


def test_an_unexpected_error_fails_the_job_with_a_message_not_a_crash(office: User) -> None:
    def explode(job: Job, context: Any) -> JobOutcome:
        raise RuntimeError("boom")

    register(JobKind("test.explodes", "Explodes", explode, lambda user, options: None, takes_upload=False))
    job = job_submit(acting_user=office, kind="test.explodes")
    job.refresh_from_db()
    assert (job.status == JobStatus.FAILED and "unexpected" in job.message.lower()) or "意外" in job.message


@override_settings(IMPORT_MAX_BYTES=100)
def test_an_upload_past_the_size_limit_is_refused_with_a_message(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    response = post_rates(client_for(office), rates_csv(*["2007-01-02,USD,7.80"] * 20))
    assert Job.objects.count() == 0
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_only_a_verified_enterprise_may_import(dataset: Path, client_for: Callable[[User | None], Client]) -> None:
    from tests.factories import EnterpriseFactory, make_user
    from waibao.accounts.models import Role

    unverified = make_user(Role.ENTERPRISE, username="new", enterprise=EnterpriseFactory(status="registered"))
    verified = make_user(Role.ENTERPRISE, username="checked", enterprise=EnterpriseFactory(status="verified"))
    upload = SimpleUploadedFile("c.csv", b"credit_code\nX\n")
    assert client_for(unverified).get("/statistics/import/contracts/").status_code == 403
    assert client_for(unverified).post("/statistics/import/contracts/", {"file": upload}).status_code == 403
    with pytest.raises(DomainError):
        job_submit(
            acting_user=unverified, kind="statistics.contracts_import", upload=io.BytesIO(b"x"), filename="c.csv"
        )
    assert Job.objects.count() == 0
    page = client_for(verified).get("/statistics/import/contracts/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'id="import-limits"' in page.content.decode()


def test_prune_deletes_old_finished_jobs_and_their_files(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    import datetime

    from django.utils import timezone

    client_for(office).post("/registry/enterprises/export.xlsx", follow=True)
    job = Job.objects.get()
    output = Path(settings.JOBS_DIR) / job.output
    assert job.status == JobStatus.SUCCEEDED and output.is_file()
    call_command("jobs", "prune", "--days", "30")
    assert Job.objects.filter(pk=job.pk).exists()  # too recent
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    call_command("jobs", "prune", "--days", "30")
    assert not Job.objects.filter(pk=job.pk).exists() and not output.exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_job_whose_worker_died_can_be_closed(office: User) -> None:
    import datetime

    from django.utils import timezone

    job = job_submit(
        acting_user=office, kind="statistics.rates_import", upload=rates_csv("2007-01-02,USD,7.8"), filename="r.csv"
    )
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    running = job_cancel(acting_user=office, job=job)
    assert running.status == JobStatus.RUNNING and running.cancel_requested  # a live worker stops it
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=16))
    Job.objects.filter(pk=job.pk).update(cancel_requested=False)
    closed = job_cancel(acting_user=office, job=Job.objects.get(pk=job.pk))
    assert closed.status == JobStatus.CANCELLED and closed.finished_at is not None
