"""Writes of the cases API (filing, the requester's replies: session or a token with `cases:write`) and the
"case-handling" open dataset under the disclosure rule."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from tests.casework.conftest import at
from tests.casework.test_services import MON, file
from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.api.services import token_create
from waibao.casework.models import Case, CaseMessage, CaseStatus, Rating
from waibao.casework.services import case_act, case_file, rating_give
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER

pytestmark = pytest.mark.django_db
DIFFICULTY = {
    "type": "difficulty",
    "category": "power",
    "title": "夜间停电",
    "body": "三号楼一周三次停电。",
    "contact_email": "zs@example.com",
}


def bearer(user: User, scopes: list[str]) -> dict[str, str]:
    raw = token_create(acting_user=user, name="ERP", scopes=scopes, days=30, verified_session=True).raw  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_an_enterprise_files_a_case_with_its_session_and_with_a_token(casework, enterprise_user, client_for):
    response = post(client_for(enterprise_user), "/api/v1/cases/", DIFFICULTY)
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(number=data["number"])
    assert (case.enterprise, case.filed_by, case.department.code) == (
        enterprise_user.enterprise,
        enterprise_user,
        "hi-tech-office",
    )
    assert case.contact_email == "zs@example.com" and data["status"] == "filed"
    assert case.changes.get().action == "filed"  # the same service as the page
    headers = bearer(enterprise_user, ["cases:write"])
    by_token = post(Client(), "/api/v1/cases/", {**DIFFICULTY, "category": "land"}, **headers)
    assert by_token.status_code == 201 and by_token.json()["department"] == "planning-land"


def test_filing_refuses_bad_input_with_422_and_writes_nothing(casework, enterprise_user, client_for):
    client = client_for(enterprise_user)
    cases = [
        ({**DIFFICULTY, "type": "nope"}, "type"),
        ({**DIFFICULTY, "category": "weather"}, "category"),
        ({**DIFFICULTY, "title": "  "}, "body"),
        ({**DIFFICULTY, "contact_email": "not-an-address"}, "contact_email"),
        ({**DIFFICULTY, "contact_email": ""}, "contact_email"),  # and the account has no e-mail either
        ({**DIFFICULTY, "body": "a\x00b"}, "body"),
        ({**DIFFICULTY, "type": "talent_residence", "category": ""}, "type"),  # needs attachments: on the page
        ({**DIFFICULTY, "type": "entry_exit", "category": ""}, "person_name"),  # a field of the type is missing
    ]
    for body, field in cases:
        response = post(client, "/api/v1/cases/", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["error"]["field"] == field, (body, response.json())
    assert post(client, "/api/v1/cases/", {"type": "difficulty"}).status_code == 422  # no subject, no body
    assert not Case.objects.exists()


def test_filing_is_refused_to_those_who_may_not_file(casework, client_for, office):
    for user in (office, make_user(Role.CITY_LEADER, username="leader"), None):
        response = post(client_for(user), "/api/v1/cases/", DIFFICULTY)
        assert response.status_code in ((401,) if user is None else (403,)), response.content
    institution = make_user(Role.TRAINING_INSTITUTION, username="inst", email="i@example.com")
    refused = post(client_for(institution), "/api/v1/cases/", DIFFICULTY)  # difficulty: enterprises only
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "filer_not_allowed"
    allowed = post(
        client_for(institution), "/api/v1/cases/", {**DIFFICULTY, "type": "consultation", "category": "policy"}
    )
    assert allowed.status_code == 201
    assert Case.objects.get().filer_kind == "training_institution"


def test_a_read_only_token_may_not_file_or_reply(casework, enterprise_user):
    headers = bearer(enterprise_user, ["cases:read"])
    response = post(Client(), "/api/v1/cases/", DIFFICULTY, **headers)
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
    case, _ = file(enterprise_user)
    reply = post(Client(), f"/api/v1/cases/{case.number}/replies", {"body": "x"}, **headers)
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "insufficient_scope"
    assert Client().get("/api/v1/cases/", **headers).status_code == 200  # reading is allowed
    assert not CaseMessage.objects.exists()


def test_the_requester_replies_to_its_own_case(casework, enterprise_user, office, hitech, client_for):
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case_act(case=case, action="ask_requester", party=DEPARTMENT, actor=hitech, text="请提供合同", at=at(MON))
    headers = bearer(enterprise_user, ["cases:write"])
    response = post(Client(), f"/api/v1/cases/{case.number}/replies", {"body": "合同已邮寄"}, **headers)
    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED  # the answer to the question: the clock runs again
    assert case.changes.last().action == "requester_answer"  # type: ignore[union-attr]
    assert [m["body"] for m in response.json()["messages"]] == ["请提供合同", "合同已邮寄"]
    again = post(client_for(enterprise_user), f"/api/v1/cases/{case.number}/replies", {"body": "补充说明"})
    assert again.status_code == 201 and case.messages.filter(kind="requester").count() == 2
    assert Case.objects.get().status == CaseStatus.ASSIGNED  # a message on an open case changes no status
    for bad in ({"body": "  "}, {"body": "x\x00"}, {}):
        assert post(client_for(enterprise_user), f"/api/v1/cases/{case.number}/replies", bad).status_code == 422
    case_act(case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    closed = post(client_for(enterprise_user), f"/api/v1/cases/{case.number}/replies", {"body": "x"})
    assert closed.status_code == 422 and closed.json()["error"]["code"] == "not_open"


def test_another_owner_and_the_department_get_404_on_replies(casework, enterprise_user, office, hitech, client_for):
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    other = make_user(Role.ENTERPRISE, username="other", enterprise=EnterpriseFactory())
    for user in (other, hitech, office):
        response = post(client_for(user), f"/api/v1/cases/{case.number}/replies", {"body": "x"})
        assert response.status_code == 404, (user, response.content)
    assert post(client_for(None), f"/api/v1/cases/{case.number}/replies", {"body": "x"}).status_code == 401
    assert post(client_for(enterprise_user), "/api/v1/cases/C000/replies", {"body": "x"}).status_code == 404
    assert not case.messages.filter(kind="requester").exists()


def _finished(user: User, *, office: User, hitech: User, day: datetime.date, grade: str = "", code: str = "difficulty"):
    if code == "ip_complaint":
        from tests.casework.test_services import _pdf

        case, _ = case_file(
            case_type=__import__("waibao.casework.models", fromlist=["CaseType"]).CaseType.objects.get(code=code),
            filer_kind="enterprise",
            title="秘密标题ABC",
            body="仿冒软件",
            contact_name="联系人",
            contact_email=f"{user.username}@example.com",
            category="patent",
            enterprise=user.enterprise,
            user=user,
            right_type="patent",
            right_holder="本公司",
            registration_number="ZL1",
            infringer_name="某公司",
            files=[("evidence", _pdf())],
            at=at(day),
        )
        handler = make_user(Role.DEPARTMENT_REVIEWER, department=case.department)
        outcome = "mediated"
    else:
        case, _ = file(user, category="power", day=day)
        handler, outcome = hitech, "solved"
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(day))
    case_act(case=case, action="answer", party=DEPARTMENT, actor=handler, text="ok", outcome=outcome, at=at(day))
    if grade:
        rating_give(case=case, party=REQUESTER, actor=user, grade=grade, at=at(day))
    return case


def test_the_case_handling_dataset_withholds_small_cells_and_names_nobody(casework, office, hitech):
    from waibao.casework.opendata import case_handling_rows
    from waibao.opendata.catalogue import dataset_spec
    from waibao.statistics.disclosure import office_rule

    assert dataset_spec("case-handling").primary_key == ("year", "case_type", "department")
    minimum = office_rule().min_enterprises
    users = [make_user(Role.ENTERPRISE, username=f"e{i}", enterprise=EnterpriseFactory()) for i in range(minimum + 1)]
    for i, user in enumerate(users):  # 2025: enough requesters, one bad rating
        _finished(user, office=office, hitech=hitech, day=MON, grade="dissatisfied" if i == 0 else "satisfied")
    _finished(users[0], office=office, hitech=hitech, day=datetime.date(2024, 6, 3))  # 2024: a single requester
    for user in users:
        _finished(user, office=office, hitech=hitech, day=MON, code="ip_complaint")
    rows = case_handling_rows().rows
    by_key = {(r["year"], r["case_type"], r["department"]): r for r in rows}
    open_cell = by_key[(2025, "difficulty", "hi-tech-office")]
    n = len(users)
    assert open_cell["cases_closed"] == n and not open_cell["withheld"]
    assert open_cell["on_time_share"] == "1.0000"
    assert open_cell["satisfaction_share"] == f"{(n - 1) / n:.4f}"
    small = by_key[(2024, "difficulty", "hi-tech-office")]
    assert small["withheld"] and small["cases_closed"] is None and small["on_time_share"] is None
    ip = by_key[(2025, "ip_complaint", "")]  # confidential: a count at type level, no department, no shares
    assert ip["cases_closed"] == n and ip["department_name_zh"] == "" and ip["on_time_share"] is None
    assert ip["satisfaction_share"] is None
    text = json.dumps(rows, ensure_ascii=False)
    for case in Case.objects.all():
        for secret in (case.number, case.contact_email, case.contact_name, case.title):
            assert secret not in text
    assert Rating.objects.count() == n
