from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "waibao.ledger"
    label = "ledger"
