"""No public dataset carries a person's identifiers or name, after every cash rule has been awarded (the
trainee subsidies name persons by resident-ID number); awards are published per recipient, rule and year."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from tests.applications.conftest import institution_user, later, routing  # noqa: F401  (fixtures)
from tests.applications.test_personal_data import PERSONS, _assert_no_person, _award_every_rule
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.opendata.catalogue import datasets
from waibao.opendata.models import Release

pytestmark = pytest.mark.django_db


def test_awards_and_every_dataset_publish_no_person(
    routing: Any,  # noqa: F811
    enterprise_user: User,
    institution_user: User,  # noqa: F811
    office: User,
    finance: User,
    later: Callable[[int], None],  # noqa: F811
    client_for: Callable[[User | None], Client],
) -> None:
    _award_every_rule(enterprise_user, institution_user, office, finance, later)
    call_command("opendata", "release", stdout=io.StringIO())
    secrets = [number for _name, number in PERSONS.values()] + [name for name, _number in PERSONS.values()]
    secrets += list(User.objects.exclude(email="").values_list("email", flat=True))
    public = client_for(None)
    for spec in datasets():
        release = Release.objects.get(dataset=spec.code)
        for fmt in ("csv", "json"):
            url = f"/open-data/{spec.code}/v1.{fmt}"
            text = public.get(url).content.decode()
            if fmt == "json":  # the licence URL and the policy's own text are not persons
                text = json.dumps(json.loads(text)["rows"], ensure_ascii=False)
            _assert_no_person(url, text, secrets)
        sheet = load_workbook(io.BytesIO(public.get(f"/open-data/{spec.code}/v1.xlsx").content), read_only=True)
        cells = " ".join(str(v) for row in sheet["data"].iter_rows(values_only=True) for v in row if v is not None)
        _assert_no_person(f"{spec.code}.xlsx", cells, secrets)
        assert release.row_count == len(release.rows)

    awarded = Application.objects.filter(status__in=[ApplicationStatus.COMMITTED, ApplicationStatus.PAID])
    rows = Release.objects.get(dataset="awards").rows
    assert sum(r["awards"] for r in rows) == awarded.count() > 0
    assert {r["rule"] for r in rows} == set(awarded.values_list("rule_id", flat=True))
    by_rule = {r["rule"]: r for r in rows}
    paid = awarded.get(rule_id="HZ-12a")
    assert by_rule["HZ-12a"]["amount_cny"] == f"{paid.approved_amount_cny:.2f}"
    assert by_rule["HZ-12a"]["recipient_credit_code"] == enterprise_user.enterprise.credit_code  # type: ignore[union-attr]
    # Applications still in their notice are not awards yet.
    in_notice = Application.objects.filter(status=ApplicationStatus.IN_NOTICE).count()
    assert in_notice > 0 and sum(r["awards"] for r in rows) == awarded.count()
