"""Demo applications in various states for `make run`, so the pages are not empty (demo databases only)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from waibao.accounts.models import Role, User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import (
    Person,
    Upload,
    application_create,
    application_recommend,
    application_transition,
    notice_end_early,
)
from waibao.common.errors import DomainError

S = ApplicationStatus
DEMO_PDF = b"%PDF-1.4\n% waibao demo evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DEMO_TRAINEE_ID = "330106200001010021"  # fictitious, with a valid GB 11643 check character
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


def _end_notice(application: Application, office: User) -> None:
    """Demo only: end the notice today, recorded as such (the published dates are left as they were)."""
    notice_end_early(
        acting_user=office,
        application=application,
        reason=str(DEMO_REASON),
    )


# The demo reviewer's reason where the declared exports differ from the demo statistics (issue 8 §4).
DEMO_REVIEW_REASON = gettext_lazy("Demo: checked against the export contracts attached.")

DEMO_EXPLANATION = gettext_lazy("Demo: contracts signed late in the year are not in the approved statistics yet.")

# What the record says about a notice the demo ended (stored in the platform's default language).
DEMO_REASON = gettext_lazy("Demo: the notice was ended early by the demo tool so the award cycle can be shown.")


def end_notice_for_demo(application_id: int) -> Application:
    """Demo only (DEBUG): end an application's public notice now, so a live demo can go on to payment today."""
    from django.conf import settings

    if not settings.DEBUG:
        raise RuntimeError("end_notice is a demo tool: it runs only with DEBUG settings")
    application = Application.objects.filter(pk=application_id, status=S.IN_NOTICE).first()
    if application is None:
        raise RuntimeError(f"application {application_id} is not in its public notice period")
    try:
        return notice_end_early(
            acting_user=_user("office", Role.PROGRAMME_OFFICE), application=application, reason=str(DEMO_REASON)
        )
    except DomainError as exc:
        raise RuntimeError(str(exc.message)) from exc


def ensure_demo_applications() -> list[str]:
    """Create the demo applications that are missing (idempotent); returns a line per application created."""
    enterprise = _user("enterprise", Role.ENTERPRISE)
    training = _user("training", Role.TRAINING_INSTITUTION)
    reviewer = _user("reviewer", Role.DEPARTMENT_REVIEWER)
    reviewer_sti = _user("reviewer-sti", Role.DEPARTMENT_REVIEWER)
    office = _user("office", Role.PROGRAMME_OFFICE)
    created: list[str] = []

    if not _exists(enterprise, "HZ-12a"):
        # Declare the approved exports when the demo statistics hold enough; otherwise a figure with the
        # explanation an applicant must give when it differs from the approved one (issue 8 §4).
        from waibao.statistics.selectors import software_export_usd

        assert enterprise.enterprise_id is not None
        approved = software_export_usd(enterprise_id=enterprise.enterprise_id, year=DEMO_YEAR)
        exports = approved if approved >= Decimal("500000") else Decimal("820000")
        explanations = {"software_export_usd": str(DEMO_EXPLANATION)} if approved and approved != exports else {}
        a = application_create(
            acting_user=enterprise,
            rule_id="HZ-12a",
            year=DEMO_YEAR,
            facts={"software_export_usd": exports},
            explanations=explanations,
            uploads=[_pdf("contract")],
            commitment_signed=True,
            submit=True,
        )
        application_transition(acting_user=reviewer, application=a, action="start_review")
        application_recommend(
            acting_user=reviewer, application=a, amount=a.calculated_amount_cny, reason=str(DEMO_REVIEW_REASON)
        )
        a = application_transition(acting_user=office, application=a, action="approve")
        _end_notice(a, office)
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

    if not Application.objects.filter(rule_id="HZ-17b", year=DEMO_YEAR).exists():
        # A per-trainee subsidy: the person is structured data (the number is fictitious but valid).
        a = application_create(
            acting_user=training,
            rule_id="HZ-17b",
            year=DEMO_YEAR,
            facts={},
            item={"category": "fresh_graduate", "fee_cny": Decimal("6000")},
            person=Person(name="王小明", id_type="resident_id", id_number=DEMO_TRAINEE_ID),
            uploads=[_pdf("trainee_list"), _pdf("invoice")],
            commitment_signed=True,
            submit=True,
        )
        application_transition(acting_user=reviewer, application=a, action="start_review")
        application_recommend(acting_user=reviewer, application=a, amount=a.calculated_amount_cny)
        application_transition(acting_user=office, application=a, action="approve")
        created.append(f"#{a.pk} HZ-17b {DEMO_YEAR}: one trainee, in public notice")
    return created
