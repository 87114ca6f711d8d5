"""Notifications at each step where someone must act: a message in the platform and an email on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from waibao.accounts.models import Role, User
from waibao.applications.models import Application, Notification, RuleRouting
from waibao.common.mail import absolute_url, send_on_commit
from waibao.common.plain_sql import RowQuery

# What a notification needs of its recipient (the row, the language of its text, the e-mail address).
RECIPIENT_FIELDS = ("id", "email", "language")


# Read at nearly every step, so their SQL is built once (common.plain_sql.RowQuery).
_ENTERPRISE_USERS = RowQuery(User, where=("is_active", "role", "enterprise"), only=RECIPIENT_FIELDS)
_INSTITUTION_USERS = RowQuery(User, where=("is_active", "role", "training_institution"), only=RECIPIENT_FIELDS)
_ROLE_USERS = RowQuery(User, where=("is_active", "role"), only=RECIPIENT_FIELDS)


def applicant_users(application: Application) -> list[User]:
    if application.enterprise_id:
        return _ENTERPRISE_USERS.all(True, Role.ENTERPRISE, application.enterprise_id)
    return _INSTITUTION_USERS.all(True, Role.TRAINING_INSTITUTION, application.training_institution_id)


def reviewer_users(application: Application) -> list[User]:
    partner_ids = list(RuleRouting.objects.filter(rule_id=application.rule_id).values_list("partners__id", flat=True))
    departments = {d for d in [application.department_id, *partner_ids] if d is not None}
    zone_id = application.enterprise.zone_id if application.enterprise_id and application.enterprise else None
    # Zone staff review only their own zone's enterprises.
    zone = Q(zone__isnull=True) | Q(zone_id=zone_id) if zone_id is not None else Q(zone__isnull=True)
    return list(
        User.objects.filter(is_active=True, role=Role.DEPARTMENT_REVIEWER, department_id__in=departments)
        .filter(zone)
        .only(*RECIPIENT_FIELDS)
    )


def role_users(role: str) -> list[User]:
    return _ROLE_USERS.all(True, role)


def user_language(user: User) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notify(application: Application, users: Iterable[User], text: Callable[[], str]) -> int:
    """One in-platform notification per user about `application`, and one email to each user with an address
    once the change commits (see `notify_users`)."""
    link = reverse("applications:detail", args=[application.pk])
    return notify_users(users, text, link=link, application=application)


def notify_users(
    users: Iterable[User], text: Callable[[], str], *, link: str, application: Application | None = None
) -> int:
    """One in-platform notification per user, and one email to each user with an address once the change
    commits; `text()` is called in each language, each recipient reads its own, and the email's link is
    absolute. Any area's notices go through here (applications, duty reminders)."""
    unique = {u.pk: u for u in users}
    rows: list[Notification] = []
    mails: list[tuple[str, str, str]] = []
    texts: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = text()[:500]
    for user in unique.values():
        body = texts.get(user_language(user)) or texts[settings.LANGUAGE_CODE]
        if user.email:
            mails.append((body[:120], f"{body}\n\n{absolute_url(link)}", user.email))
        rows.append(Notification(user=user, application=application, text=body, texts=texts, link=link))
    Notification.objects.bulk_create(rows)
    for subject, message, address in mails:
        send_on_commit(subject, message, [address])  # one-line subject, failures logged, never raised
    return len(rows)
