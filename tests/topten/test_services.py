"""Runs: snapshot with sources, eligibility, reproducible ranks, review decisions, notice and final list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import EnterpriseFactory, make_user
from tests.topten.conftest import YEAR, add_figures
from waibao.accounts.models import Role
from waibao.applications import services as application_services
from waibao.applications.models import ApplicationStatus
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.ledger.models import Commitment
from waibao.topten import selectors, services
from waibao.topten.models import RunStatus, SelectionMethod, Violation

pytestmark = pytest.mark.django_db


def test_run_ranks_the_eligible_from_a_snapshot_with_sources(city, office) -> None:
    enterprises = city(12)
    not_recognised = EnterpriseFactory(status="verified")
    add_figures(not_recognised, executed=99_000_000, taxes=9_000_000)
    no_report = EnterpriseFactory(status="recognised")
    add_figures(no_report, executed=99_000_000, report=False)
    violator = EnterpriseFactory(status="recognised")
    add_figures(violator, executed=99_000_000, taxes=9_000_000)
    Violation.objects.create(enterprise=violator, description="x", recorded_on=datetime.date(YEAR, 3, 1))

    run = services.run_create(acting_user=office, year=YEAR)

    assert run.eligible_count == 12
    assert run.is_default_method  # the documented default ("奖励办法另定")
    ranked = list(selectors.ranked_entries(run))
    assert [e.enterprise_id for e in ranked] == [e.pk for e in enterprises]
    ineligible = {e.enterprise_id: e.ineligible for e in selectors.ineligible_entries(run)}
    assert ineligible[not_recognised.pk] == ["not_recognised"]
    assert ineligible[no_report.pk] == ["no_annual_report"]
    assert ineligible[violator.pk] == ["open_violation"]
    first = ranked[0]
    assert first.inputs["executed_cny"] == "12000000.00"
    assert first.sources["executed_cny"]["kind"] == "statistics" and len(first.sources["executed_cny"]["ids"]) == 1
    assert first.sources["taxes_paid_cny"]["kind"] == "annual_report"
    assert first.sources["employees"]["kind"] == "registry"
    assert first.rank_min is not None and first.rank_min <= first.rank <= first.rank_max
    assert set(first.scores) == {"operating_scale", "technological_innovation", "market_development", "taxes"}
    assert AuditEvent.objects.filter(action="topten.run_created", object_id=str(run.pk)).exists()


def test_the_same_snapshot_gives_the_same_ranks(city, office) -> None:
    city(15)
    run = services.run_create(acting_user=office, year=YEAR)
    again = services.run_create(acting_user=office, year=YEAR)
    assert selectors.recompute(run) == selectors.stored_ranks(run)
    assert again.snapshot_digest == run.snapshot_digest
    assert selectors.stored_ranks(again) == selectors.stored_ranks(run)
    assert list(again.entries.order_by("enterprise_id").values_list("rank_min", "rank_max", "top_share")) == list(
        run.entries.order_by("enterprise_id").values_list("rank_min", "rank_max", "top_share")
    )


def test_only_the_office_runs_and_decides(city, office, reviewer) -> None:
    city(3)
    leader = make_user(Role.CITY_LEADER, username="leader")
    for user in (reviewer, leader):
        with pytest.raises(PermissionDeniedError):
            services.run_create(acting_user=user, year=YEAR)
    run = services.run_create(acting_user=office, year=YEAR)
    with pytest.raises(PermissionDeniedError):
        services.run_decide(acting_user=leader, run=run, enterprise_id=1, kind="exclude", reason="x")


def test_review_excludes_and_adjusts_with_reasons_and_rescores(city, office) -> None:
    enterprises = city(12)
    run = services.run_create(acting_user=office, year=YEAR)
    with pytest.raises(DomainError) as err:
        services.run_decide(acting_user=office, run=run, enterprise_id=enterprises[0].pk, kind="exclude", reason=" ")
    assert err.value.code == "reason_required"
    with pytest.raises(DomainError):
        services.run_decide(acting_user=office, run=run, enterprise_id=enterprises[1].pk, kind="adjust",
                            indicator="taxes_paid_cny", value="-5", reason="wrong")  # fmt: skip
    services.run_decide(acting_user=office, run=run, enterprise_id=enterprises[0].pk, kind="exclude",
                        reason="Tax arrears found by the tax bureau")  # fmt: skip
    last = enterprises[-1]
    for indicator, value in (("executed_cny", "99000000"), ("taxes_paid_cny", "9000000"), ("rd_expense_cny", "9000000"),
                             ("patents", "500"), ("offshore_executed_cny", "99000000")):  # fmt: skip
        services.run_decide(acting_user=office, run=run, enterprise_id=last.pk, kind="adjust", indicator=indicator,
                            value=value, reason="Corrected from the audited accounts")  # fmt: skip
    reviewed = selectors.reviewed_ranking(run)
    assert enterprises[0].pk not in [p.entry.enterprise_id for p in reviewed]
    assert reviewed[0].entry.enterprise_id == last.pk and reviewed[0].adjusted["patents"] == "500"
    # The run itself is unchanged.
    assert selectors.recompute(run) == selectors.stored_ranks(run)
    assert AuditEvent.objects.filter(action="topten.exclude").count() == 1
    assert AuditEvent.objects.filter(action="topten.adjust").count() == 5


def test_notice_objection_and_final_list_with_the_award_on_the_ledger(city, office, finance, monkeypatch) -> None:
    enterprises = city(11)
    method = SelectionMethod.objects.get(code="hz24-default-2007")
    method.document = {**method.document, "award_cny": "100000"}
    method.save()
    run = services.run_create(acting_user=office, year=YEAR)
    services.run_open_notice(acting_user=office, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.IN_NOTICE
    places = list(selectors.list_entries(run))
    assert [p.enterprise_id for p in places] == [e.pk for e in enterprises[:10]]
    application = places[0].application
    assert application.status == ApplicationStatus.IN_NOTICE and application.approved_amount_cny == Decimal("100000")
    with pytest.raises(DomainError) as err:
        services.run_publish(acting_user=office, run=run)  # the notice still runs
    assert err.value.code == "notice_running"
    with pytest.raises(DomainError):
        services.run_open_notice(acting_user=office, run=run)
    # Past the notice period: publish; each place's award is committed on the ledger.
    monkeypatch.setattr(application_services, "today", lambda: run.notice_ends_on + datetime.timedelta(days=1))
    services.run_publish(acting_user=office, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert Commitment.objects.filter(rule_id="HZ-24").count() == 10
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTED


def test_without_an_award_the_list_is_a_commendation_with_nothing_committed(city, office, monkeypatch) -> None:
    city(10)
    run = services.run_create(acting_user=office, year=YEAR)
    services.run_open_notice(acting_user=office, run=run)
    run.refresh_from_db()
    monkeypatch.setattr(application_services, "today", lambda: run.notice_ends_on + datetime.timedelta(days=1))
    services.run_publish(acting_user=office, run=run)
    assert Commitment.objects.filter(rule_id="HZ-24").count() == 0
    assert all(e.on_final_list for e in selectors.list_entries(run))
    from waibao.applications.ledger_owner import status_disagreements

    assert status_disagreements() == []


def test_annual_report_is_filed_and_reviewed_like_a_statistics_record(
    full_dataset, enterprise_user, other_enterprise_user, office
) -> None:
    enterprise = enterprise_user.enterprise
    data = {"taxes_paid_cny": "1,000,000.50", "rd_expense_cny": "200000", "patents": "3", "graduate_employees": "40"}
    report = services.annual_report_save(acting_user=enterprise_user, enterprise=enterprise, year=YEAR, data=data)
    assert report.taxes_paid_cny == Decimal("1000000.50")
    with pytest.raises(PermissionDeniedError):
        services.annual_report_save(acting_user=other_enterprise_user, enterprise=enterprise, year=YEAR, data=data)
    with pytest.raises(DomainError) as err:
        services.annual_report_save(
            acting_user=enterprise_user, enterprise=enterprise, year=YEAR, data={**data, "patents": "-1"}
        )
    assert err.value.field == "patents"
    services.annual_report_transition(acting_user=enterprise_user, report=report, action="submit")
    with pytest.raises(DomainError):
        services.annual_report_transition(acting_user=enterprise_user, report=report, action="approve")
    with pytest.raises(DomainError) as err:
        services.annual_report_transition(acting_user=office, report=report, action="return")
    assert err.value.code == "reason_required"
    report = services.annual_report_transition(acting_user=office, report=report, action="approve")
    assert report.status == "approved" and report.reviewed_by == office
    with pytest.raises(DomainError) as err:
        services.annual_report_save(acting_user=enterprise_user, enterprise=enterprise, year=YEAR, data=data)
    assert err.value.code == "not_editable"


def test_report_due_date_must_follow_the_year(full_dataset, office, enterprise_user) -> None:
    with pytest.raises(DomainError):
        services.report_call_set(acting_user=office, year=YEAR, due_on=datetime.date(YEAR, 6, 1))
    with pytest.raises(PermissionDeniedError):
        services.report_call_set(acting_user=enterprise_user, year=YEAR, due_on=datetime.date(YEAR + 1, 3, 31))
    call = services.report_call_set(acting_user=office, year=YEAR, due_on=datetime.date(YEAR + 1, 3, 31))
    assert call.due_on == datetime.date(YEAR + 1, 3, 31)


def test_the_method_is_data_and_a_bad_method_is_refused_naming_the_file(tmp_path, full_dataset) -> None:
    import shutil

    import yaml

    from waibao.common.dataset import DatasetError
    from waibao.topten.dataset import load_topten_dataset

    method = SelectionMethod.objects.get(code="hz24-default-2007")
    assert method.is_default and method.document["citation"]["article"] == "HZ-24"
    assert method.document["award_cny"] is None  # 奖励办法另定: no award until the city sets one
    folder = tmp_path / "data"
    shutil.copytree(full_dataset, folder)
    doc = yaml.safe_load((folder / "topten.yaml").read_text(encoding="utf-8"))
    for broken, message in (
        ({"normalisation": "log"}, "normalisation"),
        ({"criteria": [{"code": "x", "weight": 1, "indicators": [{"code": "profit", "weight": 1}]}]}, "code must be"),
        ({"criteria": [{"code": "x", "weight": -1, "indicators": [{"code": "patents", "weight": 1}]}]}, "weight"),
        ({"award_cny": "12.345"}, "award_cny"),
        ({"tie_breaks": ["profit"]}, "tie_breaks"),
    ):
        bad = {**doc, "methods": [{**doc["methods"][0], **broken}]}
        (folder / "topten.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DatasetError) as err:
            load_topten_dataset(folder)
        assert "topten.yaml" in str(err.value) and message in str(err.value)


def test_statistics_awaiting_review_make_an_enterprise_ineligible(city, office) -> None:
    from waibao.statistics.models import Execution, RecordStatus

    enterprises = city(3)
    execution = Execution.objects.filter(enterprise=enterprises[0]).first()
    Execution.objects.create(contract=execution.contract, enterprise=enterprises[0], date=datetime.date(YEAR, 9, 1),
                             currency="CNY", amount=Decimal(5), status=RecordStatus.SUBMITTED)  # fmt: skip
    run = services.run_create(acting_user=office, year=YEAR)
    assert run.entries.get(enterprise=enterprises[0]).ineligible == ["statistics_pending"]
    assert run.eligible_count == 2
