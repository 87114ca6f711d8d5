"""Writes of the website: the site's tree and editors' groups (set up by `load_defaults`), event registration,
the search index, and the scheduled publication run.

Editing itself (drafts, review, publication, revisions, rollback, schedules) is Wagtail's; what it does is
recorded in Wagtail's own log (the page's history). The platform's audit chain records the registrations and the
changes of who may edit."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page, Site, Workflow, WorkflowPage

from waibao.accounts.models import User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError
from waibao.common.mail import absolute_url, send_on_commit
from waibao.website import search
from waibao.website.access import EDITORS, MODERATORS, website_group
from waibao.website.models import (
    ITEM_MODELS,
    EventPage,
    EventRegistration,
    SectionKind,
    SectionPage,
    SiteHomePage,
    SitePage,
)

logger = logging.getLogger("waibao.website")

SECTION_TITLES = {
    SectionKind.NEWS: ("新闻动态", "News", "news"),
    SectionKind.NOTICES: ("通知公告", "Notices", "notices"),
    SectionKind.INTERPRETATIONS: ("政策解读", "Policy interpretations", "interpretations"),
    SectionKind.EVENTS: ("活动与培训", "Events and training", "events"),
    SectionKind.GUIDES: ("办事指南", "Service guides", "guides"),
}
PAGE_PERMISSIONS = {
    MODERATORS: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    EDITORS: ("add_page", "change_page"),
}
GROUP_PERMISSIONS = {
    MODERATORS: (
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
    ),
    EDITORS: (
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
    ),
}


# What each group may do with images and documents, granted on the root collection (Wagtail checks these through
# the collection; its migrations grant them, and `flush` removes them with everything else).
COLLECTION_PERMISSIONS = {
    MODERATORS: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.delete_document",
    ),
    EDITORS: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ),
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _moderation_workflow() -> Workflow:
    """The review step Wagtail's migrations create (moderators approve), made again where it is missing."""
    from wagtail.models import GroupApprovalTask, WorkflowTask

    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set(Group.objects.filter(name=MODERATORS))
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def _ensure_locale() -> None:
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))


@transaction.atomic
def ensure_site() -> SiteHomePage:
    """The site's home at /site/ with its five sections, the default Wagtail site pointing at it, the editors'
    groups and their permissions, and the review workflow on the tree. Idempotent; also on a database emptied
    by `flush`, which removes the root page and locale Wagtail's migrations created."""
    _ensure_locale()
    from wagtail.models import Collection

    collection = Collection.get_first_root_node()
    if collection is None:  # images and documents live in the root collection
        collection = Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = SiteHomePage.objects.first()
    if home is None:
        home = SiteHomePage(
            title="服务外包信息网",
            title_en="Service Outsourcing Website",
            slug="site",
            intro="服务外包政策、新闻、通知公告、活动与办事指南。",
            intro_en="Policy, news, notices, events and service guides of the service-outsourcing programme.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    address = urlsplit(str(settings.WAIBAO_SITE_URL))  # absolute links (sitemap, feeds) on the public address
    wanted = {
        "root_page_id": home.pk,
        "hostname": address.hostname or "localhost",
        "port": address.port or (443 if address.scheme == "https" else 80),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    if any(getattr(site, k) != v for k, v in wanted.items()):
        for k, v in wanted.items():
            setattr(site, k, v)
        site.save()
    # Wagtail's sample "Welcome" page is not part of the platform.
    for page in Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore"):
        page.delete()
    for kind, (zh, en, slug) in SECTION_TITLES.items():
        if not SectionPage.objects.filter(kind=kind).exists():
            section = SectionPage(title=zh, title_en=en, slug=slug, kind=kind)
            home.add_child(instance=section)
            section.save_revision().publish()
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission(f"wagtailcore.{codename}")
            )
        group.permissions.add(*[_permission(p) for p in GROUP_PERMISSIONS[name]])
        for dotted in COLLECTION_PERMISSIONS[name]:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(dotted)
            )
    if not WorkflowPage.objects.filter(page__in=[root, home]).exists():
        workflow = Workflow.objects.filter(active=True).order_by("pk").first() or _moderation_workflow()
        WorkflowPage.objects.create(page=root, workflow=workflow)
    return home


def sync_editor(user: User) -> bool:
    """Put the user in the Wagtail group their role gives (office: moderators; zone staff: editors), out of
    the other. True if membership changed."""
    wanted = website_group(user)
    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=[MODERATORS, EDITORS])}
        current = set(user.groups.filter(name__in=[MODERATORS, EDITORS]).values_list("name", flat=True))
        target = {wanted} if wanted in groups else set()
        if current == target:
            return False
        user.groups.remove(*[groups[n] for n in current - target])
        user.groups.add(*[groups[n] for n in target - current])
        audit_record(
            actor=None,
            action="website.editors_synced",
            obj=user,
            summary=user.username,
            changes={"website_group": [sorted(current), sorted(target)]},
        )
    return True


