"""'What am I entitled to?': prefilled facts, results with their explanations, refusals, access by role."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.policy.engine import default_enterprise, default_package
from waibao.registry.models import Enterprise
from waibao.statistics.models import IndicatorRollup

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.policy.urls")]

ClientFor = Callable[[User | None], Client]


def page_url(enterprise_id: int) -> str:
    return reverse("policy:entitlements_enterprise", args=[enterprise_id])


def rollup(enterprise: Enterprise, *, year: int, category: str, offshore: bool, usd: str) -> None:
    """An approved-statistics rollup row, as the statistics services write them on approval."""
    IndicatorRollup.objects.create(
        year=year,
        month=6,
        enterprise=enterprise,
        zone="",
        top_level=category.split("-")[0].upper(),
        category=category,
        country="US" if offshore else "CN",
        ownership="",
        offshore=offshore,
        execution_count=1,
        executed_amount_usd=Decimal(usd),
        executed_amount_cny=Decimal(usd) * 7,
    )


def facts_post(year: int = 2008, **facts: Any) -> dict[str, Any]:
    """Form data: every scalar fact at its facts.yaml default, overridden by `facts` (booleans as checkboxes)."""
    values = {**default_enterprise(default_package()), **facts}
    data: dict[str, Any] = {"year": str(year)}
    for name, value in values.items():
        if value is True:
            data[name] = "on"
        elif value is False:
            continue
        else:
            data[name] = "" if value is None else str(value)
    return data


def no_writes(queries: CaptureQueriesContext) -> bool:
    """No INSERT, UPDATE or DELETE during the request, apart from the sign-in session's own row."""
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"} and "django_session" not in q["sql"]
    ]
    return not writes


# ---- the enterprise's own page, prefilled --------------------------------------------------------


def test_enterprise_user_is_sent_to_their_own_page(client_for: ClientFor, enterprise_user: User) -> None:
    response = client_for(enterprise_user).get(reverse("policy:entitlements"))
    assert response.status_code == 302
    assert response["Location"] == page_url(enterprise_user.enterprise_id)  # type: ignore[arg-type]


def test_enterprise_users_have_a_nav_link(client_for: ClientFor, enterprise_user: User, office: User) -> None:
    link = f'href="{reverse("policy:entitlements")}"'
    assert link in client_for(enterprise_user).get(reverse("policy:index")).content.decode()
    assert link not in client_for(office).get(reverse("policy:index")).content.decode()


