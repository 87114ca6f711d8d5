"""The public policy page: articles, rules, parameter values now and before, both languages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.policy.urls")]


def policy_url() -> str:
    url = reverse("policy:index")
    assert url == "/policy/"
    return url


def test_policy_page_shows_articles_rules_and_values(client: Client) -> None:
    response = client.get(policy_url(), {"as_of": "2008-06-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "HZ-13b",
        "HZ-17b-hire",
        "认证奖励最高金额",
        "最高不超过50万元",
        "500,000.00",
    ):
        assert text in page, text
    # In Chinese, no parameter code and no English title beside the Chinese one.
    visible = re.sub(r"<[^>]+>", " ", page)  # codes may stay in anchors (#param-…), not in the text
    assert "hz13_reward_cap_cny" not in visible and "Certification reward" not in visible


def test_policy_page_values_now_and_before(client: Client) -> None:
    page = client.get(policy_url(), {"as_of": "2011-06-01"}).content.decode()
    assert "2011-01-01" in page and "100,000,000.00" in page


def test_policy_page_refuses_a_bad_date(client: Client) -> None:
    response = client.get(policy_url(), {"as_of": "someday"})
    assert response.status_code == 400
