from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "waibao.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels

        register_action_labels(
            {
                "user.mfa_enrolled": _("Two-factor sign-in set up"),
                "user.mfa_reset": _("Two-factor sign-in reset"),
            }
        )
