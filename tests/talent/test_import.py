"""Trainee lists from Excel through the job machinery: all or nothing, every problem with its row and column."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from tests.factories import TrainingInstitutionFactory, make_user
from tests.talent.conftest import IDS, make_programme
from waibao.accounts.models import Role, User
from waibao.jobs.models import Job, JobStatus
from waibao.talent.models import DuplicateRefusal, Enrolment

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header or ["trainee_name", "id_number", "trainee_category", "graduation_date"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("trainees.xlsx", buffer.getvalue())


def test_import_enrols_the_list(programme: Any, trainer: User, client_for: Callable[[User | None], Client]) -> None:
    upload = xlsx(
        [["张三", IDS[0], "fresh_graduate", "2026-06-30"], ["李四", IDS[1], "新上岗员工", None]],
        header=["学员姓名", "证件号码", "学员类别", "毕业日期"],
    )
    response = client_for(trainer).post(f"/talent/programmes/{programme.pk}/import/", {"file": upload}, follow=True)
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert response.redirect_chain[0][0] == f"/jobs/{job.pk}/"
    assert sorted(programme.enrolments.values_list("category", flat=True)) == ["fresh_graduate", "new_employee"]


def test_import_refuses_the_whole_list_with_row_errors(
    programme: Any, trainer: User, client_for: Callable[[User | None], Client]
) -> None:
    upload = xlsx(
        [
            ["张三", IDS[0], "fresh_graduate", "2026-06-30"],
            ["", "123", "unknown", None],
            ["王五", IDS[2], "fresh_graduate", None],
            ["赵六", IDS[0], "new_employee", None],
        ]
    )
    client_for(trainer).post(f"/talent/programmes/{programme.pk}/import/", {"file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert {
        (3, "trainee_name"),
        (3, "id_number"),
        (3, "trainee_category"),
        (4, "graduation_date"),
        (5, "id_number"),
    } <= found
    assert not Enrolment.objects.exists()  # all or nothing


def test_import_row_for_a_person_subsidised_elsewhere_is_refused(
    programme: Any, trainer: User, client_for: Callable[[User | None], Client]
) -> None:
    from waibao.talent import services

    other = TrainingInstitutionFactory(approved=True)
    other_trainer = make_user(Role.TRAINING_INSTITUTION, username="t-other", training_institution=other)
    services.enrol(
        acting_user=other_trainer,
        programme=make_programme(other, name_zh="别家"),
        name="张三",
        id_type="resident_id",
        id_number=IDS[0],
        category="fresh_graduate",
        graduation_date=programme.starts_on,
    )
    client_for(trainer).post(
        f"/talent/programmes/{programme.pk}/import/", {"file": xlsx([["张三", IDS[0], "fresh_graduate", "2026-06-30"]])}
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.errors[0]["column"] == "id_number"
    assert DuplicateRefusal.objects.count() == 1 and not programme.enrolments.exists()


def test_only_the_institution_running_the_programme_may_import(
    programme: Any, employer_user: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    other_trainer = make_user(Role.TRAINING_INSTITUTION, username="t-x")
    assert client_for(other_trainer).get(f"/talent/programmes/{programme.pk}/import/").status_code == 404
    assert client_for(employer_user).get(f"/talent/programmes/{programme.pk}/import/").status_code == 404
    assert client_for(office).get(f"/talent/programmes/{programme.pk}/import/").status_code == 200
