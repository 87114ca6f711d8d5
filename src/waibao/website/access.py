"""Who may do what on the website: the office moderates (approves and publishes), zone staff edit and submit.

Page permissions themselves are Wagtail's (groups "Moderators" and "Editors" on the site's tree); this module
says which of the platform's users belong to which group, and who may read an event's registrations."""

from __future__ import annotations

from typing import Any

from waibao.accounts.models import Role, User
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.website.models import EventPage

MODERATORS = "Moderators"
EDITORS = "Editors"


def website_group(user: Any) -> str | None:
    """The Wagtail group the user's role gives: the office moderates; zone staff (a zone set) edit."""
    if not isinstance(user, User) or not user.is_active:
        return None
    if user.role == Role.PROGRAMME_OFFICE:
        return MODERATORS
    if user.zone_id is not None and user.role == Role.DEPARTMENT_REVIEWER:
        return EDITORS
    return None


def can_edit_website(user: Any) -> bool:
    return website_group(user) is not None


def access_event_registrations(user: Any, page_id: int) -> EventPage:
    """The event whose registrations `user` may read (office and website editors)."""
    if not can_edit_website(user):
        raise PermissionDeniedError()
    event = EventPage.objects.filter(pk=page_id).first()
    if event is None:
        raise NotFoundError()
    return event
