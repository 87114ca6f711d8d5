# Wagtail ships no type information: its Page is Any to mypy, and the django plugin cannot type the fields of
# subclasses of Any (each would need a hand-written annotation). The fields are checked by Django itself.
# mypy: disable-error-code="var-annotated"
"""The outsourcing website's pages (Wagtail) and what the public leaves on them (event registrations).

Each page carries both languages: the Chinese fields are Wagtail's own (`title`) or plain (`intro`, `body`), the
English ones sit beside them (`title_en`, `intro_en`, `body_en`). One page, one revision history, one review
and one schedule for both languages: the office never publishes a language without the other by accident.
The reader sees their language, and the Chinese text (marked `lang="zh-hans"`) where no English was written.

Page kinds: the site's home (/site/), sections listing their children (news, notices, interpretations, events,
guides), and the items: news, notice, policy interpretation, event (with registration and iCalendar), guide.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


def english() -> bool:
    return (get_language() or "").startswith("en")


class Bilingual:
    """A value in the reader's language, with the language it is actually written in."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh or "", en or ""

    @property
    def text(self) -> str:
        return self.en if english() and self.en.strip() else self.zh

    @property
    def lang(self) -> str:
        """The language of `text` (for a `lang` attribute when it differs from the page's)."""
        return "en" if english() and self.en.strip() else "zh-hans"

    @property
    def fallback(self) -> bool:
        """True when the reader asked for English and reads Chinese."""
        return english() and not self.en.strip()

    def __str__(self) -> str:
        return self.text


class SitePage(Page):
    """What every page of the site has: an English title, a summary and a body in both languages, an image."""

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    intro = models.TextField(_("summary"), blank=True)
    intro_en = models.TextField(_("summary (English)"), blank=True)
    body = RichTextField(_("text"), blank=True, features=RICH_TEXT_FEATURES)
    body_en = RichTextField(_("text (English)"), blank=True, features=RICH_TEXT_FEATURES)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("image description"), max_length=255, blank=True)
    image_alt_en = models.CharField(_("image description (English)"), max_length=255, blank=True)

    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("image_alt_en")], heading=_("Image")),
    ]
    search_fields: ClassVar[list[Any]] = [
        *Page.search_fields,
        index.SearchField("title_en"),
        index.SearchField("intro"),
        index.SearchField("intro_en"),
        index.SearchField("body"),
        index.SearchField("body_en"),
    ]

    class Meta:
        abstract = True

    @property
    def heading(self) -> Bilingual:
        return Bilingual(self.title, self.title_en)

    @property
    def summary(self) -> Bilingual:
        return Bilingual(self.intro, self.intro_en)

    @property
    def text(self) -> Bilingual:
        return Bilingual(self.body, self.body_en)

    @property
    def alt(self) -> Bilingual:
        return Bilingual(self.image_alt or self.title, self.image_alt_en or self.title_en)

    @property
    def date(self) -> Any:
        return self.first_published_at or self.latest_revision_created_at

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["site_root"] = site_root()
        return context


class SiteHomePage(SitePage):
    """/site/: the latest news, notices and events, and the way to every section."""

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = ["website.SectionPage"]
    template = "website/home_page.html"
    max_count = 1

    class Meta:
        verbose_name = _("website home")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from waibao.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest"] = selectors.latest_by_section(limit=5)
        context["sections"] = selectors.sections()
        return context


class SectionKind(models.TextChoices):
    NEWS = "news", _("News")
    NOTICES = "notices", _("Notices")
    INTERPRETATIONS = "interpretations", _("Policy interpretations")
    EVENTS = "events", _("Events")
    GUIDES = "guides", _("Service guides")


class SectionPage(SitePage):
    """A list of the items under it, newest first (events: the next first)."""

    kind = models.CharField(_("section"), max_length=20, choices=SectionKind.choices, unique=True)

    parent_page_types: ClassVar[list[str]] = ["website.SiteHomePage"]
    subpage_types: ClassVar[list[str]] = [
        "website.NewsPage",
        "website.NoticePage",
        "website.InterpretationPage",
        "website.EventPage",
        "website.GuidePage",
    ]
    template = "website/section_page.html"
    content_panels: ClassVar[list[Any]] = [*SitePage.content_panels, FieldPanel("kind")]
    PAGE_SIZE = 20

    class Meta:
        verbose_name = _("section")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from django.core.paginator import Paginator

        from waibao.website import selectors

        context = super().get_context(request, *args, **kwargs)
        items = selectors.section_items(self)
        page = Paginator(items, self.PAGE_SIZE).get_page(request.GET.get("page"))
        context.update({"items": page, "page_obj": page})
        return context


