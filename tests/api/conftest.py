"""Fixtures for the API tests."""

from tests.opendata.conftest import recorder  # noqa: F401  (fixture)
from tests.statistics.conftest import rates  # noqa: F401  (fixture)
