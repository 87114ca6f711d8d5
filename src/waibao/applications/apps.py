"""Incentive applications and their review workflow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "waibao.applications"
    label = "applications"

    def ready(self) -> None:
        from waibao.applications.jobs import register_jobs
        from waibao.applications.workflow import APPLICATION_WORKFLOW
        from waibao.audit.labels import register_action_labels

        register_jobs()
        labels = {f"application.{t.name}": t.label for t in APPLICATION_WORKFLOW.transitions.values()}
        labels.update(
            {
                "application.created": _("Application created"),
                "application.updated": _("Facts changed"),
                "application.evidence_added": _("Evidence attached"),
                "application.object": _("Objection lodged"),
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
        register_action_labels(labels)

        from waibao.applications.ledger_owner import OWNER
        from waibao.ledger.owners import register_owner

        register_owner(OWNER)
