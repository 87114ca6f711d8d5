"""Search finds Chinese words and phrases in pages and in the policy library, on SQLite and on PostgreSQL (the
suite runs on both): the site's own character n-gram index, since neither database cuts Chinese into words."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.website.helpers import news, notice
from waibao.website import search
from waibao.website.models import SiteHomePage
from waibao.website.services import rebuild_index

pytestmark = pytest.mark.django_db


def found(query: str, client: Client | None = None) -> str:
    response = (client or Client()).get("/site/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode().split('role="status"')[-1]


@pytest.fixture
def pages(site: SiteHomePage) -> None:
    news("杭州举办服务外包人才招聘会", "job-fair", body="<p>八十家企业提供软件开发岗位。</p>", title_en="Job fair held")
    news("离岸外包合同执行额增长", "growth", intro="今年前三季度离岸执行额同比增长。")
    notice(
        "关于申报专项资金的通知",
        "fund-notice",
        body="<p>申报截止日期为十一月三十日。</p>",
        title_en="Applying to the fund",
    )


def test_chinese_words_in_titles_and_text(pages: None) -> None:
    assert "杭州举办服务外包人才招聘会" in found("招聘会")
    assert "杭州举办服务外包人才招聘会" in found("软件开发")  # in the text only
    assert "离岸外包合同执行额增长" in found("执行额")
    assert "关于申报专项资金的通知" in found("专项资金")


def test_a_phrase_matches_only_as_written(pages: None) -> None:
    # 外包 and 招聘 both occur in the job-fair title, but not as 外包招聘.
    assert "招聘会" not in found("外包招聘")
    # A single character matches the pages that hold it.
    assert "离岸外包合同执行额增长" in found("岸")


def test_several_words_all_must_match(pages: None) -> None:
    assert "杭州举办服务外包人才招聘会" in found("杭州 岗位")
    assert "杭州举办服务外包人才招聘会" not in found("杭州 截止")


def test_english_words_and_full_width_input(pages: None) -> None:
    assert "杭州举办服务外包人才招聘会" in found("job FAIR")
    assert "关于申报专项资金的通知" in found("Fund")
    assert "关于申报专项资金的通知" in found("专项资金\u3000")  # an ideographic space is a space


def test_the_policy_library_is_searched(site: SiteHomePage) -> None:
    html = found("人才培训")
    assert "/site/library/HZ-17/" in html
    assert "/site/library/" in found("示范区")


def test_nothing_and_unpublished(pages: None) -> None:
    from waibao.website.models import NewsPage

    assert "0" in found("量子计算")
    NewsPage.objects.get(slug="growth").unpublish()
    assert "离岸外包合同执行额增长" not in found("执行额")


def test_a_rebuilt_index_finds_the_same(pages: None) -> None:
    before = [e.key for e in search.search("外包")]
    rebuild_index()  # also indexes the policy library
    after = [e.key for e in search.search("外包") if e.key.startswith("page:")]
    assert sorted(before) == sorted(after) and len(after) >= 2


def test_an_overlong_or_empty_query(site: SiteHomePage) -> None:
    assert Client().get("/site/search/", {"q": "长" * 500}).status_code == 400
    assert Client().get("/site/search/", {"q": ""}).status_code == 200
    assert search.search("   ") == []


def test_grams() -> None:
    assert search.query_grams("服务外包") == {"服务", "务外", "外包"}
    assert {"服", "务", "服务"} <= search.grams("服务")
    assert search.query_grams("Ｊｏｂ Fair") == {"job", "fair"}
