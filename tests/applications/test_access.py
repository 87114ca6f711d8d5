"""Who sees and acts on which application: the access check as a matrix over every role, and through HTTP."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, TrainingInstitutionFactory, make_user
from waibao.accounts.models import Role, User
from waibao.applications.access import access_application, visible_applications
from waibao.applications.models import Application, ApplicationStatus
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.governance.models import Department

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def make_application(
    *, status: str, rule_id: str = "HZ-12a", department: str = "trade-industry", **kw: Any
) -> Application:
    if "enterprise" not in kw and "training_institution" not in kw:
        kw["enterprise"] = EnterpriseFactory()
    approved = Decimal("1.00") if status in (S.IN_NOTICE, S.ON_HOLD, S.COMMITTED, S.PAID) else None
    return Application.objects.create(
        rule_id=rule_id,
        year=2008,
        status=status,
        department=Department.objects.get(code=department),
        approved_amount_cny=approved,
        **kw,
    )


@pytest.fixture
def people(routing: Any, office: User, finance: User, reviewer: User, reviewer_sti: User) -> dict[str, User]:
    own = EnterpriseFactory()
    school = TrainingInstitutionFactory()
    return {
        "office": office,
        "finance": finance,
        "reviewer_ti": reviewer,
        "reviewer_sti": reviewer_sti,
        "reviewer_fin": make_user(
            Role.DEPARTMENT_REVIEWER, username="rf", department=Department.objects.get(code="finance")
        ),
        "owner": make_user(Role.ENTERPRISE, username="owner", enterprise=own),
        "stranger": make_user(Role.ENTERPRISE, username="stranger", enterprise=EnterpriseFactory()),
        "school": make_user(Role.TRAINING_INSTITUTION, username="school1", training_institution=school),
        "other_school": make_user(
            Role.TRAINING_INSTITUTION, username="school2", training_institution=TrainingInstitutionFactory()
        ),
    }


# (status, rule, department) → who may see it. Everything else must be refused.
MATRIX = [
    (S.DRAFT, "HZ-12a", "trade-industry", {"owner"}),
    (S.SUBMITTED, "HZ-12a", "trade-industry", {"owner", "office", "reviewer_ti"}),
    (S.IN_REVIEW, "HZ-13a", "science-technology", {"owner", "office", "reviewer_sti"}),
    (S.RECOMMENDED, "HZ-14", "ip-office", {"owner", "office"}),
    (S.IN_NOTICE, "HZ-12a", "trade-industry", {"owner", "office", "reviewer_ti", "finance"}),
    (S.COMMITTED, "HZ-13a", "science-technology", {"owner", "office", "reviewer_sti", "finance"}),
    (S.PAID, "HZ-12a", "trade-industry", {"owner", "office", "reviewer_ti", "finance"}),
    (S.REJECTED, "HZ-12a", "trade-industry", {"owner", "office", "reviewer_ti"}),
]


@pytest.mark.parametrize("status,rule_id,department,allowed", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX])
def test_matrix(people: dict[str, User], status: str, rule_id: str, department: str, allowed: set[str]) -> None:
    application = make_application(
        status=status, rule_id=rule_id, department=department, enterprise=people["owner"].enterprise
    )
    for name, user in people.items():
        listed = visible_applications(user).filter(pk=application.pk).exists()
        if name in allowed:
            assert access_application(user, application.pk).pk == application.pk, name
            assert listed, name
        else:
            with pytest.raises((NotFoundError, PermissionDeniedError)):
                access_application(user, application.pk)
            assert not listed, name


def test_partner_department_reviews_training_rules(people: dict[str, User]) -> None:
    application = make_application(
        status=S.SUBMITTED, rule_id="HZ-17b", training_institution=people["school"].training_institution
    )
    assert access_application(people["reviewer_fin"], application.pk) == application
    assert access_application(people["school"], application.pk) == application
    with pytest.raises(NotFoundError):
        access_application(people["other_school"], application.pk)
    with pytest.raises(PermissionDeniedError):
        access_application(people["reviewer_sti"], application.pk)


def test_applicant_gets_404_not_403_and_bad_ids_are_404(people: dict[str, User]) -> None:
    application = make_application(status=S.SUBMITTED, enterprise=people["owner"].enterprise)
    with pytest.raises(NotFoundError):
        access_application(people["stranger"], application.pk)
    with pytest.raises(NotFoundError):
        access_application(people["office"], "abc")
    with pytest.raises(NotFoundError):
        access_application(people["office"], 10**9)


def test_action_needs_the_role(people: dict[str, User]) -> None:
    application = make_application(status=S.IN_REVIEW, enterprise=people["owner"].enterprise)
    access_application(people["reviewer_ti"], application.pk, action="recommend")
    with pytest.raises(PermissionDeniedError):
        access_application(people["office"], application.pk, action="recommend")
    with pytest.raises(PermissionDeniedError):
        access_application(people["owner"], application.pk, action="approve")


def test_http_enterprise_never_sees_another(
    people: dict[str, User], client_for: Callable[[User | None], Client]
) -> None:
    application = make_application(status=S.SUBMITTED, enterprise=people["owner"].enterprise)
    assert client_for(people["owner"]).get(f"/applications/{application.pk}/").status_code == 200
    assert client_for(people["stranger"]).get(f"/applications/{application.pk}/").status_code == 404
    mine = client_for(people["stranger"]).get("/applications/").content.decode()
    assert f'/applications/{application.pk}/"' not in mine
    anonymous = client_for(None).get(f"/applications/{application.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_http_reviewer_of_another_department_cannot_act(
    people: dict[str, User], client_for: Callable[[User | None], Client]
) -> None:
    application = make_application(status=S.SUBMITTED, rule_id="HZ-13a", department="science-technology")
    other = client_for(people["reviewer_ti"])
    assert other.get(f"/applications/{application.pk}/").status_code == 403
    response = other.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    assert response.status_code == 403
    response = other.post(f"/applications/{application.pk}/recommend/", {"amount": "1"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    own = client_for(people["reviewer_sti"])
    own.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


def test_http_roles_cannot_take_others_steps(
    people: dict[str, User], client_for: Callable[[User | None], Client]
) -> None:
    application = make_application(status=S.RECOMMENDED, enterprise=people["owner"].enterprise)
    application.recommended_amount_cny = Decimal("200000.00")
    application.save()
    for name in ("owner", "reviewer_ti", "finance"):
        response = client_for(people[name]).post(f"/applications/{application.pk}/action/", {"action": "approve"})
        assert response.status_code in (403, 404), name
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    response = client_for(people["owner"]).post(
        f"/applications/{application.pk}/pay/",
        {
            "amount": "1",
            "idempotency_key": "k",
            "voucher_number": "V-1",
            "paid_on": "2007-06-30",
            "payee_account": "6222",
        },
    )
    assert response.status_code == 403
