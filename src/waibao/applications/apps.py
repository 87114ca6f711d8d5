"""Incentive applications and their review workflow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "waibao.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from waibao.applications.jobs import register_jobs
        from waibao.applications.workflow import APPLICATION_WORKFLOW
        from waibao.audit.labels import register_action_labels

        register_jobs()
        labels = {f"application.{t.name}": t.label for t in APPLICATION_WORKFLOW.transitions.values()}
        labels.update(
            {
                "application.created": _("Application created"),
                "application.award_notice": _("Selected for an award and published for public notice"),
                "application.updated": _("Facts changed"),
                "application.evidence_added": _("Evidence attached"),
                "application.objection_lodged": _("Objection lodged (contact confirmed)"),
                "application.object": _("Objection admitted: the application is held"),
                "application.objection_not_admitted": _("Objection not admitted"),
                "application.hire_confirmed": _("Hire confirmed"),
                "application.payment_recorded": _("Payment recorded"),
                "application.objection_dismiss": _("Objection dismissed"),
                "application.objection_uphold_return": _("Objection upheld: back to department review"),
                "application.objection_uphold_reject": _("Objection upheld: rejected"),
                "application.demo_notice_backdated": _("Notice period ended for the demo"),
                "application.notice_ended_early": _("Public notice ended early"),
                "routing.updated": _("Routing changed"),
            }
        )
        labels["application.objection_dismiss"] = _("Objections dismissed")
        register_action_labels(labels)

        from waibao.applications.models import ApplicationStatus, EvidenceKind, ObjectionStatus
        from waibao.common.labels import register, register_choices

        register_choices("application_status", ApplicationStatus)
        register_choices("evidence_kind", EvidenceKind)
        register_choices("objection_status", ObjectionStatus)
        from waibao.applications.models import Application
        from waibao.common.labels import register_model_fields

        register_model_fields("field", Application)
        register(
            "field",
            {
                "status": _("Status"),
                "recommended_amount_cny": _("Recommended amount (CNY)"),
                "approved_amount_cny": _("Approved amount (CNY)"),
                "calculated_amount_cny": _("Calculated amount (CNY)"),
                "amount_cny": _("Amount (CNY)"),
                "facts": _("Facts"),
                "department": _("Department"),
            },
        )
        from waibao.applications.ledger_owner import OWNER
        from waibao.ledger.owners import register_owner

        register_owner(OWNER)
