"""factory_boy factories for the whole suite (one place, so every area builds records the same way)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from waibao.accounts.models import Role, User
from waibao.governance.models import Department
from waibao.registry.credit_code import make_credit_code, make_org_code
from waibao.registry.models import Enterprise, EnterpriseStatus
from waibao.talent.models import TrainingInstitution

_serial = itertools.count(1)


def valid_credit_code(n: int | None = None) -> str:
    """A different valid credit code for every call (GB 32100 and GB 11714 checks both pass)."""
    n = next(_serial) if n is None else n
    return make_credit_code("91330106" + make_org_code(f"{n:08d}"))


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    section = factory.Sequence(lambda n: 100 + n)
    name_zh = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyFunction(valid_credit_code)
    name_zh = factory.Sequence(lambda n: f"杭州测试{n}软件有限公司")
    name_en = factory.Sequence(lambda n: f"Hangzhou Test {n} Software Co., Ltd.")
    registered_capital_cny = Decimal("10000000.00")
    status = EnterpriseStatus.REGISTERED
    contact_name = "张三"
    contact_email = factory.Sequence(lambda n: f"e{n}@example.com")


def complete_profile(enterprise: Enterprise) -> Enterprise:
    """Give an enterprise the profile recognition needs (founding date, ownership type, a category, capital).

    Needs the default data set (ownership types and categories) loaded.
    """
    from datetime import date

    from waibao.registry.models import OwnershipType, ServiceCategory

    enterprise.established_on = enterprise.established_on or date(2005, 6, 1)
    enterprise.ownership_type = enterprise.ownership_type or OwnershipType.objects.get(code="170")
    if not enterprise.registered_capital_cny:
        enterprise.registered_capital_cny = Decimal("10000000.00")
    enterprise.save(update_fields=["established_on", "ownership_type", "registered_capital_cny"])
    if not enterprise.categories.exists():
        enterprise.categories.add(ServiceCategory.objects.get(code="ito-software-dev"))
    return enterprise


class TrainingInstitutionFactory(DjangoModelFactory):
    class Meta:
        model = TrainingInstitution

    credit_code = factory.LazyFunction(lambda: make_credit_code("52330100" + make_org_code(f"{next(_serial):08d}")))
    name_zh = factory.Sequence(lambda n: f"培训学校{n}")
    approved = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PROGRAMME_OFFICE
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-9")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def make_user(role: str, **kwargs: object) -> User:
    """A user of `role` with the membership the role needs (department, enterprise, institution)."""
    if role == Role.DEPARTMENT_REVIEWER and "department" not in kwargs:
        kwargs["department"] = DepartmentFactory(code="trade-industry", section=1)
    if role == Role.ENTERPRISE and "enterprise" not in kwargs:
        kwargs["enterprise"] = EnterpriseFactory()
    if role == Role.TRAINING_INSTITUTION and "training_institution" not in kwargs:
        kwargs["training_institution"] = TrainingInstitutionFactory()
    return UserFactory(role=role, **kwargs)


def totp_device(user: User) -> Any:
    """The user's confirmed TOTP device (made on first call), ready for a fresh code (replay mark cleared)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    elif device.last_t != -1:
        device.last_t = -1
        device.save(update_fields=["last_t"])
    return device


def verify_second_factor(client: Any, user: User) -> None:
    """Mark a test client's session as verified with the user's device, as the code page would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


def browser_second_factor(page: Any, user_or_name: User | str) -> None:
    """In a browser test: if the sign-in asks for the one-time code, type the current one."""
    from waibao.accounts.mfa import current_code

    if "/accounts/2fa/" not in page.url:
        return
    user = user_or_name if isinstance(user_or_name, User) else User.objects.get(username=user_or_name)
    device = totp_device(user)
    if "/accounts/2fa/setup/" in page.url:
        page.reload()  # the device now exists: the setup page sends on to the code page
        page.wait_for_load_state()
    page.fill("input[name=token]", current_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
