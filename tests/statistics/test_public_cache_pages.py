"""Public figures and the headline API come from the cache, and show an approval once it commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from waibao.accounts.models import User
from waibao.statistics.models import Contract


def test_figures_and_headline_show_an_approval_after_it_commits(
    approved_contract: Callable[..., Contract],
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from waibao.statistics.conf import parameters

    params = parameters()  # one enterprise's figures: publish them here, this test is about the cache
    params.disclosure_min_enterprises, params.disclosure_dominance_pct = 1, 100
    params.save()
    approved_contract(contract_no="HT-1", amount="100000.00")
    public = client_for(None)
    assert public.get("/api/v1/statistics/headline").json()["total"]["contract_amount_usd"] == "100000.00"
    assert "100,000" in public.get("/statistics/figures/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approved_contract(contract_no="HT-2", amount="50000.00")
    assert public.get("/api/v1/statistics/headline").json()["total"]["contract_amount_usd"] == "150000.00"
    assert "150,000" in public.get("/statistics/figures/").content.decode()


def test_figures_are_cached_per_language(
    approved_contract: Callable[..., Contract], client_for: Callable[[User | None], Client]
) -> None:
    approved_contract()
    english = client_for(None).get("/statistics/figures/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client_for(None).get("/statistics/figures/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Executed amount by zone" in english
    assert "Executed amount by zone" not in chinese