def sync_editors() -> int:
    """Every user's website group from their role (run by `load_defaults` and at each sign-in)."""
    changed = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        changed += sync_editor(user)
    for user in User.objects.filter(is_active=False, groups__name__in=[MODERATORS, EDITORS]).distinct():
        changed += sync_editor(user)
    return changed


# --- Event registration ----------------------------------------------------------------------------------


def event_register(
    *, event: EventPage, name: str, organisation: str, email: str, phone: str = "", language: str = ""
) -> EventRegistration:
    """One place at a live event, while registration is open and places remain; confirmation mailed on commit."""
    email = email.strip().lower()
    with transaction.atomic():
        Page.objects.select_for_update().filter(pk=event.pk).first()  # one registration at a time per event
        live = EventPage.objects.live().filter(pk=event.pk).first()
        if live is None:
            raise DomainError(_("This event is not open for registration."), code="event_closed")
        event = live
        state = event.registration_state()
        if state == "closed":
            raise DomainError(_("Registration for this event is closed."), code="event_closed")
        if state == "full":
            raise DomainError(_("This event is full: every place has been taken."), code="event_full")
        if EventRegistration.objects.filter(event=event, email=email).exists():
            raise DomainError(
                _("This e-mail address is already registered for this event."), field="email", code="already_registered"
            )
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=event,
                    name=name.strip(),
                    organisation=organisation.strip(),
                    email=email,
                    phone=phone.strip(),
                    language=language,
                )
        except IntegrityError:
            raise DomainError(
                _("This e-mail address is already registered for this event."), field="email", code="already_registered"
            ) from None
        audit_record(
            actor=None, action="event.registered", obj=registration, summary=event.title, data={"event": event.pk}
        )
        with translation.override(language):
            subject = _("Registration confirmed: %(event)s") % {"event": event.heading.text}
            body = _(
                "Dear %(name)s,\n\nyour place at %(event)s is confirmed.\nWhen: %(start)s – %(end)s\nWhere: %(place)s\n"
                "Details and calendar: %(url)s\n"
            ) % {
                "name": registration.name,
                "event": event.heading.text,
                "start": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(event.ends_at).strftime("%Y-%m-%d %H:%M"),
                "place": event.place.text,
                "url": absolute_url(event.url or ""),
            }
        send_on_commit(subject, body, [email])
    return registration


# --- Search index ------------------------------------------------------------------------------------------


def _page_document(page: SitePage) -> search.Document:
    extra = ""
    if isinstance(page, EventPage):
        extra = f" {page.location} {page.location_en}"
    return search.Document(
        key=f"page:{page.pk}",
        kind=page._meta.model_name or "page",
        url=page.url or "",
        title=page.title,
        title_en=page.title_en,
        text=f"{page.intro} {page.body}{extra}",
        text_en=f"{page.intro_en} {page.body_en}",
        date=page.first_published_at,
    )


def reindex_page(page: Page) -> None:
    """A page's entry after it is published (or removed once it is not live)."""
    specific = page.specific
    if isinstance(specific, ITEM_MODELS) and specific.live and not specific.get_view_restrictions().exists():
        search.index_documents([_page_document(specific)])
    else:
        search.remove([f"page:{page.pk}"])


def _article_documents() -> list[search.Document]:
    from waibao.website.selectors import policy_library

    with translation.override("zh-hans"):
        zh = policy_library()
    with translation.override("en"):
        en = policy_library()
    out = []
    for a_zh, a_en in zip(zh["articles"], en["articles"], strict=True):
        rules_zh = " ".join(f"{r['id']} {r['title']['primary']}" for r in a_zh["rules"])
        rules_en = " ".join(f"{r['id']} {r['title']['primary']}" for r in a_en["rules"])
        out.append(
            search.Document(
                key=f"article:{a_zh['id']}",
                kind="article",
                url=reverse("website:library_article", args=[a_zh["id"]]),
                title=f"{a_zh['number']} {a_zh['title']['primary']}",
                title_en=a_en["title"]["primary"],
                text=f"{a_zh['summary']['primary']} {a_zh['text']} {rules_zh}",
                text_en=f"{a_en['summary']['primary']} {rules_en}",
            )
        )
    return out


def rebuild_index() -> int:
    """Every live public item and every article of the policy package, from scratch."""
    with transaction.atomic():
        search.SearchEntry.objects.all().delete()
        docs = [_article_documents()]
        pages: list[search.Document] = []
        for model in ITEM_MODELS:
            for page in model.objects.live().public():
                pages.append(_page_document(page))
        docs.append(pages)
        return sum(search.index_documents(d) for d in docs)


def ensure_library_indexed() -> None:
    if not search.SearchEntry.objects.filter(kind="article").exists():
        search.index_documents(_article_documents())


def publish_scheduled() -> None:
    """Wagtail's scheduled publication and expiry (its `publish_scheduled` command); the index follows through
    the publish/unpublish signals."""
    call_command("publish_scheduled", verbosity=0)
