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

        _leave_the_data_admin()
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


def _leave_the_data_admin() -> None:
    """Wagtail registers its images, documents and tags in Django's admin, which here is a read-only data viewer:
    they are edited in the website's own admin (/cms/), so they are taken out of /admin/ (which autodiscovers
    before this app is ready)."""
    import contextlib

    from django.apps import apps
    from django.contrib import admin
    from django.contrib.admin.exceptions import NotRegistered

    for label in ("wagtailimages.Image", "wagtaildocs.Document", "taggit.Tag"):
        with contextlib.suppress(NotRegistered, LookupError):
            admin.site.unregister(apps.get_model(label))
