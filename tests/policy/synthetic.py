"""Random enterprise facts for the policy tests, biased towards the boundaries the rules name."""

from __future__ import annotations

import random
from typing import Any

from waibao.policy.engine import Package


def _money(rng: random.Random, choices: list[str], top: int) -> str:
    if rng.random() < 0.5:
        return rng.choice(choices)
    return f"{rng.randint(0, top * 100) / 100:.2f}"


def random_enterprise(package: Package, rng: random.Random, *, year: int) -> dict[str, Any]:
    """One enterprise's facts; amounts are boundary values half of the time, random otherwise."""
    previous = rng.choice([None, "0", "2000000", "1000000.01", f"{rng.randint(1, 10**8) / 100:.2f}"])
    current = rng.choice(["2200000", "2199999.99", "1100000.01", "0", f"{rng.randint(0, 10**8) / 100:.2f}"])
    enterprise: dict[str, Any] = {
        "registered_capital_cny": _money(rng, ["100000000", "99999999.99", "120000000", "0"], 2 * 10**8),
        "offshore_focused": rng.random() < 0.5,
        "actual_tax_paid_cny": _money(rng, ["0", "0.01", "350000"], 10**6),
        "is_headquarters": rng.random() < 0.3,
        "hq_office_area_m2": rng.choice(["0", "1200.5", "800"]),
        "moved_into_zone": rng.random() < 0.2,
        "tech_dev_expense_cny": current,
        "tech_dev_expense_prev_year_cny": previous,
        "software_export_usd": _money(rng, ["499999.99", "500000", "4999999.99", "5000000", "0", "0.01"], 10**7),
        "rd_centre_recognition": rng.choice(package.facts["rd_centre_recognition"].choices),
        "brand_recognition": rng.choice(package.facts["brand_recognition"].choices),
        "industrialised_patents": rng.choice([0, 0, 1, 3]),
        "platform_investment_cny": _money(rng, ["0", "0.01", "0.05", "1000000"], 10**7),
        "approved_training_institution": rng.random() < 0.2,
    }
    standards = package.lists["certifications"].fields["standard"].choices
    enterprise["certifications"] = [
        {
            "standard": rng.choice(standards),
            "level": rng.choice([None, 1, 2, 3, 4, 5]),
            "year_obtained": year - rng.choice([0, 0, 1, 2, 3]),
            "fee_cny": _money(rng, ["1000000", "1000000.01", "999999.99", "0.01", "0.03"], 2 * 10**6),
        }
        for _ in range(rng.choice([0, 0, 1, 2]))
    ]
    categories = package.lists["trainees"].fields["category"].choices
    enterprise["trainees"] = [
        {
            "category": rng.choice(categories),
            "fee_cny": _money(rng, ["6000", "0.01", "0.03", "0.07", "3333.33"], 20000),
            "passed": rng.random() < 0.7,
            "hired_by_outsourcing_enterprise": rng.random() < 0.5,
        }
        for _ in range(rng.choice([0, 1, 1, 2, 3]))
    ]
    return enterprise
