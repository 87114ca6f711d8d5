from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "waibao.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self) -> None:
        from waibao.api.scopes import register_builtin_areas, scope_label
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register, register_resolver

        register_builtin_areas()
        register_resolver("api_scope", scope_label)
        register("api_token_status", {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")})
        register_action_labels(
            {"api_token.created": _("API token created"), "api_token.revoked": _("API token revoked")}
        )
