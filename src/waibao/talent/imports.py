"""Trainee lists from Excel or CSV: all or nothing, with the row and column of every problem (a background job).

Columns: trainee_name, id_document (optional, resident identity card by default), id_number, trainee_category,
graduation_date (required for graduates), enrolled_on (optional); a file may head them with their labels
instead. Categories and document types are accepted as codes or as the labels people read (either language).
A person already subsidised for the same training by another institution or enterprise is a row error with the
reason (and the refusal is kept for the office).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.models import User
from waibao.common import personal_id
from waibao.common.dates import clean_date
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.personal_id import IdType
from waibao.common.tabular import ImportProgress, RowError, RowErrors, read_table
from waibao.jobs.kinds import JobContext, JobKind, JobOutcome, register
from waibao.jobs.models import Job
from waibao.talent.access import runs
from waibao.talent.models import Enrolment, EnrolmentStatus, Programme, Trainee, TraineeCategory
from waibao.talent.services import (
    GRADUATE_CATEGORIES,
    _refuse_duplicate,
    enrol,
    subsidised_elsewhere,
)

TRAINEES_IMPORT = "talent.trainees_import"
TRAINEE_COLUMNS = ("trainee_name", "id_number", "trainee_category")
TRAINEE_OPTIONAL_COLUMNS = ("id_document", "graduation_date", "enrolled_on")


@dataclass(frozen=True)
class ImportResult:
    created: int


def _choice(raw: Any, choices: Any, *, field: str, default: str = "") -> str:
    value = "" if raw is None else str(raw).strip()
    if not value:
        if default:
            return default
        raise DomainError(_("This column is required."), field=field, code="required")
    if value in choices.values:
        return value
    by_label: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            by_label.update({str(label).strip().lower(): code for code, label in choices.choices})
    found = by_label.get(value.lower())
    if found is None:
        raise DomainError(_("Not one of the allowed values: %(value)s") % {"value": value}, field=field, code="choice")
    return found


def _programme_for(acting_user: User, programme_id: Any) -> Programme:
    programme = Programme.objects.select_related("institution").filter(pk=programme_id).first()
    if programme is None or not runs(acting_user, programme):
        raise PermissionDeniedError()
    return programme


def trainees_import(
    *,
    acting_user: User,
    programme: Programme,
    stream: IO[bytes],
    filename: str,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Enrol every person of the list in `programme`, or nobody (TableImportError with the row errors)."""
    if not runs(acting_user, programme):
        raise PermissionDeniedError()
    errors = RowErrors()
    reader = read_table(
        stream,
        filename=filename,
        required_columns=TRAINEE_COLUMNS,
        errors=errors,
        progress=progress,
    )
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for number, values in reader:
        if errors.full:
            break
        cleaned: dict[str, Any] = {}
        ok = True
        name = " ".join(str(values.get("trainee_name") or "").split())
        if not name:
            errors.append(RowError(number, "trainee_name", _("Enter the trainee's name.")))
            ok = False
        cleaned["name"] = name[:100]
        try:
            cleaned["id_type"] = _choice(
                values.get("id_document"), IdType, field="id_document", default=IdType.RESIDENT_ID
            )
            protected_hash = personal_id.id_hash(
                cleaned["id_type"], personal_id.normalise(cleaned["id_type"], str(values.get("id_number") or ""))
            )
            cleaned["id_number"] = str(values.get("id_number") or "")
        except DomainError as exc:
            errors.append(RowError(number, exc.field or "id_number", str(exc.message)))
            ok = False
            protected_hash = ""
        try:
            cleaned["category"] = _choice(values.get("trainee_category"), TraineeCategory, field="trainee_category")
        except DomainError as exc:
            errors.append(RowError(number, "trainee_category", str(exc.message)))
            ok = False
        for column in ("graduation_date", "enrolled_on"):
            try:
                cleaned[column] = clean_date(values.get(column), field=column)
            except DomainError as exc:
                errors.append(RowError(number, column, str(exc.message)))
                ok = False
        if ok and cleaned["category"] in GRADUATE_CATEGORIES and cleaned["graduation_date"] is None:
            errors.append(RowError(number, "graduation_date", _("Enter the graduation date of a graduate.")))
            ok = False
        if protected_hash:
            if protected_hash in seen:
                errors.append(
                    RowError(
                        number, "id_number", _("The same person is on row %(row)s.") % {"row": seen[protected_hash]}
                    )
                )
                ok = False
            seen.setdefault(protected_hash, number)
            trainee = Trainee.objects.filter(id_hash=protected_hash).first()
            if trainee is not None:
                if Enrolment.objects.filter(trainee=trainee, programme=programme).exists():
                    errors.append(
                        RowError(number, "id_number", _("This person is already enrolled in this programme."))
                    )
                    ok = False
                elif programme.subsidised:
                    conflicting = subsidised_elsewhere(trainee=trainee, programme=programme)
                    if conflicting is not None:
                        with transaction.atomic():
                            reason = _refuse_duplicate(
                                acting_user=acting_user, trainee=trainee, programme=programme, conflicting=conflicting
                            )
                        errors.append(RowError(number, "id_number", reason))
                        ok = False
        if ok:
            rows.append((number, cleaned))
    taken = programme.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
    if not errors and taken + len(rows) > programme.capacity:
        errors.append(
            RowError(
                1,
                "trainee_name",
                _("The list has %(rows)d persons; the programme has %(free)d places left.")
                % {"rows": len(rows), "free": max(0, programme.capacity - taken)},
            )
        )
    if errors:
        errors.refuse(reader)
    with transaction.atomic():
        for number, cleaned in rows:
            try:
                enrol(
                    acting_user=acting_user,
                    programme=programme,
                    name=cleaned["name"],
                    id_type=cleaned["id_type"],
                    id_number=cleaned["id_number"],
                    category=cleaned["category"],
                    graduation_date=cleaned["graduation_date"],
                    enrolled_on=cleaned["enrolled_on"] or timezone.localdate(),
                )
            except DomainError as exc:  # e.g. the name differs from the one the number is recorded under
                errors.append(RowError(number, exc.field or "trainee_name", str(exc.message)))
        if errors:
            transaction.set_rollback(True)
    if errors:
        errors.refuse()
    return ImportResult(created=len(rows))


def _authorize(user: User, options: dict[str, Any]) -> None:
    _programme_for(user, options.get("programme"))


def _run(job: Job, context: JobContext) -> JobOutcome:
    programme = _programme_for(job.created_by, job.options.get("programme"))
    with context.open_upload() as stream:
        result = trainees_import(
            acting_user=job.created_by,
            programme=programme,
            stream=stream,
            filename=job.filename,
            progress=context.progress,
        )
    return JobOutcome(
        message=_("Enrolled %(count)d trainee(s).") % {"count": result.created}, result={"created": result.created}
    )


def register_columns() -> None:
    """The trainee list's columns: a file may be headed with these names in either language."""
    from waibao.common.labels import register

    register(
        "column",
        {
            "trainee_name": gettext_lazy("Trainee's name"),
            "id_document": gettext_lazy("Identity document"),
            "id_number": gettext_lazy("Identity number"),
            "trainee_category": gettext_lazy("Trainee category"),
            "graduation_date": gettext_lazy("Graduation date"),
            "enrolled_on": gettext_lazy("Enrolled on"),
        },
    )


def register_jobs() -> None:
    register_columns()
    register(
        JobKind(
            TRAINEES_IMPORT,
            gettext_lazy("Import a trainee list"),
            _run,
            _authorize,
            done_url=lambda job: reverse("talent:programme", args=[job.options.get("programme")]),
        )
    )