def test_own_page_is_prefilled_from_registry_and_approved_statistics(
    client_for: ClientFor, enterprise_user: User
) -> None:
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    Enterprise.objects.filter(pk=enterprise.pk).update(
        registered_capital_cny=Decimal("120000000.00"), offshore_focused=True
    )
    rollup(enterprise, year=2008, category="ito-software-dev", offshore=True, usd="400000")
    rollup(enterprise, year=2008, category="ito-software-tech", offshore=True, usd="250000")
    rollup(enterprise, year=2008, category="ito-software-dev", offshore=False, usd="900000")  # onshore: not export
    rollup(enterprise, year=2008, category="bpo-hr", offshore=True, usd="800000")  # not software
    rollup(enterprise, year=2009, category="ito-software-dev", offshore=True, usd="7000000")  # another year

    response = client_for(enterprise_user).get(page_url(enterprise.pk), {"year": "2008"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["registered_capital_cny"] == "120000000.00"
    assert form.initial["offshore_focused"] is True
    assert form.initial["software_export_usd"] == "650000.00"
    assert form.initial["actual_tax_paid_cny"] == "0"  # facts.yaml default
    page = response.content.decode()
    assert 'value="120000000.00"' in page and 'value="650000.00"' in page
    assert "Prefilled from the registry: 120,000,000.00 CNY" in page
    assert "Prefilled from approved statistics for 2008: 650,000.00 USD" in page
    assert "nothing is stored" in page
    assert response.context["year"] == 2008


def test_default_year_is_last_calendar_year(client_for: ClientFor, enterprise_user: User) -> None:
    from django.utils import timezone

    response = client_for(enterprise_user).get(page_url(enterprise_user.enterprise_id))  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year - 1
    assert response.context["years"][0] == 2007


def test_a_year_outside_the_policy_is_refused_not_a_500(client_for: ClientFor, enterprise_user: User) -> None:
    client = client_for(enterprise_user)
    assert client.get(page_url(enterprise_user.enterprise_id), {"year": "1999"}).status_code == 400  # type: ignore[arg-type]
    assert client.get(page_url(enterprise_user.enterprise_id), {"year": "soon"}).status_code == 400  # type: ignore[arg-type]


# ---- results -------------------------------------------------------------------------------------


def test_exports_of_half_a_million_dollars_earn_hz12a(client_for: ClientFor, enterprise_user: User) -> None:
    client = client_for(enterprise_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
            facts_post(software_export_usd="500000"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert no_writes(queries)
    explanation = response.context["explanation"]
    by_rule = {e.rule: e for e in explanation.entitlements}
    assert set(by_rule) == {"HZ-12a"}
    hz12a = by_rule["HZ-12a"]
    assert hz12a.amount_text == "200,000.00 CNY" and hz12a.basis == "fixed"
    assert hz12a.basis_text == "Exactly 200,000.00 CNY."
    # The trace: the condition with the values compared, the parameter with its date and citation.
    export = next(c for c in hz12a.conditions if c.fact_id == "software_export_usd")
    assert export.passed and export.value == "500,000 USD" and export.compared_to == "500,000 USD"
    reward = next(p for p in hz12a.parameters if p.parameter_id == "hz12a_reward_cny")
    assert reward.value == "200,000.00 CNY" and reward.effective_from == "2007-01-01"
    assert reward.citation is not None and reward.citation["article"] == "HZ-12"
    assert [t.total for t in explanation.cash_totals] == [Decimal("200000.00")]
    page = response.content.decode()
    for text in ("HZ-12a", "Software export reward", "200,000.00 CNY", "Fixed", "2007-01-01", "<details"):
        assert text in page, text
    not_applicable = {n.rule: n.reason for n in explanation.not_applicable}
    assert "HZ-12b" in not_applicable and "not ≥" in not_applicable["HZ-12b"]


def test_five_million_dollars_earn_hz12b_instead_of_hz12a(client_for: ClientFor, enterprise_user: User) -> None:
    response = client_for(enterprise_user).post(
        page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
        facts_post(software_export_usd="5000000"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    entitlements = response.context["explanation"].entitlements
    assert [(e.rule, e.amount_text) for e in entitlements] == [("HZ-12b", "500,000.00 CNY")]
    assert "HZ-12a" in {n.rule for n in response.context["explanation"].not_applicable}


def test_list_items_bases_and_totals(client_for: ClientFor, enterprise_user: User) -> None:
    data = facts_post(platform_investment_cny="1000000", tech_dev_expense_cny="2200000")
    data["tech_dev_expense_prev_year_cny"] = "2000000"
    data.update(
        {
            # row 2 of the certifications: row 1 is left empty, and the item says which row it was
            "certifications-1-standard": "CMMI",
            "certifications-1-level": "3",
            "certifications-1-year_obtained": "2008",
            "certifications-1-fee_cny": "400000",
            "trainees-0-category": "fresh_graduate",
            "trainees-0-fee_cny": "6000",
            "trainees-0-passed": "on",
        }
    )
    response = client_for(enterprise_user).post(
        page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    explanation = response.context["explanation"]
    by_rule = {e.rule: e for e in explanation.entitlements}
    assert by_rule["HZ-13a"].basis_name == "Ceiling (at most)"
    assert by_rule["HZ-13a"].amount_text == "200,000.00 CNY"
    assert "Certifications, row 2" in by_rule["HZ-13a"].item and "CMMI" in by_rule["HZ-13a"].item
    assert by_rule["HZ-15"].basis_name == "Range (between a minimum and a maximum)"
    assert by_rule["HZ-15"].amount_text == "200,000.00 CNY – 300,000.00 CNY"
    assert by_rule["HZ-17b"].amount_text == "5,100.00 CNY"
    assert by_rule["HZ-10"].kind == "tax_deduction"
    assert explanation.tax_deduction == Decimal("1100000.00")
    totals = {t.fund: t.total for t in explanation.cash_totals}
    assert sum(totals.values()) == explanation.cash_total == Decimal("505100.00")  # 200,000 + 300,000 + 5,100
    page = response.content.decode()
    assert "Ceiling" in page and "Range" in page and "not cash" in page


# ---- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("software_export_usd", "lots", "is not a number"),
        ("actual_tax_paid_cny", "-5", "must not be negative"),
        ("registered_capital_cny", "1.234", "at most two decimal places"),
        ("industrialised_patents", "-1", "must not be negative"),
        ("rd_centre_recognition", "galactic", "Select a valid choice"),
        ("trainees-0-category", "astronaut", "Select a valid choice"),
        ("registered_capital_cny", "", "This field is required"),
    ],
)
def test_bad_input_shows_a_field_error_and_stores_nothing(
    client_for: ClientFor, enterprise_user: User, field: str, value: str, message: str
) -> None:
    data = facts_post()
    data[field] = value
    if field.startswith("trainees-0-"):
        data["trainees-0-fee_cny"] = "6000"
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    client = client_for(enterprise_user)
    audit_before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(page_url(enterprise.pk), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["explanation"] is None
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert no_writes(queries)
    assert AuditEvent.objects.count() == audit_before
    enterprise.refresh_from_db()
    assert enterprise.registered_capital_cny == Decimal("10000000.00")


def test_every_wrong_fact_is_marked_at_once(client_for: ClientFor, enterprise_user: User) -> None:
    data = facts_post(software_export_usd="lots", actual_tax_paid_cny="-3")
    data.update({"trainees-4-category": "new_employee", "trainees-4-fee_cny": "1.234"})
    response = client_for(enterprise_user).post(
        page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"software_export_usd", "actual_tax_paid_cny", "trainees-4-fee_cny"}
    assert "Some facts need correcting" in response.content.decode()


def test_an_incomplete_row_names_the_missing_field(client_for: ClientFor, enterprise_user: User) -> None:
    data = facts_post()
    data.update({"certifications-2-standard": "ISO27001", "certifications-2-year_obtained": "2008"})
    response = client_for(enterprise_user).post(
        page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is required" in " ".join(errors["certifications-2-fee_cny"])


def test_a_year_obtained_after_the_assessment_year_is_refused(client_for: ClientFor, enterprise_user: User) -> None:
    data = facts_post(year=2008)
    data.update(
        {
            "certifications-0-standard": "CMMI",
            "certifications-0-level": "3",
            "certifications-0-year_obtained": "2010",
            "certifications-0-fee_cny": "1000",
        }
    )
    response = client_for(enterprise_user).post(
        page_url(enterprise_user.enterprise_id),  # type: ignore[arg-type]
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "after the assessment year" in " ".join(response.context["form"].errors["certifications-0-year_obtained"])


# ---- who may open it ----------------------------------------------------------------------------


def test_an_enterprise_user_cannot_open_another_enterprise(
    client_for: ClientFor, enterprise_user: User, other_enterprise_user: User
) -> None:
    client = client_for(enterprise_user)
    other = other_enterprise_user.enterprise_id
    assert client.get(page_url(other)).status_code == 404  # type: ignore[arg-type]
    assert client.post(page_url(other), facts_post()).status_code == 404  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ["office", "reviewer", "finance"])
def test_staff_can_run_it_for_any_enterprise(
    client_for: ClientFor, role: str, request: pytest.FixtureRequest, enterprise_user: User
) -> None:
    staff: User = request.getfixturevalue(role)
    client = client_for(staff)
    enterprise_id = enterprise_user.enterprise_id
    assert enterprise_id is not None
    assert client.get(page_url(enterprise_id)).status_code == 200
    response = client.post(page_url(enterprise_id), facts_post(software_export_usd="600000"))
    assert response.status_code == 200
    assert [e.rule for e in response.context["explanation"].entitlements] == ["HZ-12a"]


def test_staff_find_an_enterprise_by_name_or_credit_code(client_for: ClientFor, office: User) -> None:
    EnterpriseFactory(name_zh="杭州星河软件有限公司", name_en="Hangzhou Galaxy Software")
    EnterpriseFactory(name_zh="杭州星河数据有限公司", name_en="Hangzhou Galaxy Data")
    target = Enterprise.objects.get(name_en="Hangzhou Galaxy Software")
    client = client_for(office)
    start = client.get(reverse("policy:entitlements"))
    assert start.status_code == 200 and 'name="q"' in start.content.decode()
    by_code = client.get(reverse("policy:entitlements"), {"q": target.credit_code.lower()})
    assert by_code.status_code == 302 and by_code["Location"] == page_url(target.pk)
    by_name = client.get(reverse("policy:entitlements"), {"q": "Galaxy"})
    assert by_name.status_code == 200
    assert len(by_name.context["matches"]) == 2 and page_url(target.pk) in by_name.content.decode()
    assert client.get(reverse("policy:entitlements"), {"q": "Galaxy Software"})["Location"] == page_url(target.pk)
    assert client.get(reverse("policy:entitlements"), {"q": "nobody"}).context["matches"] == []


def test_training_institutions_and_anonymous_users_cannot_open_it(
    client_for: ClientFor, training_user: User, enterprise_user: User
) -> None:
    enterprise_id = enterprise_user.enterprise_id
    assert enterprise_id is not None
    trainer = client_for(training_user)
    assert trainer.get(reverse("policy:entitlements")).status_code == 403
    assert trainer.get(page_url(enterprise_id)).status_code == 403
    assert trainer.post(page_url(enterprise_id), facts_post()).status_code == 403
    anonymous = client_for(None)
    for response in (
        anonymous.get(reverse("policy:entitlements")),
        anonymous.get(page_url(enterprise_id)),
        anonymous.post(page_url(enterprise_id), facts_post()),
    ):
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# ---- both languages ------------------------------------------------------------------------------


def test_the_result_reads_in_english_and_in_chinese(client_for: ClientFor, enterprise_user: User) -> None:
    data = facts_post(software_export_usd="500000")
    data.update(
        {
            "certifications-0-standard": "CMMI",
            "certifications-0-level": "3",
            "certifications-0-year_obtained": "2008",
            "certifications-0-fee_cny": "400000",
        }
    )
    client = client_for(enterprise_user)
    url = page_url(enterprise_user.enterprise_id)  # type: ignore[arg-type]
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Fixed", "Ceiling", "Exactly 200,000.00 CNY.", "Up to 200,000.00 CNY", "Total cash by fund"):
        assert text in english, text
    chinese = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("固定金额", "上限", "软件出口奖励", "按资金来源的现金合计", "不适用"):
        assert text in chinese, text
    for text in ("Ceiling", "Total cash by fund", "What am I entitled to?"):
        assert text not in chinese, text
    form_zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "预填来源" in form_zh and "注册资本（元）" in form_zh
