"""Issue 8 §4: the reviewer sees the verified facts beside the declared ones.

Reproduced on main: an enterprise declared USD 1,200,000 of software exports for HZ-12a while its approved
statistics for that year held USD 0; nothing told the reviewer, and it was recommended and paid.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.applications.conftest import PDF, apply, latest
from waibao.accounts.models import User
from waibao.applications.models import ApplicationStatus, RuleRouting
from waibao.applications.verification import differs
from waibao.audit.models import AuditEvent

S = ApplicationStatus
pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def test_difference_beyond_the_tolerance() -> None:
    assert differs("1200000", Decimal("0"), tolerance_percent=Decimal("5"))
    assert not differs("1040000", Decimal("1000000"), tolerance_percent=Decimal("5"))
    assert differs("1060000", Decimal("1000000"), tolerance_percent=Decimal("5"))
    assert differs(True, False, tolerance_percent=Decimal("5"))
    assert not differs(True, True, tolerance_percent=Decimal("5"))


def test_a_flagged_fact_needs_the_reviewers_reason_over_http(
    routing: Any, enterprise_user: User, reviewer: User, client_for: ClientFor
) -> None:
    apply(
        client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "1200000"}, files={"contract": PDF}
    )
    application = latest(rule_id="HZ-12a")
    desk = client_for(reviewer)
    desk.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    page = desk.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="verified-facts"' in page and 'class="flagged"' in page  # declared 1,200,000 beside 0, flagged

    desk.post(f"/applications/{application.pk}/recommend/", {"amount": str(application.calculated_amount_cny)})
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW, "recommended without a word about the difference"

    reason = "企业提供了海关出口报关单，统计数据尚未审核"
    desk.post(
        f"/applications/{application.pk}/recommend/",
        {"amount": str(application.calculated_amount_cny), "reason": reason},
    )
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    records = {r["fact"]: r for r in application.verification}
    assert not records["recognition"]["flagged"]  # the registry's recognition is shown beside too
    record = records["software_export_usd"]
    assert record["fact"] == "software_export_usd" and record["flagged"] and record["verified"] in ("0", "0.00")
    event = AuditEvent.objects.get(action="application.recommend", object_id=str(application.pk))
    assert event.summary == reason and event.data["flagged"] == ["software_export_usd"]


@pytest.mark.parametrize(("tolerance", "needs_reason"), [("5", False), ("1", True)])
def test_the_tolerance_is_the_offices_parameter(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
    tolerance: str,
    needs_reason: bool,
) -> None:
    """Declared 600,000 against 580,000 approved (3.4 % apart): within 5 %, beyond 1 %."""
    from waibao.statistics import selectors as statistics_selectors

    real = statistics_selectors.approved_facts
    monkeypatch.setattr(
        statistics_selectors,
        "approved_facts",
        lambda **kw: {**real(**kw), "software_export_usd": Decimal("580000.00")},
    )
    RuleRouting.objects.filter(rule_id="HZ-12a").update(verification_tolerance_percent=Decimal(tolerance))
    applicant = client_for(enterprise_user)
    form = applicant.get("/applications/new/?rule=HZ-12a&year=2008").content.decode()
    assert 'value="580000.00"' in form, "the form prefills the verified figure"
    assert "2008" in form.split('name="fact__software_export_usd"')[1][:600], "and says where it came from"
    declared = {"fact__software_export_usd": "600000"}
    response = apply(applicant, "HZ-12a", 2008, declared, files={"contract": PDF})
    if needs_reason:  # beyond the tolerance: another figure than the verified one needs an explanation
        assert response.status_code == 200 and latest(rule_id="HZ-12a") is None
        declared["explain__software_export_usd"] = "含12月已执行、尚未报送统计的合同"
        response = apply(applicant, "HZ-12a", 2008, declared, files={"contract": PDF})
    assert response.status_code == 302
    application = latest(rule_id="HZ-12a")
    assert application.facts.get("explanations", {}).get("software_export_usd", "") == (
        "含12月已执行、尚未报送统计的合同" if needs_reason else ""
    )
    desk = client_for(reviewer)
    desk.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    desk.post(f"/applications/{application.pk}/recommend/", {"amount": str(application.calculated_amount_cny)})
    application.refresh_from_db()
    assert (application.status == S.IN_REVIEW) is needs_reason


def test_the_notice_and_the_award_record_say_what_was_verified(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: ClientFor
) -> None:
    apply(
        client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "1200000"}, files={"contract": PDF}
    )
    application = latest(rule_id="HZ-12a")
    desk = client_for(reviewer)
    desk.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    desk.post(f"/applications/{application.pk}/recommend/", {"amount": "200000", "reason": "核对了出口合同"})
    client_for(office).post(f"/applications/{application.pk}/action/", {"action": "approve"})
    notice = client_for(None).get("/api/v1/applications/notice").json()[0]
    assert any("2008" in line for line in notice["verified"]), notice["verified"]
    assert "1200000" not in str(notice), "the public learns what was checked, not the enterprise's figures"
    record = client_for(office).get(f"/api/v1/applications/{application.pk}").json()["verification"]
    assert {r["fact"] for r in record} == {"recognition", "software_export_usd"}
    page = client_for(enterprise_user).get(f"/applications/{application.pk}/").content.decode()
    assert 'id="award-verification"' in page
