from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "waibao.governance"
    label = "governance"
