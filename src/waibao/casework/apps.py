from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
                "acceptance": _("Acceptance"),
                "first_response": _("First response"),
                "resolution": _("Resolution"),
            },
        )
        register(
            "case_badge",
            {
                "on_track": _("On track"),
                "due": _("Due"),
                "overdue": _("Overdue"),
                "stopped": _("Clock stopped"),
                "met": _("Met in time"),
                "late": _("Met late"),
            },
        )
        register(
            "case_outcome",
            {
                "answered": _("Answered"),
                "referred": _("Referred"),
                "not_accepted": _("Not accepted"),
                "upheld": _("Upheld"),
                "partly_upheld": _("Partly upheld"),
                "not_upheld": _("Not upheld"),
                "solved": _("Solved"),
                "partly_solved": _("Partly solved"),
                "not_solved": _("Not solved"),
                "mediated": _("Mediated"),
                "referred_to_enforcement": _("Referred to enforcement"),
                "rejected": _("Rejected"),
                "granted": _("Granted"),
                "refused": _("Refused"),
                "approved": _("Approved"),
                "registered": _("Registered"),
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
