"""Fixtures of the policy tests: the default package, the evaluate contract's example, a package copy."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from waibao.policy.engine import BUILTIN_PACKAGES, DEFAULT_PACKAGE, Package, load_package

EXAMPLE_INPUT: dict[str, Any] = {
    "year": 2008,
    "as_of": "2008-12-31",
    "enterprise": {
        "registered_capital_cny": "120000000",
        "offshore_focused": True,
        "actual_tax_paid_cny": "350000",
        "is_headquarters": False,
        "hq_office_area_m2": "0",
        "moved_into_zone": False,
        "tech_dev_expense_cny": "2200000",
        "tech_dev_expense_prev_year_cny": "2000000",
        "software_export_usd": "500000",
        "rd_centre_recognition": "city",
        "brand_recognition": "none",
        "industrialised_patents": 0,
        "platform_investment_cny": "0",
        "approved_training_institution": False,
        "certifications": [{"standard": "CMMI", "level": 3, "year_obtained": 2008, "fee_cny": "400000"}],
        "trainees": [
            {"category": "fresh_graduate", "fee_cny": "6000", "passed": True, "hired_by_outsourcing_enterprise": True}
        ],
    },
}


@pytest.fixture
def package() -> Package:
    return load_package(DEFAULT_PACKAGE)


@pytest.fixture
def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE_INPUT)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the default package folder, to break in tests."""
    target = tmp_path / "city"
    shutil.copytree(BUILTIN_PACKAGES / DEFAULT_PACKAGE, target)
    return target
