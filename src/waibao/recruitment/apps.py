from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "waibao.recruitment"
    label = "recruitment"
    verbose_name = _("Talent recruitment")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register, register_choices
        from waibao.recruitment.models import CandidacyStatus, HireProofKind, PostingStatus, WorkLanguage
        from waibao.recruitment.selectors import SALARY_BANDS
        from waibao.recruitment.services import audit_labels

        register_choices("posting_status", PostingStatus)
        register_choices("candidacy_status", CandidacyStatus)
        register_choices("work_language", WorkLanguage)
        register_choices("hire_proof", HireProofKind)
        register("salary_band", {band.code: band.label for band in SALARY_BANDS})
        register(
            "talent_level",
            {"high_level": _("High-level talent"), "key": _("Key talent"), "skilled": _("Skilled talent")},
        )
        register_action_labels(audit_labels())
