from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "waibao.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels

        register_action_labels(
            {
                "duty.assigned": _("Duty assigned"),
                "duty.reported": _("Progress reported"),
                "duty.reported_done": _("Reported as done"),
                "duty.accepted": _("Accepted as done"),
                "duty.returned": _("Report returned"),
                "duty.milestone_added": _("Milestone added"),
                "duty.milestone_done": _("Milestone reached"),
                "group.member_replaced": _("Group member replaced"),
                "meeting.scheduled": _("Meeting scheduled"),
                "meeting.agenda_added": _("Agenda item added"),
                "meeting.attendance": _("Attendance recorded"),
                "meeting.hold": _("Meeting held"),
                "meeting.cancel": _("Meeting cancelled"),
                "meeting.circulate": _("Minutes circulated"),
                "meeting.redraft": _("Minutes taken back to redraft"),
                "meeting.approve": _("Minutes approved"),
                "meeting.publish": _("Minutes published"),
                "meeting.minutes_saved": _("Minutes drafted"),
                "meeting.commented": _("Comment on the minutes"),
                "meeting.decision": _("Decision recorded"),
            }
        )
