from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "waibao.statistics"
    label = "statistics"

    def ready(self) -> None:
        from waibao.statistics.jobs import register_jobs

        register_jobs()
