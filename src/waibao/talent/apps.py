"""Training: institutions and their approval, bases, programmes, trainees, the plan, the subsidies that follow them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "waibao.talent"
    label = "talent"
    verbose_name = _("Talent")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register_choices
        from waibao.talent import models
        from waibao.talent.imports import register_jobs
        from waibao.talent.receivers import connect as connect_recruitment

        register_jobs()
        connect_recruitment()  # a hire on the recruitment site records a trainee's hire (HZ-17b-hire)
        register_action_labels(
            {
                "institution.created": _("Training institution added"),
                "institution.approved": _("Training institution approved"),
                "institution.approval_withdrawn": _("Approval of the training institution withdrawn"),
                "institution.approval_requested": _("Approval of the training institution requested"),
                "institution.approval_refused": _("Approval of the training institution refused"),
                "institution.approval_lapsed": _("Approval of the training institution lapsed"),
                "institution.suspended": _("Training institution suspended"),
                "institution.suspension_lifted": _("Suspension of the training institution lifted"),
                "talent.trainee_recorded": _("Trainee recorded"),
                "talent.trainee_id_revealed": _("Whole identity number read"),
                "talent.base_designated": _("Training base designated"),
                "talent.plan_target_set": _("Training plan target set"),
                "talent.programme_created": _("Training programme set up"),
                "talent.recognition_requested": _("Recognition of the programme requested"),
                "talent.programme_recognised": _("Programme recognised for subsidy"),
                "talent.programme_not_recognised": _("Programme not recognised for subsidy"),
                "talent.enrolled": _("Trainee enrolled"),
                "talent.duplicate_refused": _("Duplicate subsidy refused"),
                "talent.attendance_recorded": _("Attendance recorded"),
                "talent.completed": _("Training completed"),
                "talent.withdrawn": _("Trainee withdrawn"),
                "talent.hire_recorded": _("Hire recorded"),
                "talent.hire_confirmed": _("Hire confirmed"),
                "application.line_refused": _("One person's line of the claim refused"),
            }
        )
        register_choices("trainee_category", models.TraineeCategory)
        register_choices("programme_kind", models.ProgrammeKind)
        register_choices("recognition", models.Recognition)
        register_choices("enrolment_status", models.EnrolmentStatus)
        register_choices("hire_proof_kind", models.HireProofKind)
        register_choices("approval_status", models.ApprovalStatus)
        register_choices("approval_kind", models.ApprovalKind)
        register_choices("line_status", models.LineStatus)
