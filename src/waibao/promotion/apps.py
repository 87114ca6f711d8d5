from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "waibao.promotion"
    label = "promotion"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register_choices, register_resolver
        from waibao.promotion.models import EventKind, ProjectType, Stage

        register_choices("promotion_stage", Stage)
        register_choices("promotion_type", ProjectType)
        register_choices("promotion_event_kind", EventKind)
        register_resolver("promotion_pipeline", _pipeline_name)
        register_action_labels(
            {
                "promotion.project_created": _("Investment project recorded"),
                "promotion.project_updated": _("Investment project corrected"),
                "promotion.contact": _("First contact made"),
                "promotion.negotiate": _("Negotiation started"),
                "promotion.sign": _("Project signed"),
                "promotion.register": _("Registered enterprise linked"),
                "promotion.capital": _("Capital arrived"),
                "promotion.operate": _("Confirmed as operating"),
                "promotion.lose": _("Project lost"),
                "promotion.reopen": _("Project reopened"),
                "promotion.next_action": _("Next action set"),
                "promotion.document_added": _("Project document added"),
                "promotion.event_created": _("Promotion event recorded"),
            }
        )


def _pipeline_name(code: str) -> str | None:
    from waibao.common.i18n import localized
    from waibao.promotion.rules import counting_rules

    pipeline = counting_rules().pipeline(code)
    return localized(pipeline.name_zh, pipeline.name_en) if pipeline else None
