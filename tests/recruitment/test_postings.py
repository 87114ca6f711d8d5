"""Postings: the enterprise drafts, the office reviews, the daily run closes them on their closing date and
reminds the enterprise before; closed postings stay readable; JSON-LD and the Atom feed are well formed."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.recruitment.conftest import TODAY, fields
from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.recruitment import services
from waibao.recruitment.models import Posting, PostingStatus
from waibao.recruitment.selectors import PostingFilters, public_postings
from waibao.recruitment.tasks import recruitment_daily
from waibao.registry.models import ServiceCategory, Zone

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]
P = PostingStatus


def test_the_workflow_from_draft_to_published(
    make_posting: Any, employer: User, office: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    posting = make_posting("submitted")
    assert posting.status == P.SUBMITTED
    with pytest.raises(DomainError) as refused:
        services.posting_transition(acting_user=employer, posting=posting, action="publish")
    assert refused.value.code == "forbidden_transition", "an enterprise cannot publish its own posting"
    with pytest.raises(DomainError) as no_reason:
        services.posting_transition(acting_user=office, posting=posting, action="return")
    assert no_reason.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.posting_transition(acting_user=office, posting=posting, action="return", reason="写明薪资")
    assert returned.status == P.RETURNED and returned.status_reason == "写明薪资"
    assert mail.outbox and "写明薪资" in mail.outbox[-1].body
    edited = services.posting_save(
        acting_user=employer, posting=returned, fields=fields(title="Java 工程师（日语）"), today=TODAY
    )
    assert edited.title == "Java 工程师（日语）"
    services.posting_transition(acting_user=employer, posting=edited, action="submit")
    published = services.posting_transition(acting_user=office, posting=edited, action="publish")
    assert published.status == P.PUBLISHED and published.published_at is not None
    assert published.zone == employer.enterprise.zone, "an empty zone is the enterprise's own"
    with pytest.raises(DomainError) as frozen:
        services.posting_save(acting_user=employer, posting=published, fields=fields(), today=TODAY)
    assert frozen.value.code == "not_editable"
    actions = list(AuditEvent.objects.filter(object_id=str(posting.pk)).values_list("action", flat=True))
    assert {"posting.created", "posting.submit", "posting.return", "posting.publish"} <= set(actions)


def test_another_enterprise_cannot_touch_the_posting(make_posting: Any, other_employer: User) -> None:
    posting = make_posting("draft")
    with pytest.raises(PermissionDeniedError):
        services.posting_save(acting_user=other_employer, posting=posting, fields=fields(), today=TODAY)
    with pytest.raises(PermissionDeniedError):
        services.posting_transition(acting_user=other_employer, posting=posting, action="submit")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"salary_min_cny": Decimal("9000"), "salary_max_cny": Decimal("5000")}, "salary_max_cny"),
        ({"salary_min_cny": Decimal("0")}, "salary_min_cny"),
        ({"closing_date": TODAY}, "closing_date"),
        ({"closing_date": TODAY + datetime.timedelta(days=400)}, "closing_date"),
        ({"languages": ["xx"]}, "languages"),
        ({"openings": 0}, "openings"),
        ({"title": "Java\x00工程师"}, "title"),
    ],
)
def test_bad_postings_are_refused_with_the_field(employer: User, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.posting_save(acting_user=employer, fields=fields(**overrides), today=TODAY)
    assert refused.value.field == field
    assert not Posting.objects.exists(), "nothing half written"


def test_a_top_level_category_is_refused(employer: User) -> None:
    with pytest.raises(DomainError) as refused:
        services.posting_save(
            acting_user=employer, fields=fields(category=ServiceCategory.objects.get(code="ito")), today=TODAY
        )
    assert refused.value.field == "category"


def test_a_suspended_enterprise_cannot_post(employer: User) -> None:
    enterprise = employer.enterprise
    enterprise.status, enterprise.status_reason = "suspended", "违规"
    enterprise.save()
    with pytest.raises(DomainError) as refused:
        services.posting_save(acting_user=employer, fields=fields(), today=TODAY)
    assert refused.value.code == "enterprise_status"


# --- expiry and reminders ---------------------------------------------------------------------------------


def test_the_daily_run_closes_postings_past_their_closing_date(make_posting: Any) -> None:
    closing = TODAY + datetime.timedelta(days=5)
    posting = make_posting("published", closing_date=closing)
    later = make_posting("published", closing_date=closing + datetime.timedelta(days=1))
    draft = make_posting("draft", closing_date=closing)
    assert services.postings_expire(today=closing) == 0, "open until the end of its closing date"
    assert services.postings_expire(today=closing + datetime.timedelta(days=1)) == 1
    posting.refresh_from_db()
    later.refresh_from_db()
    draft.refresh_from_db()
    assert (posting.status, later.status, draft.status) == (P.EXPIRED, P.PUBLISHED, P.DRAFT)
    assert services.postings_expire(today=closing + datetime.timedelta(days=1)) == 0, "idempotent"
    event = AuditEvent.objects.get(action="posting.expired", object_id=str(posting.pk))
    assert event.actor_id is None and event.actor_label == "system"


def test_the_task_and_the_command_run_the_daily_work(make_posting: Any) -> None:
    posting = make_posting("published", closing_date=TODAY + datetime.timedelta(days=2))
    result = recruitment_daily.call((TODAY + datetime.timedelta(days=1)).isoformat())
    assert result == {"expired": 0, "reminded": 1}
    call_command("recruitment", "daily", "--today", (TODAY + datetime.timedelta(days=3)).isoformat(), verbosity=0)
    posting.refresh_from_db()
    assert posting.status == P.EXPIRED


def test_the_reminder_goes_once_in_each_users_language(
    make_posting: Any, employer: User, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import make_user
    from waibao.accounts.models import Role

    colleague = make_user(Role.ENTERPRISE, enterprise=employer.enterprise, email="en@example.com", language="en")
    employer.language = "zh-hans"
    employer.save(update_fields=["language"])
    posting = make_posting("published", closing_date=TODAY + datetime.timedelta(days=10))
    mail.outbox.clear()
    assert services.posting_reminders_send(today=TODAY) == 0, "not yet: more than three days left"
    day = posting.closing_date - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.posting_reminders_send(today=day) == 1
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"hr@example.com", colleague.email}
    assert "截止" in by_address["hr@example.com"].subject
    assert "closes on" in by_address[colleague.email].subject
    assert posting.closing_date.isoformat() in by_address[colleague.email].subject
    mail.outbox.clear()
    assert services.posting_reminders_send(today=day + datetime.timedelta(days=1)) == 0, "one reminder per date"
    assert not mail.outbox


def test_a_closed_posting_stays_readable_and_says_so(make_posting: Any, client_for: ClientFor) -> None:
    posting = make_posting("expired")
    assert posting.status == P.EXPIRED
    page = client_for(None).get(f"/careers/{posting.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="closed-notice"' in text and posting.closing_date.isoformat() in text
    assert "application/ld+json" not in text, "a closed job is not offered to search engines"
    listing = client_for(None).get("/careers/").content.decode()
    assert f"posting-{posting.pk}" not in listing, "closed jobs are left out of the list by default"
    assert f"posting-{posting.pk}" in client_for(None).get("/careers/?closed=on").content.decode()


# --- search -------------------------------------------------------------------------------------------------


def test_search_filters_by_category_zone_language_and_salary(make_posting: Any) -> None:
    java = make_posting("published")  # ito-software-dev, zh+ja, 9,000–15,000, the enterprise's zone (htz)
    calls = make_posting(
        "published",
        title="英语客服",
        category=ServiceCategory.objects.get(code="bpo-business-operation"),
        zone=Zone.objects.get(code="etdz"),
        languages=["en"],
        salary_min_cny=Decimal("5000"),
        salary_max_cny=Decimal("7000"),
    )
    open_salary = make_posting(
        "published", title="项目经理", languages=["zh"], salary_min_cny=None, salary_max_cny=None
    )
    make_posting("draft", title="草稿")

    def found(**kw: Any) -> set[int]:
        return set(public_postings(PostingFilters(**kw)).values_list("pk", flat=True))

    assert found() == {java.pk, calls.pk, open_salary.pk}
    assert found(category="ito") == {java.pk, open_salary.pk}, "a top level takes in its categories"
    assert found(category="bpo-business-operation") == {calls.pk}
    assert found(zone="etdz") == {calls.pk}
    assert found(language="ja") == {java.pk}
    assert found(language="en") == {calls.pk}
    assert found(salary_band="5000-8000") == {calls.pk}
    assert found(salary_band="12000-20000") == {java.pk}
    assert found(salary_band="20000-plus") == set()
    assert found(query="客服") == {calls.pk}


def test_the_list_is_paginated_and_bad_filters_are_ignored(make_posting: Any, client_for: ClientFor) -> None:
    for n in range(23):
        make_posting("published", title=f"职位 {n}")
    client = client_for(None)
    first = client.get("/careers/").content.decode()
    second = client.get("/careers/?page=2").content.decode()
    assert first.count('class="card job-card"') == 20 and second.count('class="card job-card"') == 3
    bad = client.get("/careers/?salary=nonsense&category=%3Cx%3E&page=zzz")
    assert bad.status_code == 200


# --- JSON-LD and feed -----------------------------------------------------------------------------------


def _jsonld(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json" id="jobposting-jsonld">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_a_published_posting_carries_jobposting_jsonld(make_posting: Any, client_for: ClientFor) -> None:
    posting = make_posting("published", title="Java </script><script>alert(1)</script> 工程师")
    html = client_for(None).get(f"/careers/{posting.pk}/").content.decode()
    assert "<script>alert(1)" not in html, "the title cannot close the JSON-LD element"
    data = _jsonld(html)
    assert data["@context"] == "https://schema.org/" and data["@type"] == "JobPosting"
    assert data["title"] == posting.title
    assert data["validThrough"] == f"{posting.closing_date.isoformat()}T23:59:59+08:00"
    # The day it was published in the city's time (after 16:00 UTC that is already the next day).
    assert data["datePosted"] == timezone.localdate(posting.published_at).isoformat()
    organisation = data["hiringOrganization"]
    assert organisation["@type"] == "Organization" and organisation["name"] == posting.enterprise.name_zh
    address = data["jobLocation"]["address"]
    assert address["addressCountry"] == "CN" and address["streetAddress"] == "文三路 90 号"
    salary = data["baseSalary"]
    assert salary["currency"] == "CNY"
    assert salary["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "MONTH",
        "minValue": 9000.0,
        "maxValue": 15000.0,
    }
    assert data["url"].endswith(f"/careers/{posting.pk}/")


def test_no_salary_no_base_salary(make_posting: Any, client_for: ClientFor) -> None:
    posting = make_posting("published", salary_min_cny=None, salary_max_cny=None)
    data = _jsonld(client_for(None).get(f"/careers/{posting.pk}/").content.decode())
    assert "baseSalary" not in data


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_is_atom_with_the_published_postings(make_posting: Any, client_for: ClientFor) -> None:
    published = make_posting("published")
    draft = make_posting("draft", title="草稿职位")
    response = client_for(None).get("/careers/feed/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "atom" in response["Content-Type"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, parsed to check its shape
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    assert link.endswith(f"/careers/{published.pk}/")  # type: ignore[union-attr]
    assert published.title in entries[0].findtext(f"{ATOM}title", "")
    assert draft.title.encode() not in response.content
    page = client_for(None).get("/careers/").content.decode()
    assert 'type="application/atom+xml"' in page, "the list announces its feed"


def test_the_public_board_is_served_from_the_cache_and_follows_every_change_at_once(
    make_posting: Any, employer: User, office: User
) -> None:
    """Anonymous readers get the board from the public cache; publishing, closing and expiring change it at once."""
    first = make_posting("published", title="日语测试工程师")
    reader = Client()
    assert "日语测试工程师" in reader.get("/careers/").content.decode()
    second = make_posting("published", title="数据标注主管")
    board = reader.get("/careers/").content.decode()
    assert "日语测试工程师" in board and "数据标注主管" in board
    services.posting_transition(acting_user=office, posting=first, action="close", reason="已招满")
    board = reader.get("/careers/").content.decode()
    assert "日语测试工程师" not in board and "数据标注主管" in board
    services.postings_expire(today=second.closing_date + datetime.timedelta(days=1))
    assert "数据标注主管" not in reader.get("/careers/").content.decode()
    closed = reader.get("/careers/?closed=on").content.decode()
    assert "日语测试工程师" in closed and "数据标注主管" in closed


def test_the_board_cards_show_each_posting_as_the_card_did(
    make_posting: Any, client_for: ClientFor, seeker: User
) -> None:
    """A card (written by `posting_cards` from the card's columns only): the title linked and escaped, the
    enterprise, zone, category, salary, languages and closing date; closed and applied marked."""
    posting = make_posting("published", title="<b>Java</b> 工程师")
    closed = make_posting("expired", title="已截止职位")
    services.candidacy_create(acting_user=seeker, posting=posting, today=TODAY)
    page = client_for(seeker).get("/careers/?closed=on").content.decode()
    card = page[page.index(f'id="posting-{posting.pk}"') :].split("</article>")[0]
    assert f'<a href="/careers/{posting.pk}/">&lt;b&gt;Java&lt;/b&gt; 工程师</a>' in card
    assert posting.enterprise.name_zh in card and posting.category.name_zh in card
    assert "9,000" in card and "15,000" in card and posting.closing_date.isoformat() in card
    heading = card.split("</h2>")[0]
    assert 'class="badge recognised"' in heading and 'class="badge"' not in heading  # applied, open
    closed_heading = page[page.index(f'id="posting-{closed.pk}"') :].split("</h2>")[0]
    assert 'class="badge"' in closed_heading and "recognised" not in closed_heading  # closed, not applied


def test_the_search_fields_are_written_as_the_template_wrote_them(db: None, dataset: Any) -> None:
    """`search_fields` writes the job search's fields as the template it replaces did, unfiltered, filtered and
    with an error."""
    from django.template import Context, Template

    from waibao.recruitment.forms import SearchForm
    from waibao.recruitment.templatetags.recruitment_tags import search_fields

    template = Template(
        '{% for field in form %}<div>{% if field.field.widget.input_type == "checkbox" %}<label>{{ field }} '
        '{{ field.label }}</label>{% else %}<label for="{{ field.id_for_label }}">{{ field.label }}</label>'
        "{{ field }}{% endif %}{{ field.errors }}</div>{% endfor %}"
    )
    for data in (None, {"q": 'a "b" <c>', "zone": "etdz", "language": "en", "closed": "on"}, {"salary": "zzz"}):
        form = SearchForm(data)
        assert str(search_fields(form)) == template.render(Context({"form": form}))


def test_a_signed_in_readers_board_shows_names_in_their_language_and_zones_as_the_registry_has_them(
    make_posting: Any, client_for: ClientFor, employer: User, office: User
) -> None:
    """The cards' enterprise, zone and category in the reader's language (read as plain values); the search's
    zones and categories from the public cache, so a zone renamed through the registry's service is offered at
    once to a signed-in reader (whose board is not the cached public page)."""
    from waibao.registry.services import zone_save

    zone = Zone.objects.get(code="htz")
    posting = make_posting("published", zone=zone)
    client = client_for(employer)
    english = client.get("/careers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = english[english.index(f'id="posting-{posting.pk}"') :].split("</article>")[0]
    assert f"· {zone.name_en}</div>" in card and posting.category.name_en in card
    assert "9,000 to 15,000 CNY a month" in card
    chinese = client.get("/careers/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<option value="htz">{zone.name_zh}</option>' in chinese
    zone_save(acting_user=office, zone=zone, fields={"name_zh": "改名后的园区"})
    chinese = client.get("/careers/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="htz">改名后的园区</option>' in chinese
    card = chinese[chinese.index(f'id="posting-{posting.pk}"') :].split("</article>")[0]
    assert "· 改名后的园区</div>" in card


def test_a_signed_in_readers_board_comes_from_the_cache_and_follows_every_change_at_once(
    make_posting: Any, employer: User, office: User, client_for: ClientFor
) -> None:
    """A signed-in reader's page of cards and its count (`selectors.board_page`) are kept in the public cache with
    the board's versions: a second visit reads no posting, and publishing, closing and expiring change every page
    at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    postings = [make_posting("published", title=f"职位 {n}") for n in range(21)]
    client = client_for(employer)

    def board(query: str = "") -> str:
        return client.get(f"/careers/{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    first = board()
    assert first.count('class="card job-card"') == 20 and ">21 jobs<" in first
    cards = first[first.index('<div id="postings">') :].split("</main>")[0]
    with CaptureQueriesContext(connection) as queries:
        again = board()
    assert again[again.index('<div id="postings">') :].split("</main>")[0] == cards
    assert not [q for q in queries.captured_queries if "recruitment_posting" in q["sql"]]
    second = board("?page=2")
    assert second.count('class="card job-card"') == 1 and "职位 0<" in second  # the oldest, last
    services.posting_transition(acting_user=office, posting=postings[0], action="close", reason="已招满")
    assert "职位 0<" not in board("?page=2") and ">20 jobs<" in board()
    latest = make_posting("published", title="数据标注主管")
    assert "数据标注主管" in board() and ">21 jobs<" in board()
    services.postings_expire(today=latest.closing_date + datetime.timedelta(days=1))
    assert ">0 jobs<" in board() and "数据标注主管" not in board()
    assert "数据标注主管" in board("?closed=on")
