"""Every shipped case type is filed, routed, worked and closed over HTTP, in Chinese and in English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.casework.conftest import dept_user
from tests.factories import make_user
from waibao.accounts.models import Role
from waibao.casework.models import Case, CaseStatus, CaseType
from waibao.casework.services import routed_department

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_type_from_filing_to_closing(casework, client_for, enterprise_user, language):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    types = list(CaseType.objects.filter(is_active=True))
    assert len(types) == 10
    ent = client_for(enterprise_user)
    ent.cookies["django_language"] = language
    for case_type in types:
        if "enterprise" not in case_type.filers:
            continue
        form = ent.get(f"/cases/file/{case_type.code}/", HTTP_ACCEPT_LANGUAGE=language)
        name = case_type.name_en if language == "en" else case_type.name_zh
        assert form.status_code == 200 and name in form.content.decode(), case_type.code
        category = case_type.category_choices()[0][0] if case_type.categories else ""
        data: dict[str, object] = {
            "title": f"{case_type.code} subject",
            "body": "description",
            "contact_name": "Zhang",
            "contact_email": "z@example.com",
            "category": category,
            "person_name": "Li Si",
            "right_type": "patent",
            "right_holder": "holder",
            "registration_number": "ZL1",
            "infringer_name": "someone",
        }
        for kind in case_type.attachments:
            data[f"file_{kind}"] = SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        filed = ent.post(f"/cases/file/{case_type.code}/", data, HTTP_ACCEPT_LANGUAGE=language)
        assert filed.status_code == 302, (case_type.code, filed.content.decode()[-2000:])
        case = Case.objects.get(title=f"{case_type.code} subject")
        department = routed_department(case_type, category)
        assert case.department == department
        off = client_for(office)
        off.post(f"/cases/{case.number}/act/", {"action": "assign", "department": department.code})
        reviewer = dept_user(department.code, f"r-{case_type.code}")
        dep = client_for(reviewer)
        page = dep.get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200 and name in page.content.decode()
        dep.post(f"/cases/{case.number}/act/", {"action": "reply", "text": "working on it"})
        dep.post(
            f"/cases/{case.number}/act/",
            {"action": "answer", "text": "done", "outcome": case_type.outcomes[0]},
        )
        ent.post(f"/cases/{case.number}/act/", {"action": "confirm"})
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.outcome == case_type.outcomes[0], case_type.code
        closed = ent.get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert ("Closed" if language == "en" else "已办结") in closed
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() == sum("enterprise" in t.filers for t in types) == 10
