"""Open data: the datasets the platform publishes by itself, in versioned releases that never change."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "waibao.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register_choices, register_resolver
        from waibao.opendata.catalogue import dataset_title
        from waibao.opendata.datasets import register_builtin_datasets
        from waibao.opendata.jobs import register_jobs
        from waibao.opendata.models import FileFormat

        register_builtin_datasets()
        register_jobs()
        register_choices("opendata_format", FileFormat)
        register_resolver("opendata_dataset", dataset_title)
        register_action_labels({"opendata.released": _("Open-data release published")})
