"""The office edits the website through Wagtail's admin over HTTP, as a person would: draft → submitted for
review → approved → published; zone staff edit and submit but do not publish; scheduled publication and expiry
by the worker's task; revision history and rollback; who reaches /cms/ at all (second factor included)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text

from tests.factories import make_user
from tests.website.conftest import section
from waibao.accounts.models import Role, User
from waibao.website.models import EventPage, NewsPage, SectionKind, SiteHomePage
from waibao.website.tasks import publish_scheduled_pages

pytestmark = pytest.mark.django_db


def page_form(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "",
        "slug": "",
        "title_en": "",
        "intro": "",
        "intro_en": "",
        "body": rich_text(""),
        "body_en": rich_text(""),
        "image": "",
        "image_alt": "",
        "image_alt_en": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
    }
    data.update(fields)
    for key in ("body", "body_en"):
        if isinstance(data[key], str) and not data[key].startswith("{"):
            data[key] = rich_text(data[key])
    return nested_form_data(data)


def add_page(client: Client, model: str, parent: Page, **fields: Any) -> Any:
    url = reverse("wagtailadmin_pages:add", args=["website", model, parent.pk])
    return client.post(url, page_form(**fields))


def approve(client: Client, page: Page) -> Any:
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk), status="in_progress")
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    return client.post(url, {"comment": "同意发布"})


def test_office_creates_submits_and_another_office_approves_news(
    site: SiteHomePage, office: User, office2: User, client_for: Any
) -> None:
    author, reviewer = client_for(office), client_for(office2)
    assert author.get("/cms/").status_code == 200
    response = add_page(
        author,
        "newspage",
        section(SectionKind.NEWS),
        title="服务外包企业座谈会召开",
        title_en="Round table of outsourcing enterprises",
        slug="round-table",
        intro="座谈会听取企业意见。",
        intro_en="The round table heard the enterprises.",
        body="<p>座谈会在市商务局召开。</p>",
        body_en="<p>The round table met at the Commerce Bureau.</p>",
        **{"action-submit": "submit"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = NewsPage.objects.get(slug="round-table")
    assert not page.live  # submitted, not published
    assert WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()
    anonymous = Client()
    assert anonymous.get("/site/news/round-table/").status_code == 404
    # The reviewer approves: the last task of the workflow publishes.
    response = approve(reviewer, page)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.live
    public = anonymous.get("/site/news/round-table/")
    assert public.status_code == 200
    assert "服务外包企业座谈会召开" in public.content.decode()
    # On the platform's home page and in the news feed.
    assert "服务外包企业座谈会召开" in anonymous.get("/").content.decode()
    assert "round-table" in anonymous.get("/site/feeds/news.rss").content.decode()


def test_office_creates_an_event_with_registration_through_the_admin(
    site: SiteHomePage, office: User, office2: User, client_for: Any
) -> None:
    author = client_for(office)
    start = timezone.localtime() + timedelta(days=10)
    response = add_page(
        author,
        "eventpage",
        section(SectionKind.EVENTS),
        title="服务外包招聘对接会",
        title_en="Outsourcing recruitment fair",
        slug="recruitment-fair",
        kind="exhibition",
        starts_at=start.strftime("%Y-%m-%d %H:%M"),
        ends_at=(start + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M"),
        location="杭州国际博览中心",
        location_en="Hangzhou Expo Center",
        registration_open="on",
        registration_closes_at="",
        capacity="2",
        **{"action-submit": "submit"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="recruitment-fair")
    assert approve(client_for(office2), event).status_code in (200, 302)
    event.refresh_from_db()
    assert event.live and event.capacity == 2
    page = Client().get(event.url)
    assert page.status_code == 200
    assert 'name="organisation"' in page.content.decode()


def test_an_event_ending_before_it_starts_is_refused_with_a_form_error(
    site: SiteHomePage, office: User, client_for: Any
) -> None:
    start = timezone.localtime() + timedelta(days=10)
    response = add_page(
        client_for(office),
        "eventpage",
        section(SectionKind.EVENTS),
        title="错误的活动",
        slug="bad-event",
        kind="forum",
        starts_at=start.strftime("%Y-%m-%d %H:%M"),
        ends_at=(start - timedelta(hours=4)).strftime("%Y-%m-%d %H:%M"),
        location="某地",
        capacity="10",
        **{"action-submit": "submit"},
    )
    assert response.status_code == 200  # the form again, with its error; nothing saved
    assert not EventPage.objects.filter(slug="bad-event").exists()


def test_zone_staff_edit_and_submit_but_cannot_publish(
    site: SiteHomePage, zone_editor: User, office: User, client_for: Any
) -> None:
    editor = client_for(zone_editor)
    response = add_page(
        editor,
        "newspage",
        section(SectionKind.NEWS),
        title="园区动态",
        slug="zone-news",
        **{"action-publish": "publish"},
    )
    page = NewsPage.objects.get(slug="zone-news")
    assert response.status_code == 302
    assert not page.live  # publishing is the office's
    response = add_page(
        editor,
        "newspage",
        section(SectionKind.NEWS),
        title="园区动态二",
        slug="zone-news-2",
        **{"action-submit": "submit"},
    )
    page2 = NewsPage.objects.get(slug="zone-news-2")
    assert WorkflowState.objects.filter(object_id=str(page2.pk), status="in_progress").exists()
    # The zone editor cannot approve; the office can.
    approve(editor, page2)
    page2.refresh_from_db()
    assert not page2.live
    approve(client_for(office), page2)
    page2.refresh_from_db()
    assert page2.live


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.FINANCE_OFFICER, Role.TRAINING_INSTITUTION, Role.CITY_LEADER])
def test_other_roles_do_not_reach_the_cms(site: SiteHomePage, role: str, client_for: Any) -> None:
    user = make_user(role)
    response = client_for(user).get("/cms/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/cms/" not in response["Location"].split("?")[0]


def test_anonymous_is_sent_to_the_platforms_sign_in(site: SiteHomePage) -> None:
    response = Client().get("/cms/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_office_needs_its_second_factor_for_the_cms(site: SiteHomePage, office: User) -> None:
    client = Client()
    client.force_login(office, backend="waibao.accounts.backends.ModelBackend")
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def _published_news(site: SiteHomePage, office: User, **fields: Any) -> NewsPage:
    from waibao.website.services import sync_editor

    sync_editor(office)  # the office moderates (as at each sign-in)
    page = NewsPage(title="原标题", title_en="Original title", slug="history", **fields)
    section(SectionKind.NEWS).add_child(instance=page)
    page.save_revision(user=office).publish(user=office)
    return page


def test_revision_history_and_rollback(site: SiteHomePage, office: User, client_for: Any) -> None:
    page = _published_news(site, office)
    first = page.latest_revision
    page.title = "改过的标题"
    page.save_revision(user=office).publish(user=office)
    assert "改过的标题" in Client().get(page.url).content.decode()
    client = client_for(office)
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert history.status_code == 200
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first.pk]))
    assert revert.status_code == 200 and "原标题" in revert.content.decode()
    # Rolling back: the earlier revision's content saved as the newest revision and published.
    response = add_or_edit(
        client,
        page,
        title="原标题",
        title_en="Original title",
        slug="history",
        **{"action-publish": "publish", "revision": str(first.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.title == "原标题" and page.live
    assert page.revisions.count() == 3
    assert "原标题" in Client().get(page.url).content.decode()


def add_or_edit(client: Client, page: Page, **fields: Any) -> Any:
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), page_form(**fields))


def test_scheduled_publication_and_expiry_run_by_the_workers_task(site: SiteHomePage, office: User) -> None:
    from waibao.website.services import sync_editor

    sync_editor(office)
    page = NewsPage(title="定时发布的新闻", slug="scheduled", live=False)
    section(SectionKind.NEWS).add_child(instance=page)
    soon = timezone.now() + timedelta(hours=1)
    page.go_live_at = soon
    page.save_revision(user=office).publish(user=office)  # approved for publication at `soon`
    page.refresh_from_db()
    assert not page.live and page.latest_revision.approved_go_live_at == soon
    publish_scheduled_pages.enqueue()
    page.refresh_from_db()
    assert not page.live  # not yet due
    from wagtail.models import Revision

    # The time comes (moved back rather than waited for).
    past = timezone.now() - timedelta(minutes=1)
    for revision in Revision.objects.filter(object_id=str(page.pk), approved_go_live_at__isnull=False):
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
    publish_scheduled_pages.enqueue()
    page.refresh_from_db()
    assert page.live
    assert Client().get("/site/news/scheduled/").status_code == 200
    # Expiry: unpublished when its time has passed, and gone from search.
    NewsPage.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    publish_scheduled_pages.enqueue()
    page.refresh_from_db()
    assert not page.live and page.expired
    assert Client().get("/site/news/scheduled/").status_code == 404
    assert "/site/news/scheduled/" not in Client().get("/site/search/", {"q": "定时发布"}).content.decode()


def test_the_schedule_queues_one_run_on_a_deferring_backend(site: SiteHomePage, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from waibao.website.tasks import TASK_PATH, queue_next

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert queue_next()
    assert queue_next()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
