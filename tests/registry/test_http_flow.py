"""The registration flow as people drive it over HTTP: register → verify → recognise, in either language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import EnterpriseFactory, valid_credit_code
from waibao.accounts.models import User
from waibao.audit.labels import action_label
from waibao.registry.models import Enterprise, EnterpriseStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_register_verify_recognise(language: str, office: User, client_for: Callable[[User | None], Client]) -> None:
    newcomer = Client(HTTP_ACCEPT_LANGUAGE=language)
    newcomer.post("/i18n/setlang/", {"language": language, "next": "/"})
    code = valid_credit_code()
    response = newcomer.post(
        "/accounts/register/",
        {
            "credit_code": code[:6] + " " + code[6:].lower(),
            "name_zh": "杭州新来软件有限公司",
            "name_en": "Newcomer Software",
            "contact_name": "赵六",
            "contact_email": "zhao@example.com",
            "username": "newcomer",
            "password": "Long-enough-pass-7",
            "password_again": "Long-enough-pass-7",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/registry/my/"
    enterprise = Enterprise.objects.get(credit_code=code)
    my_page = newcomer.get("/registry/my/").content.decode()
    assert "杭州新来软件有限公司" in my_page
    assert ("Registered" if language == "en" else "已注册") in my_page

    # The newcomer completes the profile.
    response = newcomer.post(
        f"/registry/enterprises/{enterprise.pk}/edit/",
        {
            "name_en": "Newcomer Software",
            "registered_capital_cny": "5000000",
            "established_on": "2006-05-01",
            "employees": "40",
            "zone": "",
            "ownership_type": "170",
            "categories": ["ito-software-dev"],
            "contact_name": "赵六",
            "contact_email": "zhao@example.com",
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 40 and enterprise.ownership_type_id == "170"

    staff = client_for(office)
    listing = staff.get("/registry/enterprises/", {"status": "registered", "q": code}).content.decode()
    assert "杭州新来软件有限公司" in listing
    for action, status in [("verify", EnterpriseStatus.VERIFIED), ("recognise", EnterpriseStatus.RECOGNISED)]:
        response = staff.post(f"/registry/enterprises/{enterprise.pk}/action/", {"action": action})
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.status == status
    staff.post("/i18n/setlang/", {"language": language, "next": "/"})  # the office reads in the same language
    history = staff.get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    for action in ("enterprise.registered", "enterprise.updated", "enterprise.verify", "enterprise.recognise"):
        assert action not in history  # shown by its name in the page's language
        with translation.override(language):
            assert action_label(action) in history
    assert ("Recognised" if language == "en" else "已认定") in newcomer.get("/registry/my/").content.decode()


def test_registration_form_shows_errors_not_500(dataset: object) -> None:
    client = Client()
    response = client.post(
        "/accounts/register/",
        {
            "credit_code": "91110000600037341X",
            "name_zh": "",
            "contact_email": "not-an-email",
            "username": "bad user!",
            "password": "a",
            "password_again": "b",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"credit_code", "name_zh", "contact_email", "username", "password_again"}
    assert Enterprise.objects.count() == 0


def test_reject_without_reason_is_refused_with_message(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = EnterpriseFactory()
    client = client_for(office)
    response = client.post(f"/registry/enterprises/{enterprise.pk}/action/", {"action": "reject"}, follow=True)
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REGISTERED
    assert any("reason" in str(m).lower() or "原因" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=99999",
        "per_page=huge",
        "zone=nowhere",
        "sort=drop table",
        "status=%00",
        "q=" + "x" * 500,
        "category=../../etc",
    ],
)
def test_bad_query_strings_never_500(query: str, office: User, client_for: Callable[[User | None], Client]) -> None:
    response = client_for(office).get(f"/registry/enterprises/?{query}")
    assert response.status_code == 200


def test_unknown_filter_value_is_reported(office: User, client_for: Callable[[User | None], Client]) -> None:
    response = client_for(office).get("/registry/enterprises/?zone=nowhere", HTTP_ACCEPT_LANGUAGE="en")
    assert any("nowhere" in str(m) for m in response.context["messages"])


def test_search_filter_and_sort(office: User, client_for: Callable[[User | None], Client]) -> None:
    from waibao.registry.models import ServiceCategory, Zone

    htz = Zone.objects.get(code="htz")
    a = EnterpriseFactory(name_zh="杭州甲公司", zone=htz, registered_capital_cny=5, status="recognised")
    a.categories.set([ServiceCategory.objects.get(code="ito-software-dev")])
    b = EnterpriseFactory(name_zh="杭州乙公司", zone=htz, registered_capital_cny=9, status="recognised")
    EnterpriseFactory(name_zh="杭州丙公司", status="recognised")
    client = client_for(office)

    def names(query: str) -> list[str]:
        return [row.name for row in client.get(f"/registry/enterprises/?{query}").context["rows"]]

    assert names("zone=htz&sort=-capital") == [b.name_zh, a.name_zh]
    assert names("category=ito") == [a.name_zh]  # a top-level category matches its children
    assert names("q=乙") == [b.name_zh]
    assert names(f"q={a.credit_code.lower()}") == [a.name_zh]


def test_list_rows_written_at_once(office: User, client_for: Callable[[User | None], Client]) -> None:
    """The list's rows and filters are written in Python: each name (escaped) links its page, with the status's
    label in the active language, the zone, the categories, the capital to the fen; the chosen filter is marked."""
    from django.urls import reverse

    from waibao.registry.models import ServiceCategory, Zone

    htz = Zone.objects.get(code="htz")
    a = EnterpriseFactory(name_zh="杭州<甲>公司", zone=htz, registered_capital_cny=1234567, status="recognised")
    category = ServiceCategory.objects.get(code="ito-software-dev")
    a.categories.set([category])
    client = client_for(office)
    page = client.get("/registry/enterprises/?zone=htz").content.decode()
    link = reverse("registry:enterprise_detail", args=[a.pk])
    assert f'<td class="name-cell"><a href="{link}">杭州&lt;甲&gt;公司</a></td>' in page
    assert f'<span class="badge recognised">{EnterpriseStatus.RECOGNISED.label}</span>' in page
    assert f'<td class="hide-narrow">{htz.name_zh}</td>' in page
    assert f'<td class="hide-narrow">{category.name_zh}</td>' in page
    assert '<td class="num">1,234,567.00</td>' in page
    assert '<option value="htz" selected>' in page
    english = client.get("/registry/enterprises/?zone=htz", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        assert f'<span class="badge recognised">{EnterpriseStatus.RECOGNISED.label}</span>' in english
    assert (
        "No enterprise matches"
        in client.get("/registry/enterprises/?q=nobody-at-all", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_list_rows_from_plain_values_in_either_language(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    """A row read as plain values: the name in the reader's language (Chinese when the record has no English name),
    escaped as `html.escape` does; the zone's and the categories' names in the same language, the categories in
    the tree's order; employees with the thousands separator; the filter options' names in the same language."""
    from html import escape

    from django.contrib.humanize.templatetags.humanize import intcomma

    from waibao.registry.models import ServiceCategory, Zone

    htz = Zone.objects.get(code="htz")
    named = EnterpriseFactory(
        name_zh="甲 & \"乙\" <'丙'>", name_en="A & \"B\" <'C'>", zone=htz, employees=12345, status="recognised"
    )
    first, second = ServiceCategory.objects.filter(parent__isnull=False).order_by("sort_order", "code")[:2]
    named.categories.set([second, first])
    chinese_only = EnterpriseFactory(name_zh="只有中文名", name_en="", zone=htz, status="recognised")
    client = client_for(office)
    page = client.get("/registry/enterprises/?zone=htz").content.decode()
    assert f">{escape(named.name_zh)}</a></td>" in page and "只有中文名</a></td>" in page
    assert f'<td class="hide-narrow">{first.name_zh}、{second.name_zh}</td>' in page
    with translation.override("zh-hans"):  # employees as `intcomma` writes them, in each language's format
        assert f'<td class="num">{intcomma(12345)}</td>' in page
    english = client.get("/registry/enterprises/?zone=htz", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        assert intcomma(12345) == "12,345" and '<td class="num">12,345</td>' in english
    assert f'<a href="/registry/enterprises/{named.pk}/">{escape(named.name_en)}</a>' in english
    assert f'<a href="/registry/enterprises/{chinese_only.pk}/">只有中文名</a>' in english
    assert f'<td class="hide-narrow">{htz.name_en}</td>' in english
    assert f'<td class="hide-narrow">{first.name_en}、{second.name_en}</td>' in english
    assert f'<option value="{first.code}">— {first.name_en}</option>' in english
    assert f'<option value="htz" selected>{htz.name_en}</option>' in english


def test_list_cells_are_escaped_as_html_escape_does() -> None:
    from html import escape

    from waibao.registry.templatetags.registry_tags import _escape

    for text in ("", "plain 文字", "&<>\"'", "a&amp;b", "<script>alert('x')</script>"):
        assert _escape(text) == escape(text)
