"""Django app configuration for the policy engine."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "waibao.policy"
    label = "policy"
    verbose_name = _("Policy")

    def ready(self) -> None:
        from waibao.policy.engine.i18n import set_words
        from waibao.policy.labels import ExplanationWords, register_policy_labels

        register_policy_labels()
        set_words(ExplanationWords())
