from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "waibao.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels

        register_action_labels({"calendar.year_saved": _("Working-day calendar year saved")})