class NewsPage(SitePage):
    parent_page_types: ClassVar[list[str]] = ["website.SectionPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "website/item_page.html"

    class Meta:
        verbose_name = _("news item")


class NoticePage(SitePage):
    """通知公告: an announcement from the office, with the date it applies until where it has one."""

    valid_until = models.DateField(_("applies until"), null=True, blank=True)

    parent_page_types: ClassVar[list[str]] = ["website.SectionPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "website/item_page.html"
    content_panels: ClassVar[list[Any]] = [*SitePage.content_panels, FieldPanel("valid_until")]

    class Meta:
        verbose_name = _("notice")


class InterpretationPage(SitePage):
    """政策解读: an explanation of one article of the policy package, linked to it in the policy library."""

    policy_article = models.CharField(
        _("policy article"),
        max_length=40,
        blank=True,
        help_text=_("The article's code in the policy package (see the policy library), e.g. hz-9."),
    )

    parent_page_types: ClassVar[list[str]] = ["website.SectionPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "website/item_page.html"
    content_panels: ClassVar[list[Any]] = [*SitePage.content_panels, FieldPanel("policy_article")]

    class Meta:
        verbose_name = _("policy interpretation")


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    EXHIBITION = "exhibition", _("Exhibition")
    TRAINING = "training", _("Training session")


class EventPage(SitePage):
    """A forum, exhibition or training session (SZ-4.5), with registration up to its capacity."""

    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices, default=EventKind.FORUM)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=255)
    location_en = models.CharField(_("place (English)"), max_length=255, blank=True)
    registration_open = models.BooleanField(_("registration open"), default=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    capacity = models.PositiveIntegerField(_("places"), default=100, help_text=_("0: no registration."))

    parent_page_types: ClassVar[list[str]] = ["website.SectionPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "website/event_page.html"
    content_panels: ClassVar[list[Any]] = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("location"),
                FieldPanel("location_en"),
            ],
            heading=_("When and where"),
        ),
        MultiFieldPanel(
            [FieldPanel("registration_open"), FieldPanel("registration_closes_at"), FieldPanel("capacity")],
            heading=_("Registration"),
        ),
    ]

    class Meta:
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start", condition=models.Q(ends_at__gte=models.F("starts_at"))
            )
        ]

    @property
    def place(self) -> Bilingual:
        return Bilingual(self.location, self.location_en)

    @property
    def closes_at(self) -> Any:
        return self.registration_closes_at or self.starts_at

    def registration_state(self, registered: int | None = None) -> str:
        """open, full, closed (by the office, past the closing time or no places) — for the page and the service."""
        if not self.registration_open or self.capacity == 0 or timezone.now() >= self.closes_at:
            return "closed"
        if registered is None:
            registered = self.registrations.count()
        return "full" if registered >= self.capacity else "open"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from waibao.website.views import event_page

        return event_page(request, self)


class GuideService(models.TextChoices):
    REWARD = "reward", _("Applying for a reward")
    STATISTICS = "statistics", _("Reporting statistics")
    CASE = "case", _("Filing a case")
    REGISTRATION = "registration", _("Registering an enterprise")
    OTHER = "other", _("Other service")


class GuidePage(SitePage):
    """办事指南: how to use one of the platform's services, with a link to the page where it is done."""

    service = models.CharField(_("service"), max_length=20, choices=GuideService.choices, default=GuideService.OTHER)
    policy_rule = models.CharField(
        _("policy rule"), max_length=40, blank=True, help_text=_("For a reward: the rule's code, e.g. HZ-17b.")
    )
    start_path = models.CharField(
        _("where to start"),
        max_length=200,
        blank=True,
        help_text=_("The platform page where the service is done, e.g. /applications/new/."),
    )

    parent_page_types: ClassVar[list[str]] = ["website.SectionPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "website/item_page.html"
    content_panels: ClassVar[list[Any]] = [
        *SitePage.content_panels,
        FieldPanel("service"),
        FieldPanel("policy_rule"),
        FieldPanel("start_path"),
    ]

    class Meta:
        verbose_name = _("service guide")


ITEM_MODELS: tuple[type[SitePage], ...] = (NewsPage, NoticePage, InterpretationPage, EventPage, GuidePage)


def site_root() -> SiteHomePage | None:
    return SiteHomePage.objects.live().first()


class EventRegistration(models.Model):
    """One person's place at an event. The e-mail is unique per event; the confirmation goes to it."""

    event = models.ForeignKey(
        EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="event_registration_once_per_email")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class SearchEntry(models.Model):
    """One searchable thing of the public site (a live page, a policy article) in both languages.

    Neither SQLite's FTS nor PostgreSQL's default parser cuts Chinese into words, so the site keeps its own
    index: every character and every pair of adjacent characters of Chinese text, and every word of other text,
    is a `SearchGram`. A query matches an entry holding all of the query's grams, and is then checked as a
    phrase (`search.py`)."""

    key = models.CharField(max_length=80, unique=True)  # page:12, article:hz-9
    kind = models.CharField(max_length=20)
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    date = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.key


class SearchGram(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="grams")
    gram = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gram", "entry"], name="search_gram_once")]

    def __str__(self) -> str:
        return self.gram
