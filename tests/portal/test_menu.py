"""The grouped main menu: every role still reaches what the flat menu gave it, every link it shows answers 200 for
that role, the groups read in both languages, and the markup works without a script (native <details>)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EnterpriseFactory, make_user
from tests.recruitment.conftest import register_seeker
from waibao.accounts.models import Role, User
from waibao.portal.menu import main_menu

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User | None], Client]
ROLES: list[str | None] = [None, *Role.values]

# What the flat menu (before the grouping) linked for each role, by URL name: none of it may be lost. (The flat
# menu also gave "What am I entitled to?" to the training institution and the city leader, and "Applications" to
# the city leader: those pages refuse them.)
FLAT_MENU = {
    None: ["portal:home", "statistics:public", "policy:entitlements", "applications:notice"],
    Role.PROGRAMME_OFFICE: [
        "portal:work", "registry:enterprises", "applications:queue", "statistics:dashboard", "ledger:overview",
        "talent:programmes", "accounts:users", "governance:duties", "promotion:board",
    ],
    Role.DEPARTMENT_REVIEWER: [
        "portal:work", "registry:enterprises", "applications:queue", "statistics:dashboard", "talent:programmes",
        "governance:duties", "promotion:board",
    ],
    Role.FINANCE_OFFICER: [
        "portal:work", "registry:enterprises", "applications:queue", "statistics:dashboard", "ledger:overview",
        "governance:duties",
    ],
    Role.ENTERPRISE: [
        "portal:work", "registry:my_enterprise", "applications:mine", "statistics:my_records",
        "policy:entitlements", "applications:notice",
    ],
    Role.TRAINING_INSTITUTION: [
        "portal:work", "applications:mine", "statistics:public", "talent:programmes", "applications:notice",
    ],
    Role.CITY_LEADER: [
        "portal:work", "statistics:public", "talent:plan", "applications:notice", "governance:cockpit",
        "promotion:figures",
    ],
    Role.JOB_SEEKER: ["portal:work", "statistics:public", "applications:notice"],
}  # fmt: skip
EVERYONE = ["recruitment:postings", "policy:index", "topten:index", "casework:home"]
SIGNED_IN = ["applications:notifications"]
# The public's links that ask it to sign in first (the page is an enterprise's own).
SIGN_IN_FIRST = {"policy:entitlements"}


class _MenuLinks(HTMLParser):
    """The hrefs inside <nav id="main-nav">, the group headings (<summary>) and whether they sit in <details>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.summaries: list[str] = []
        self.details = 0
        self._in_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav" and values.get("id") == "main-nav":
            self.depth = 1
        elif self.depth:
            self.depth += tag != "nav"
            if tag == "a" and values.get("href"):
                self.links.append(values["href"] or "")
            self.details += tag == "details"
            self._in_summary = tag == "summary"

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary":
            self._in_summary = False
        if self.depth and tag == "nav":
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self._in_summary and data.strip():
            self.summaries.append(data.strip())


def _user(role: str | None, dataset: Path) -> User | None:
    if role is None:
        return None
    if role == Role.JOB_SEEKER:
        return register_seeker()
    if role == Role.ENTERPRISE:
        return make_user(role, enterprise=EnterpriseFactory(status="recognised"))
    return make_user(role)


def _menu(client: Client, language: str) -> _MenuLinks:
    client.cookies["django_language"] = language
    response = client.get("/policy/")
    assert response.status_code == 200
    parser = _MenuLinks()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("role", ROLES)
def test_each_role_keeps_every_link_the_flat_menu_gave_it(role: str | None) -> None:
    menu = main_menu(role, signed_in=role is not None)
    urls = {link.url for link in menu.links()}
    expected = FLAT_MENU[role] + EVERYONE + (SIGNED_IN if role else [])
    missing = [name for name in expected if reverse(name) not in urls]
    assert not missing, missing
    assert len(menu.groups) <= 5 and all(group.links for group in menu.groups)
    if role not in (None, Role.ENTERPRISE):
        assert reverse("policy:entitlements") not in urls  # "what am I entitled to" is the enterprise's question


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_answers_200_for_its_role(
    dataset: Path, client_for: ClientFor, role: str | None, language: str
) -> None:
    from waibao.website.services import ensure_site

    ensure_site()
    client = client_for(_user(role, dataset))
    menu = _menu(client, language)
    expected = [link.url for link in main_menu(role, signed_in=role is not None).links()]
    assert menu.links == expected  # the page shows the menu built for this role, in order
    refused = {}
    for url in menu.links:
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        asks_to_sign_in = final.startswith(reverse("accounts:login"))
        if asks_to_sign_in and role is None and url in {reverse(name) for name in SIGN_IN_FIRST}:
            asks_to_sign_in = False
        if response.status_code != 200 or asks_to_sign_in:
            refused[url] = (response.status_code, final)
    assert not refused, refused


@pytest.mark.parametrize(
    ("language", "groups"),
    [
        ("zh-hans", ["奖励与资金", "产业发展", "服务", "统筹督办", "信息公开"]),
        ("en", ["Awards & funds", "Industry", "Services", "Governance", "Public information"]),
    ],
)
def test_the_office_menu_groups_read_in_the_pages_language(
    office: User, client_for: ClientFor, language: str, groups: list[str]
) -> None:
    menu = _menu(client_for(office), language)
    assert menu.summaries == groups
    assert menu.details == len(groups)  # each group is a native disclosure: usable without any script


def test_the_public_sees_no_staff_group_and_no_notifications(dataset: Path) -> None:
    menu = _menu(Client(), "en")
    assert reverse("policy:entitlements") in menu.links  # it asks the enterprise to sign in
    assert "Governance" not in menu.summaries
    assert reverse("applications:notifications") not in menu.links
    assert reverse("registry:enterprises") not in menu.links and reverse("ledger:overview") not in menu.links


def test_the_link_of_the_current_page_is_marked(enterprise_user: User, client_for: ClientFor) -> None:
    body = client_for(enterprise_user).get("/policy/entitlements/", follow=True).content.decode()
    assert 'href="/policy/entitlements/" aria-current="page"' in body
    assert 'href="/policy/" aria-current="page"' not in body  # only the closest link, not its parent folder
    assert '<summary class="current">' in body


def test_the_phone_menu_button_names_what_it_opens(dataset: Path) -> None:
    for language, text in (("zh-hans", "菜单"), ("en", "Menu")):
        client = Client()
        client.cookies["django_language"] = language
        body = client.get("/").content.decode()
        assert f'aria-expanded="false" aria-controls="main-nav">{text}</button>' in body
        assert 'id="main-nav"' in body
