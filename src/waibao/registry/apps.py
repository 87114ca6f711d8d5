from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "waibao.registry"
    label = "registry"
    verbose_name = _("Registry")

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
                "enterprise.change_requested": _("Change requested (waits for the office)"),
                "enterprise.change_approved": _("Requested change approved"),
                "enterprise.change_declined": _("Requested change declined"),
                "enterprise.claimed": _("Registration for this credit code received (waits for the office)"),
                "enterprise.claim_approved": _("Account opened for a claim"),
                "enterprise.claim_declined": _("Claim declined"),
                "zone.created": _("Zone created"),
                "zone.updated": _("Zone changed"),
                "user.created": _("Account created"),
                "user.activated": _("Account reactivated"),
                "user.deactivated": _("Account deactivated"),
            }
        )
        from waibao.accounts.models import Role
        from waibao.common.labels import register_choices
        from waibao.registry.models import EnterpriseStatus, ZoneKind

        register_choices("role", Role)
        register_choices("enterprise_status", EnterpriseStatus)
        register_choices("zone_kind", ZoneKind)
        from waibao.common.labels import register_model_fields
        from waibao.registry.models import Enterprise, Zone

        register_model_fields("field", Enterprise)
        register_model_fields("field", Zone)
        from waibao.common.labels import register

        # The enterprise import's columns: a file may be headed with these names in either language.
        register(
            "column",
            {
                "credit_code": _("Unified social credit code"),
                "name_zh": _("Chinese name"),
                "name_en": _("English name"),
                "registered_capital_cny": _("Registered capital (CNY)"),
                "established_on": _("Established on"),
                "ownership_type": _("Ownership type"),
                "zone": _("Zone"),
                "categories": _("Service categories"),
                "offshore_focused": _("Mainly offshore outsourcing"),
                "is_headquarters": _("Headquarters"),
                "employees": _("Employees"),
                "address": _("Address"),
                "contact_name": _("Contact person"),
                "contact_phone": _("Contact phone"),
                "contact_email": _("Contact email"),
            },
        )
