"""Demo training data for `make run` (demo databases only): an approved institution with a base, the year's plan,
a recognised programme with trainees at every stage (enrolled, completed, hired and confirmed, hire waiting for
the employer), its HZ-17b claim under review, a programme not recognised, and one refused duplicate subsidy.

The programmes are of 2008, recognised before they started: the demo writes that recognition as it stood then
(the service refuses to recognise a programme that has started, which every 2008 programme has by now).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from waibao.accounts.models import Role, User
from waibao.common import personal_id
from waibao.common.errors import DomainError
from waibao.registry.credit_code import make_credit_code, make_org_code
from waibao.registry.models import Enterprise, EnterpriseStatus, Zone
from waibao.talent import claims, institutions, programmes, services
from waibao.talent.models import (
    Programme,
    ProgrammeKind,
    Recognition,
    TrainingBase,
    TrainingInstitution,
)

DEMO_YEAR = 2008
DEMO_PDF = b"%PDF-1.4\n% waibao demo hire proof\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAMES = ["陈晓明", "林佳怡", "王浩然", "赵雨欣", "周子轩", "吴思琪", "郑宇航", "孙梦瑶", "黄俊杰", "何诗涵"]


def demo_id(n: int) -> str:
    """A fictitious resident identity number with a valid check character (born 1986, Hangzhou Xihu)."""
    first17 = f"33010619860{3 + n // 28}{1 + n % 28:02d}{100 + n:03d}"[:17]
    return first17 + personal_id.resident_id_check_character(first17)


def _user(username: str, role: str) -> User:
    user = User.objects.filter(username=username, role=role).first()
    if user is None:
        raise RuntimeError(f"demo account {username!r} is missing: run `waibao demo_accounts` first")
    return user


def _recognised_then(programme: Programme, reviewer: User) -> None:
    Programme.objects.filter(pk=programme.pk).update(
        recognition=Recognition.RECOGNISED,
        recognised_by=reviewer,
        recognised_at=timezone.make_aware(
            datetime.datetime.combine(programme.starts_on - datetime.timedelta(days=10), datetime.time(10))
        ),
    )
    programme.refresh_from_db()


def _pdf() -> services.HireProof:
    return services.HireProof(kind="labour_contract", stream=io.BytesIO(DEMO_PDF), name="demo-labour-contract.pdf")


def ensure_demo_talent() -> list[str]:
    """Create the demo training data once (idempotent: nothing is added if the demo programme exists)."""
    trainer = _user("training", Role.TRAINING_INSTITUTION)
    office = _user("office", Role.PROGRAMME_OFFICE)
    reviewer = _user("reviewer", Role.DEPARTMENT_REVIEWER)
    employer_user = _user("enterprise", Role.ENTERPRISE)
    assert trainer.training_institution_id is not None
    institution = TrainingInstitution.objects.get(pk=trainer.training_institution_id)
    if Programme.objects.filter(institution=institution, name_zh__startswith="Java 软件外包岗前培训").exists():
        return []
    done: list[str] = []
    zone = Zone.objects.order_by("sort_order").first()
    with transaction.atomic():
        if not institution.approvals.exists():
            request = institutions.approval_request(
                acting_user=trainer,
                institution=institution,
                valid_from=datetime.date(DEMO_YEAR, 1, 1),
                valid_until=datetime.date(timezone.localdate().year + 1, 12, 31),
                document=institutions.UploadedDocument(name="demo-approval-documents.pdf", stream=io.BytesIO(DEMO_PDF)),
            )
            institutions.approval_decide(acting_user=reviewer, approval=request, approve=True)
            done.append(f"{institution.name_zh}: approved")
        if zone is not None and not TrainingBase.objects.exists():
            institutions.training_base_designate(
                acting_user=office,
                name_zh="杭州高新区服务外包人才培训基地",
                name_en="Hi-Tech Zone Outsourcing Talent Training Base",
                zone=zone,
                focus="ITO 软件开发与测试",
                designated_on=datetime.date(DEMO_YEAR, 1, 15),
                institution=institution,
            )
        for kind, target_zone, targets in (
            (ProgrammeKind.PRE_JOB, None, (300, 240, 180)),
            (ProgrammeKind.CUSTOMISED, zone, (100, 90, 80)),
            (ProgrammeKind.CERTIFICATION, None, (50, 40, 0)),
        ):
            institutions.plan_target_set(
                acting_user=office,
                year=DEMO_YEAR,
                kind=kind,
                zone=target_zone,
                enrolled=targets[0],
                completed=targets[1],
                hired=targets[2],
            )
        start = datetime.date(DEMO_YEAR, 3, 3)
        java = programmes.programme_create(
            acting_user=trainer,
            name_zh="Java 软件外包岗前培训（2008 春季班）",
            name_en="Java outsourcing pre-job training (spring 2008)",
            kind=ProgrammeKind.PRE_JOB,
            fee_cny=Decimal("6000"),
            capacity=30,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=75),
            hours=240,
            zone=zone,
        )
        _recognised_then(java, reviewer)
        enrolments = []
        for i, name in enumerate(NAMES[:8]):
            category = "new_employee" if i == 7 else ("unemployed_graduate" if i % 3 == 2 else "fresh_graduate")
            enrolments.append(
                services.enrol(
                    acting_user=trainer,
                    programme=java,
                    name=name,
                    id_type="resident_id",
                    id_number=demo_id(i),
                    category=category,
                    graduation_date=None if category == "new_employee" else datetime.date(2007, 6, 30),
                    enrolled_on=start,
                )
            )
        for enrolment in enrolments[:6] + enrolments[7:]:
            services.attendance_record(acting_user=trainer, enrolment=enrolment, hours=java.hours)
            services.completion_record(
                acting_user=trainer,
                enrolment=enrolment,
                completed_on=java.ends_on,
                passed=True,
                certificate=services.ProofFile(stream=io.BytesIO(DEMO_PDF), name="结业证书.pdf"),
            )
        services.attendance_record(acting_user=trainer, enrolment=enrolments[6], hours=120)
        assert employer_user.enterprise_id is not None
        employer = Enterprise.objects.get(pk=employer_user.enterprise_id)
        for enrolment in enrolments[:2]:  # hired, stated by the employer itself
            services.confirm_hire_by_person(
                person_id_hash=enrolment.trainee.id_hash,
                employer=employer,
                contract_date=java.ends_on + datetime.timedelta(days=20),
                proof=_pdf(),
                source_ref="demo",
                actor=employer_user,
            )
        other_employer = (
            Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED).exclude(pk=employer.pk).order_by("pk").first()
        )
        services.hire_record(  # recorded by the institution, waiting for the employer's confirmation
            acting_user=trainer,
            enrolment=enrolments[2],
            employer=employer,
            contract_date=java.ends_on + datetime.timedelta(days=30),
            proof=_pdf(),
        )
        if other_employer is not None:
            services.hire_record(
                acting_user=trainer,
                enrolment=enrolments[3],
                employer=other_employer,
                contract_date=java.ends_on + datetime.timedelta(days=25),
                proof=_pdf(),
            )
        created = claims.claims_generate(acting_user=trainer, programme=java, rule_id="HZ-17b", commitment_signed=True)
        claims.claims_generate(acting_user=trainer, programme=java, rule_id="HZ-17c", commitment_signed=True)
        done.append(f"{java.name_zh}: {len(enrolments)} trainees, claims {[a.pk for a in created]}")

        iso = programmes.programme_create(
            acting_user=trainer,
            name_zh="ISO 27001 信息安全认证培训",
            name_en="ISO 27001 information security certification training",
            kind=ProgrammeKind.CERTIFICATION,
            fee_cny=Decimal("4500"),
            capacity=20,
            starts_on=datetime.date(DEMO_YEAR, 9, 1),
            ends_on=datetime.date(DEMO_YEAR, 9, 30),
            hours=80,
        )
        Programme.objects.filter(pk=iso.pk).update(
            recognition=Recognition.NOT_RECOGNISED,
            recognition_reason="开班前未申请认定",
        )
        services.enrol(
            acting_user=trainer,
            programme=iso,
            name=NAMES[8],
            id_type="resident_id",
            id_number=demo_id(8),
            category="new_employee",
            enrolled_on=iso.starts_on,
        )
        done.append(f"{iso.name_zh}: not recognised")

        # Another institution tries to enrol a graduate already subsidised for pre-job training: refused.
        second, _created = TrainingInstitution.objects.get_or_create(
            credit_code=make_credit_code("52" + "330100" + make_org_code("MJ000002")),
            defaults={
                "name_zh": "杭州外包职业技能培训中心",
                "name_en": "Hangzhou Outsourcing Skills Centre",
                "approved": True,
            },
        )
        second_user = User.objects.filter(username="training2").first()
        if second_user is None:
            second_user = User.objects.create(
                username="training2", role=Role.TRAINING_INSTITUTION, training_institution=second, is_active=False
            )
        other = programmes.programme_create(
            acting_user=office,
            institution=second,
            name_zh=".NET 软件外包岗前培训（2008 秋季班）",
            kind=ProgrammeKind.PRE_JOB,
            fee_cny=Decimal("5800"),
            capacity=25,
            starts_on=datetime.date(DEMO_YEAR, 9, 8),
            ends_on=datetime.date(DEMO_YEAR, 11, 20),
            hours=220,
        )
        _recognised_then(other, reviewer)
    try:
        services.enrol(
            acting_user=office,
            programme=other,
            name=NAMES[0],
            id_type="resident_id",
            id_number=demo_id(0),
            category="fresh_graduate",
            graduation_date=datetime.date(2007, 6, 30),
            enrolled_on=other.starts_on,
        )
    except DomainError:
        done.append("duplicate subsidy refused")
    return done
