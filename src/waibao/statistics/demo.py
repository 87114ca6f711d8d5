"""Demo statistics for `make run`: rates 2005–2010, approved records 2005–2008, some awaiting review.

Deterministic for a seed and idempotent: a second run finds the demo records and adds nothing.
Approved history goes through the same import path as `waibao stats import-contracts --approve`.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.registry.models import Enterprise, EnterpriseStatus, ServiceCategory
from waibao.statistics.conf import today as local_today
from waibao.statistics.models import Contract, ExchangeRate, RecordStatus, StaffingReport
from waibao.statistics.services import (
    contract_save,
    contracts_import,
    exchange_rates_import,
    execution_save,
    executions_import,
    record_transition,
)

DEMO_PREFIX = "DEMO-"
YEARS = (2005, 2006, 2007, 2008)
MAX_ENTERPRISES = 800

# CNY per unit at the start of each year (and mid-2005 for the revaluation), roughly as published.
RATE_ANCHORS: dict[str, list[tuple[date, Decimal]]] = {
    "USD": [
        (date(2005, 1, 1), Decimal("8.2765")),
        (date(2005, 7, 1), Decimal("8.2765")),
        (date(2005, 8, 1), Decimal("8.1080")),
        (date(2006, 1, 1), Decimal("8.0702")),
        (date(2007, 1, 1), Decimal("7.8087")),
        (date(2008, 1, 1), Decimal("7.3046")),
        (date(2008, 7, 1), Decimal("6.8591")),
        (date(2009, 1, 1), Decimal("6.8346")),
        (date(2010, 6, 1), Decimal("6.8275")),
        (date(2010, 12, 1), Decimal("6.6515")),
    ],
    "EUR": [
        (date(2005, 1, 1), Decimal("11.2627")),
        (date(2006, 1, 1), Decimal("9.5797")),
        (date(2007, 1, 1), Decimal("10.2665")),
        (date(2008, 1, 1), Decimal("10.6669")),
        (date(2008, 7, 1), Decimal("10.8175")),
        (date(2009, 1, 1), Decimal("9.4847")),
        (date(2010, 1, 1), Decimal("9.8245")),
        (date(2010, 12, 1), Decimal("8.8065")),
    ],
    "JPY": [
        (date(2005, 1, 1), Decimal("0.080218")),
        (date(2006, 1, 1), Decimal("0.068403")),
        (date(2007, 1, 1), Decimal("0.065630")),
        (date(2008, 1, 1), Decimal("0.064064")),
        (date(2009, 1, 1), Decimal("0.075650")),
        (date(2010, 1, 1), Decimal("0.073782")),
        (date(2010, 12, 1), Decimal("0.079776")),
    ],
}
FACTORS = {"USD": Decimal(1), "EUR": Decimal("0.8"), "JPY": Decimal(110), "HKD": Decimal("7.8"), "CNY": Decimal(8)}
CURRENCIES = ("USD", "USD", "USD", "USD", "JPY", "JPY", "EUR", "CNY", "HKD")
COUNTRIES = ("US", "US", "JP", "JP", "JP", "DE", "GB", "HK", "HK", "KR", "SG", "TW", "CN", "CN", "CN", "CN")
CLIENTS = (
    "Acme Corp",
    "Nippon Systems",
    "Fuji Solutions",
    "Deutsche Daten",
    "Pacific Bank",
    "Hang Lung Trading",
    "Global Pharma",
    "浙江某集团",
    "上海某银行",
    "Seoul Mobile",
)


def _interpolate(anchors: list[tuple[date, Decimal]], day: date) -> Decimal:
    for (d1, r1), (d2, r2) in pairwise(anchors):
        if d1 <= day <= d2:
            span = (d2 - d1).days or 1
            return r1 + (r2 - r1) * Decimal((day - d1).days) / Decimal(span)
    return anchors[-1][1] if day > anchors[-1][0] else anchors[0][1]


def demo_rate_rows() -> list[tuple[date, str, Decimal]]:
    """Monthly rates 2005–2010 for USD, EUR, JPY and HKD (HKD follows its USD peg at about 7.78)."""
    rows = []
    for year in range(2005, 2011):
        for month in range(1, 13):
            day = date(year, month, 1)
            usd = _interpolate(RATE_ANCHORS["USD"], day)
            rows.append((day, "USD", usd.quantize(Decimal("0.0001"))))
            rows.append((day, "EUR", _interpolate(RATE_ANCHORS["EUR"], day).quantize(Decimal("0.0001"))))
            rows.append((day, "JPY", _interpolate(RATE_ANCHORS["JPY"], day).quantize(Decimal("0.000001"))))
            rows.append((day, "HKD", (usd / Decimal("7.78")).quantize(Decimal("0.0001"))))
    return rows


def _csv(headers: list[str], rows: Sequence[Sequence[object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


@transaction.atomic
def create_demo_statistics(*, seed: int = 2007) -> dict[str, int]:
    """Rates, approved contracts/executions/staffing 2005–2008, and a few records awaiting review."""
    public_cache.changed(public_cache.STATISTICS)
    counts = {"rates": 0, "contracts": 0, "executions": 0, "staffing_reports": 0, "awaiting_review": 0}
    if not ExchangeRate.objects.filter(currency="USD", date=date(2005, 1, 1)).exists():
        rows = [[d.isoformat(), c, str(r)] for d, c, r in demo_rate_rows()]
        stream = _csv(["date", "currency", "cny_per_unit"], rows)
        counts["rates"] = exchange_rates_import(acting_user=None, stream=stream, filename="demo-rates.csv").created
    if Contract.objects.filter(contract_no__startswith=DEMO_PREFIX).exists():
        return counts
    rng = random.Random(seed)
    enterprises = list(
        Enterprise.objects.filter(status__in=[EnterpriseStatus.VERIFIED, EnterpriseStatus.RECOGNISED])
        .select_related("zone")
        .order_by("credit_code")[:MAX_ENTERPRISES]
    )
    if not enterprises:
        return counts
    leaves = list(ServiceCategory.objects.filter(parent__isnull=False).order_by("code"))
    contract_rows: list[list[object]] = []
    execution_rows: list[list[object]] = []
    staffing: list[StaffingReport] = []
    now = timezone.now()
    for enterprise in enterprises:
        scale = Decimal(rng.randint(20, 400)) * 1000  # USD per contract, this enterprise's size
        own = [c for c in leaves if c.top_level == rng.choice(["ITO", "ITO", "BPO", "KPO"])] or leaves
        employees = rng.randint(20, 400)
        founded = enterprise.established_on or date(YEARS[0], 1, 1)
        for year in YEARS:
            if year < founded.year or (year == founded.year and founded >= date(year, 12, 1)):
                continue  # no activity before the enterprise exists
            first_month = founded.month + 1 if year == founded.year else 1
            growth = Decimal("1.30") ** (year - 2005)
            for n in range(rng.randint(1, 4)):
                currency = rng.choice(CURRENCIES)
                country = "CN" if currency == "CNY" else rng.choice(COUNTRIES)
                factor = FACTORS[currency]
                amount = (scale * growth * Decimal(rng.randint(50, 150)) / 100 * factor).quantize(Decimal("1"))
                signed = date(year, rng.randint(first_month, 12), rng.randint(1, 28))
                number = f"{DEMO_PREFIX}{year}-{enterprise.pk}-{n + 1}"
                category = rng.choice(own)
                contract_rows.append(
                    [
                        enterprise.credit_code,
                        number,
                        rng.choice(CLIENTS),
                        country,
                        category.code,
                        currency,
                        amount,
                        signed.isoformat(),
                    ]
                )
                paid = Decimal(0)
                for part in range(rng.randint(1, 3)):
                    day = date(
                        year if signed.month < 12 else year + 1,
                        min(12, signed.month + part + 1) if signed.month < 12 else part + 1,
                        rng.randint(1, 28),
                    )
                    if day.year > YEARS[-1]:
                        continue
                    share = (amount * Decimal(rng.randint(20, 45)) / 100).quantize(Decimal("1"))
                    if paid + share > amount:
                        break
                    paid += share
                    execution_rows.append(
                        [
                            enterprise.credit_code,
                            number,
                            day.isoformat(),
                            currency,
                            share,
                            f"R{year}{rng.randint(1, 99999):05d}",
                        ]
                    )
            for month in range(first_month, 13):
                new = rng.randint(0, max(1, employees // 15))
                graduates = rng.randint(0, new)
                employees = max(5, employees + new - rng.randint(0, max(1, employees // 25)))
                staffing.append(
                    StaffingReport(
                        enterprise=enterprise,
                        period_start=date(year, month, 1),
                        period_end=date(year, month, 28)
                        if month == 2
                        else date(year, month, 30 if month in (4, 6, 9, 11) else 31),
                        employees=employees,
                        new_employees=new,
                        new_graduates=graduates,
                        status=RecordStatus.APPROVED,
                        submitted_at=now,
                        reviewed_at=now,
                    )
                )
    contract_headers = [
        "credit_code",
        "contract_no",
        "client_name",
        "client_country",
        "category",
        "currency",
        "amount",
        "signed_date",
    ]
    counts["contracts"] = contracts_import(
        acting_user=None, stream=_csv(contract_headers, contract_rows), filename="demo-contracts.csv", approve=True
    ).created
    execution_headers = ["credit_code", "contract_no", "date", "currency", "amount", "receipt_ref"]
    counts["executions"] = executions_import(
        acting_user=None, stream=_csv(execution_headers, execution_rows), filename="demo-executions.csv", approve=True
    ).created
    if True:
        existing = set(
            StaffingReport.objects.filter(enterprise__in=enterprises).values_list("enterprise_id", "period_start")
        )
        fresh = [s for s in staffing if (s.enterprise_id, s.period_start) not in existing]
        StaffingReport.objects.bulk_create(fresh, batch_size=2000)
        audit_record(
            actor=None,
            action="stats.staffing.demo",
            object_type="statistics.staffingreport",
            summary="demo staffing reports",
            data={"created": len(fresh)},
        )
    counts["staffing_reports"] = len(fresh)
    # The registry's headcount is the latest staffing report's (the city's figures agree with each other).
    latest: dict[int, int] = {}
    for report in sorted(staffing, key=lambda s: s.period_start):
        latest[report.enterprise_id] = report.employees
    changed = [e for e in enterprises if e.pk in latest and e.employees != latest[e.pk]]
    for enterprise in changed:
        enterprise.employees = latest[enterprise.pk]
    Enterprise.objects.bulk_update(changed, ["employees"], batch_size=1000)
    counts["awaiting_review"] = _awaiting_review(enterprises[:30], leaves, rng)
    return counts


def _awaiting_review(enterprises: list[Enterprise], leaves: list[ServiceCategory], rng: random.Random) -> int:
    """Submitted records in the current year for reviewers to act on."""
    today = local_today()
    created = 0
    for index, enterprise in enumerate(enterprises):
        day = date(today.year, rng.randint(1, today.month), 1)
        contract = contract_save(
            acting_user=None,
            enterprise=enterprise,
            fields={
                "contract_no": f"{DEMO_PREFIX}{today.year}-{enterprise.pk}-NEW",
                "client_name": rng.choice(CLIENTS),
                "client_country": rng.choice(COUNTRIES),
                "category": rng.choice(leaves).code,
                "currency": "USD",
                "amount": Decimal(rng.randint(50, 900)) * 1000,
                "signed_date": day,
            },
        )
        record_transition(acting_user=None, record=contract, action="submit")
        created += 1
        if index % 3 == 0:
            older = Contract.objects.filter(enterprise=enterprise, status=RecordStatus.APPROVED).first()
            if older is not None:
                execution = execution_save(
                    acting_user=None,
                    contract=older,
                    fields={
                        "date": day,
                        "currency": older.currency,
                        "amount": (older.amount / 10).quantize(Decimal("1")),
                        "receipt_ref": f"R{today.year}{index:05d}",
                        "over_reason": "合同追加后的后续付款",
                    },
                )
                record_transition(acting_user=None, record=execution, action="submit")
                created += 1
    return created
