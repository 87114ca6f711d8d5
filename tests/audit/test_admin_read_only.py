"""The Django admin cannot change audited data past the services (reproduced: an enterprise moved to
"recognised" in the admin with no audit event)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from tests.factories import EnterpriseFactory, UserFactory, verify_second_factor
from waibao.audit.models import AuditEvent
from waibao.registry.models import EnterpriseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    verify_second_factor(client, user)  # the superuser signs in with a one-time code too
    return client


def test_admin_post_cannot_recognise_an_enterprise(superuser_client: Client) -> None:
    enterprise = EnterpriseFactory()
    before = AuditEvent.objects.count()
    url = f"/admin/registry/enterprise/{enterprise.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content  # shown, read-only
    form = {"status": EnterpriseStatus.RECOGNISED, "name_zh": enterprise.name_zh, "credit_code": enterprise.credit_code}
    response = superuser_client.post(url, form)
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.status != EnterpriseStatus.RECOGNISED
    assert AuditEvent.objects.count() == before
    assert superuser_client.post("/admin/registry/enterprise/add/", form).status_code == 403
    assert (
        superuser_client.post(f"/admin/registry/enterprise/{enterprise.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_every_model_in_the_admin_is_read_only() -> None:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert admin.site._registry  # the admin has models
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("auth", "axes"):
            continue  # Django's groups and the lockout records: no audited data
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.has_view_permission(request), model
