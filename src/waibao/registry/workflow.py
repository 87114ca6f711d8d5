"""The enterprise status workflow, as data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.common.workflow import Transition, Workflow
from waibao.registry.models import EnterpriseStatus as S

OFFICE = frozenset({Role.PROGRAMME_OFFICE.value})

ENTERPRISE_WORKFLOW = Workflow(
    [
        Transition("verify", frozenset({S.REGISTERED}), S.VERIFIED, OFFICE, _("Verify")),
        Transition("recognise", frozenset({S.VERIFIED}), S.RECOGNISED, OFFICE, _("Recognise")),
        Transition("reject", frozenset({S.REGISTERED, S.VERIFIED}), S.REJECTED, OFFICE, _("Reject"), True),
        Transition("suspend", frozenset({S.VERIFIED, S.RECOGNISED}), S.SUSPENDED, OFFICE, _("Suspend"), True),
        Transition("reinstate", frozenset({S.SUSPENDED}), S.VERIFIED, OFFICE, _("Reinstate"), True),
        Transition(
            "resubmit",
            frozenset({S.REJECTED}),
            S.REGISTERED,
            frozenset({Role.ENTERPRISE.value, Role.PROGRAMME_OFFICE.value}),
            _("Resubmit for verification"),
        ),
    ]
)
