from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "waibao.registry"
    label = "registry"

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.registry.jobs import register_jobs

        register_jobs()

        register_action_labels(
            {
                "enterprise.registered": _("Registered"),
                "enterprise.created": _("Created by staff"),
                "enterprise.updated": _("Profile changed"),
                "enterprise.imported": _("Imported"),
                "enterprise.demo_created": _("Created as demo data"),
                "enterprise.verify": _("Verified"),
                "enterprise.recognise": _("Recognised"),
                "enterprise.reject": _("Rejected"),
                "enterprise.suspend": _("Suspended"),
                "enterprise.reinstate": _("Reinstated"),
                "enterprise.resubmit": _("Resubmitted for verification"),
                "zone.created": _("Zone created"),
                "zone.updated": _("Zone changed"),
            }
        )
