"""The main menu: which links each role sees, grouped into a few drop-down menus (one place, tested per role).

A group with no link for the role is left out. The signed-in landing page and the notifications stay outside the
groups, one click away. The URLs are named, never imported from the areas, so the portal depends on nothing here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import STAFF_ROLES, Role

OFFICE = Role.PROGRAMME_OFFICE
REVIEWER = Role.DEPARTMENT_REVIEWER
FINANCE = Role.FINANCE_OFFICER
ENTERPRISE = Role.ENTERPRISE
TRAINING = Role.TRAINING_INSTITUTION
LEADER = Role.CITY_LEADER
JOB_SEEKER = Role.JOB_SEEKER


@dataclass(frozen=True)
class MenuLink:
    label: str | Promise
    url: str
    current: bool = False


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str | Promise
    links: tuple[MenuLink, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


@dataclass(frozen=True)
class Menu:
    home: MenuLink
    groups: tuple[MenuGroup, ...]
    notifications: MenuLink | None

    def links(self) -> list[MenuLink]:
        """Every link of the menu, in order."""
        found = [self.home, *(link for group in self.groups for link in group.links)]
        return [*found, self.notifications] if self.notifications else found


def _awards(role: str | None) -> list[tuple[str | Promise, str]]:
    links: list[tuple[str | Promise, str]] = [(_("Policy"), reverse("policy:index"))]
    if role in (None, ENTERPRISE):  # the public is asked to sign in; other roles would be refused the page
        links.append((_("What am I entitled to?"), reverse("policy:entitlements")))
    if role in STAFF_ROLES:
        links.append((_("Applications"), reverse("applications:queue")))
    elif role in (ENTERPRISE, TRAINING):  # the applicants; the city leader reads the figures in the cockpit
        links.append((_("Applications"), reverse("applications:mine")))
    links.append((_("Public notice"), reverse("applications:notice")))
    if role in (OFFICE, FINANCE):
        links.append((_("Fund"), reverse("ledger:overview")))
    return links


def _industry(role: str | None) -> list[tuple[str | Promise, str]]:
    links: list[tuple[str | Promise, str]] = []
    if role in STAFF_ROLES:
        links.append((_("Enterprises"), reverse("registry:enterprises")))
        links.append((_("Statistics"), reverse("statistics:dashboard")))
    elif role == ENTERPRISE:
        links.append((_("My enterprise"), reverse("registry:my_enterprise")))
        links.append((_("Statistics"), reverse("statistics:my_records")))
    else:
        links.append((_("Figures"), reverse("statistics:public")))
    links.append((_("Top ten"), reverse("topten:index")))
    if role in (OFFICE, REVIEWER):
        links.append((_("Investment promotion"), reverse("promotion:board")))
    elif role == LEADER:
        links.append((_("Foreign-investment assessment"), reverse("promotion:figures")))
    return links


def _services(role: str | None) -> list[tuple[str | Promise, str]]:
    links: list[tuple[str | Promise, str]] = []
    if role in (OFFICE, REVIEWER, TRAINING):
        links.append((_("Training"), reverse("talent:programmes")))
    elif role == LEADER:
        links.append((_("Training"), reverse("talent:plan")))
    links += [(_("Jobs"), reverse("recruitment:postings")), (_("Cases"), reverse("casework:home"))]
    return links


def _governance(role: str | None) -> list[tuple[str | Promise, str]]:
    links: list[tuple[str | Promise, str]] = []
    if role in STAFF_ROLES:
        links.append((_("Duties"), reverse("governance:duties")))
    elif role == LEADER:
        links.append((_("Cockpit"), reverse("governance:cockpit")))
    if role == OFFICE:
        links.append((_("Accounts"), reverse("accounts:users")))
    return links


def _public(role: str | None) -> list[tuple[str | Promise, str]]:
    return [
        (_("Website"), "/site/"),
        (_("Open data"), reverse("opendata:catalogue")),
        (_("Zones"), reverse("portal:zones")),
        (_("Departments and duties"), reverse("portal:departments")),
    ]


GROUPS = (
    ("awards", _("Awards & funds"), _awards),
    ("industry", _("Industry"), _industry),
    ("services", _("Services"), _services),
    ("governance", _("Governance"), _governance),
    ("public", _("Public information"), _public),
)


def _current_url(urls: list[str], path: str) -> str | None:
    """The link the page at `path` belongs to: the longest link that is the path or a folder above it."""
    matching = [url for url in urls if path == url or (url != "/" and url.endswith("/") and path.startswith(url))]
    return max(matching, key=len) if matching else None


@functools.lru_cache(maxsize=256)
def _menu_urls(role: str | None, signed_in: bool, prefix: str, language: str | None) -> tuple[str, ...]:
    menu = main_menu(role, signed_in=signed_in)
    urls = [menu.home.url, *(link.url for group in menu.groups for link in group.links)]
    return tuple([*urls, menu.notifications.url] if menu.notifications else urls)


def current_link(role: str | None, *, signed_in: bool, path: str) -> str | None:
    """The menu link the page at `path` belongs to, from the role's links (reversed once per process)."""
    return _current_url(list(_menu_urls(role, signed_in, get_script_prefix(), get_language())), path)


def main_menu(role: str | None, *, signed_in: bool, path: str = "") -> Menu:
    """The menu of a person with `role` (None: the public, or a signed-in account without a role)."""
    if signed_in and role:
        home_label, home_url = _("My work"), reverse("portal:work")
    else:
        home_label, home_url = _("Home"), reverse("portal:home")
    grouped = [(key, label, links_for(role)) for key, label, links_for in GROUPS]
    notifications_url = reverse("applications:notifications") if signed_in else None
    urls = [home_url, *(url for _key, _label, links in grouped for _text, url in links)]
    current = _current_url([*urls, notifications_url] if notifications_url else urls, path)
    groups = tuple(
        MenuGroup(key, label, tuple(MenuLink(text, url, current=url == current) for text, url in links))
        for key, label, links in grouped
        if links
    )
    return Menu(
        home=MenuLink(home_label, home_url, current=home_url == current),
        groups=groups,
        notifications=MenuLink(_("Notifications"), notifications_url, current=notifications_url == current)
        if notifications_url
        else None,
    )
