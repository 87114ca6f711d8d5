from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "waibao.ledger"
    label = "ledger"
    verbose_name = _("Special fund")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register_choices, register_resolver
        from waibao.ledger.labels import fund_name, use_category_name
        from waibao.ledger.models import CommitmentStatus, EntryKind

        register_choices("entry_kind", EntryKind)
        register_choices("commitment_status", CommitmentStatus)
        register_resolver("fund", fund_name)
        register_resolver("use_category", use_category_name)
        register_action_labels(
            {
                "ledger.budget": _("Budget allocated"),
                "ledger.budget_line.created": _("Budget line opened"),
                "ledger.commitment": _("Funds committed"),
                "ledger.payment": _("Payment made"),
                "ledger.release": _("Commitment released"),
                "ledger.reversal": _("Entry reversed"),
            }
        )
