from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "waibao.talent"
    label = "talent"
