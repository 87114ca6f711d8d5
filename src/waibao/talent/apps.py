"""Training institutions and trainees (the job board comes with the talent issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "waibao.talent"
    label = "talent"

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels

        register_action_labels(
            {
                "talent.trainee_recorded": _("Trainee recorded"),
                "talent.trainee_id_revealed": _("Whole identity number read"),
            }
        )
