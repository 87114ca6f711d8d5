from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseworkConfig(AppConfig):
    name = "waibao.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.casework.models import (
            AppealStatus,
            CallbackChannel,
            CaseStatus,
            ExtensionStatus,
            Filer,
            MessageKind,
            RectificationStatus,
            RightType,
        )
        from waibao.casework.opendata import register as register_open_dataset
        from waibao.common.labels import register, register_choices

        register_open_dataset()

        register_choices("case_status", CaseStatus)
        register_choices("case_filer", Filer)
        register_choices("case_message", MessageKind)
        register_choices("case_extension", ExtensionStatus)
        register_choices("case_rectification", RectificationStatus)
        register_choices("case_appeal", AppealStatus)
        register_choices("right_type", RightType)
        register_choices("callback_channel", CallbackChannel)
        register(
            "case_limit",
            {
                "acceptance": pgettext_lazy("casework", "Acceptance"),
                "first_response": pgettext_lazy("casework", "First response"),
                "resolution": pgettext_lazy("casework", "Resolution"),
            },
        )
        register(
            "case_badge",
            {
                "on_track": pgettext_lazy("casework", "On track"),
                "due": pgettext_lazy("casework", "Due"),
                "overdue": pgettext_lazy("casework", "Overdue"),
                "stopped": pgettext_lazy("casework", "Clock stopped"),
                "met": pgettext_lazy("casework", "Met in time"),
                "late": pgettext_lazy("casework", "Met late"),
            },
        )
        register(
            "case_outcome",
            {
                "answered": pgettext_lazy("casework", "Answered"),
                "referred": pgettext_lazy("casework", "Referred"),
                "not_accepted": pgettext_lazy("casework", "Not accepted"),
                "upheld": pgettext_lazy("casework", "Upheld"),
                "partly_upheld": pgettext_lazy("casework", "Partly upheld"),
                "not_upheld": pgettext_lazy("casework", "Not upheld"),
                "solved": pgettext_lazy("casework", "Solved"),
                "partly_solved": pgettext_lazy("casework", "Partly solved"),
                "not_solved": pgettext_lazy("casework", "Not solved"),
                "mediated": pgettext_lazy("casework", "Mediated"),
                "referred_to_enforcement": pgettext_lazy("casework", "Referred to enforcement"),
                "rejected": pgettext_lazy("casework", "Rejected"),
                "granted": pgettext_lazy("casework", "Granted"),
                "refused": pgettext_lazy("casework", "Refused"),
                "approved": pgettext_lazy("casework", "Approved"),
                "registered": pgettext_lazy("casework", "Registered"),
            },
        )
        register(
            "case_field",
            {
                "person_name": _("Name of the person concerned"),
                "scarce_talent": _("Scarce talent (HZ-18 catalogue)"),
                "right_type": _("Right type"),
                "right_holder": _("Right holder"),
                "registration_number": _("Registration number"),
                "infringer_name": _("Infringing party"),
                "evidence": _("Evidence"),
                "contract": _("Contract"),
                "certificate": _("Certificate"),
                "other": _("Other document"),
            },
        )
        register_action_labels(
            {
                "case.filed": _("Case filed"),
                "case.accept": _("Case accepted"),
                "case.reject": _("Case not accepted"),
                "case.assign": _("Case assigned"),
                "case.transfer": _("Case transferred"),
                "case.return_misroute": _("Case returned as misrouted"),
                "case.ask_requester": _("Requester asked"),
                "case.requester_answer": _("Requester answered"),
                "case.answer": _("Case answered"),
                "case.confirm": _("Answer confirmed"),
                "case.auto_close": _("Case closed automatically"),
                "case.reopen": _("Case reopened"),
                "case.reply": _("Reply to the requester"),
                "case.requester_message": _("Message from the requester"),
                "case.supervise": _("Case supervised"),
                "case.note": _("Internal note"),
                "case.handler": _("Handler assigned"),
                "case.extension_requested": _("Extension requested"),
                "case.extension_approved": _("Extension approved"),
                "case.extension_refused": _("Extension refused"),
                "case.rated": _("Case rated"),
                "case.rectified": _("Rectification done"),
                "case.appealed": _("Rating appealed"),
                "case.appeal_decided": _("Appeal decided"),
            }
        )
