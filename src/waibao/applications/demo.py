"""Demo applications in various states for `make run`, so the pages are not empty (demo databases only)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.db import transaction

from waibao.accounts.models import Role, User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import (
    Upload,
    application_create,
    application_recommend,
    application_transition,
)
from waibao.applications.services import today as services_today
from waibao.audit.services import audit_record
from waibao.common import public_cache

S = ApplicationStatus
DEMO_PDF = b"%PDF-1.4\n% waibao demo evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DEMO_YEAR = 2007  # the live demo applies for 2008-2010, which these records leave free


def _pdf(kind: str) -> Upload:
    return Upload(kind=kind, stream=io.BytesIO(DEMO_PDF), name=f"demo-{kind}.pdf")


def _user(username: str, role: str) -> User:
    user = User.objects.filter(username=username, role=role).first()
    if user is None:
        raise RuntimeError(f"demo account {username!r} is missing: run `waibao demo_accounts` first")
    return user


def _exists(user: User, rule_id: str, item_key: str = "") -> bool:
    applicant: dict[str, Any] = (
        {"enterprise_id": user.enterprise_id}
        if user.role == Role.ENTERPRISE
        else {"training_institution_id": user.training_institution_id}
    )
    return Application.objects.filter(rule_id=rule_id, year=DEMO_YEAR, item_key=item_key, **applicant).exists()


def _backdate_notice(application: Application, office: User) -> None:
    """Demo only: move the notice period into the past so final approval can be shown today."""
    with transaction.atomic():
        today = services_today()
        days = (application.notice_ends_on or today) - (application.notice_starts_on or today)
        ends = today - datetime.timedelta(days=1)
        Application.objects.filter(pk=application.pk).update(notice_starts_on=ends - days, notice_ends_on=ends)
        public_cache.changed(public_cache.APPLICATIONS)
        audit_record(
            actor=office, action="application.demo_notice_backdated", obj=application, summary="demo data only"
        )


def end_notice_for_demo(application_id: int) -> Application:
    """Demo only (DEBUG): end an application's public notice now, so a live demo can go on to payment today."""
    from django.conf import settings

    if not settings.DEBUG:
        raise RuntimeError("end_notice is a demo tool: it runs only with DEBUG settings")
    application = Application.objects.filter(pk=application_id, status=S.IN_NOTICE).first()
    if application is None:
        raise RuntimeError(f"application {application_id} is not in its public notice period")
    _backdate_notice(application, _user("office", Role.PROGRAMME_OFFICE))
    application.refresh_from_db()
    return application


def ensure_demo_applications() -> list[str]:
    """Create the demo applications that are missing (idempotent); returns a line per application created."""
    enterprise = _user("enterprise", Role.ENTERPRISE)
    training = _user("training", Role.TRAINING_INSTITUTION)
    reviewer = _user("reviewer", Role.DEPARTMENT_REVIEWER)
    reviewer_sti = _user("reviewer-sti", Role.DEPARTMENT_REVIEWER)
    office = _user("office", Role.PROGRAMME_OFFICE)
    created: list[str] = []

    if not _exists(enterprise, "HZ-12a"):
        a = application_create(
            acting_user=enterprise,
            rule_id="HZ-12a",
            year=DEMO_YEAR,
            facts={"software_export_usd": Decimal("820000")},
            uploads=[_pdf("contract")],
            commitment_signed=True,
            submit=True,
        )
        application_transition(acting_user=reviewer, application=a, action="start_review")
        application_recommend(acting_user=reviewer, application=a, amount=a.calculated_amount_cny)
        a = application_transition(acting_user=office, application=a, action="approve")
        _backdate_notice(a, office)
        created.append(f"#{a.pk} HZ-12a {DEMO_YEAR}: notice ended, ready for final approval")

    if not _exists(enterprise, "HZ-13a", "CMMI"):
        a = application_create(
            acting_user=enterprise,
            rule_id="HZ-13a",
            year=DEMO_YEAR,
            facts={},
            item={"standard": "CMMI", "level": 3, "year_obtained": DEMO_YEAR, "fee_cny": Decimal("360000")},
            uploads=[_pdf("certificate"), _pdf("invoice")],
            commitment_signed=True,
            submit=True,
        )
        application_transition(acting_user=reviewer_sti, application=a, action="start_review")
        created.append(f"#{a.pk} HZ-13a {DEMO_YEAR} CMMI: in department review")

    if not _exists(enterprise, "HZ-15"):
        a = application_create(
            acting_user=enterprise,
            rule_id="HZ-15",
            year=DEMO_YEAR,
            facts={"platform_investment_cny": Decimal("2400000")},
            uploads=[_pdf("invoice")],
            commitment_signed=True,
            submit=True,
        )
        application_transition(acting_user=reviewer, application=a, action="start_review")
        application_recommend(acting_user=reviewer, application=a, amount=Decimal("600000"))
        application_transition(acting_user=office, application=a, action="approve")
        created.append(f"#{a.pk} HZ-15 {DEMO_YEAR}: in public notice")

    if not _exists(enterprise, "HZ-14"):
        a = application_create(
            acting_user=enterprise,
            rule_id="HZ-14",
            year=DEMO_YEAR,
            facts={"industrialised_patents": 2},
            commitment_signed=False,
            submit=False,
        )
        created.append(f"#{a.pk} HZ-14 {DEMO_YEAR}: draft")

    if not _exists(training, "HZ-17a"):
        a = application_create(
            acting_user=training,
            rule_id="HZ-17a",
            year=DEMO_YEAR,
            facts={"approved_training_institution": True},
            uploads=[_pdf("certificate")],
            commitment_signed=True,
            submit=True,
        )
        created.append(f"#{a.pk} HZ-17a {DEMO_YEAR}: submitted, waits for review")
    return created
