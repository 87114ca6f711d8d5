from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "waibao.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register, register_choices
        from waibao.website import hooks  # noqa: F401 - Wagtail's publish/unpublish signals keep the search index
        from waibao.website.models import EventKind, GuideService, SectionKind

        register_choices("website_section", SectionKind)
        register_choices("event_kind", EventKind)
        register_choices("guide_service", GuideService)
        register(
            "website_result",
            {
                "article": _("Policy library"),
                "newspage": _("News"),
                "noticepage": _("Notice"),
                "interpretationpage": _("Policy interpretation"),
                "eventpage": _("Website event"),
                "guidepage": _("Service guide"),
            },
        )
        register_action_labels(
            {
                "event.registered": _("Registered for an event"),
                "website.editors_synced": _("Website editors updated"),
            }
        )
