"""A parent ownership code covers all its descendants (GB/T 12402: 100 → 150 → 151), in every filter."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.registry.models import OwnershipType
from waibao.registry.selectors import EnterpriseFilters, descendant_codes, enterprise_list, ownership_codes_under

pytestmark = pytest.mark.django_db


def test_descendant_codes_walks_every_depth() -> None:
    edges = [("100", None), ("150", "100"), ("151", "150"), ("1511", "151"), ("200", None), ("210", "200")]
    assert descendant_codes("100", edges) == ["100", "150", "151", "1511"]
    assert descendant_codes("151", edges) == ["151", "1511"]
    assert descendant_codes("210", edges) == ["210"]
    assert descendant_codes("999", edges) == ["999"]  # unknown codes match themselves only


def test_grandchild_is_under_its_grandparent(dataset: object) -> None:
    codes = ownership_codes_under("100")
    assert "151" in codes and "150" in codes and "110" in codes and "200" not in codes


def test_registry_filters_include_grandchildren(dataset: object) -> None:
    state_owned = EnterpriseFactory(ownership_type=OwnershipType.objects.get(code="151"))
    foreign = EnterpriseFactory(ownership_type=OwnershipType.objects.get(code="310"))
    filters = EnterpriseFilters.from_query({"ownership": "100"})
    found = set(enterprise_list(filters).values_list("pk", flat=True))
    assert state_owned.pk in found and foreign.pk not in found
    # Built by hand (no resolved codes), the filter still widens to descendants.
    assert state_owned.pk in set(enterprise_list(EnterpriseFilters(ownership="100")).values_list("pk", flat=True))


def test_registry_page_and_api_filter_by_ancestor(office: User, client_for: Callable[[User | None], Client]) -> None:
    state_owned = EnterpriseFactory(ownership_type=OwnershipType.objects.get(code="151"), name_zh="国有独资甲")
    client = client_for(office)
    assert "国有独资甲" in client.get("/registry/enterprises/?ownership=100").content.decode()
    ids = [e["id"] for e in client.get("/api/v1/registry/enterprises?ownership=100").json()["results"]]
    assert state_owned.pk in ids
