from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "waibao.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels

        register_action_labels({"job.submitted": _("Job submitted"), "job.cancelled": _("Job cancelled")})
