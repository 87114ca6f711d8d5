"""The stages of an investment project, declared as data: which move goes from where to where, who may take it,
and what it needs (a reason, the registered enterprise, approved statistics)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.common.workflow import Transition, Workflow
from waibao.promotion.models import Stage as S

# Who moves a project: the office, and reviewers (department or zone) within their scope (see `access`).
MOVERS = frozenset({Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER})

PROJECT_WORKFLOW = Workflow(
    [
        Transition("contact", frozenset({S.LEAD}), S.CONTACT, MOVERS, _("First contact made")),
        Transition("negotiate", frozenset({S.CONTACT}), S.NEGOTIATION, MOVERS, _("Start negotiating")),
        Transition("sign", frozenset({S.NEGOTIATION}), S.SIGNED, MOVERS, _("Record as signed")),
        Transition("register", frozenset({S.SIGNED}), S.REGISTERED, MOVERS, _("Link the registered enterprise")),
        Transition("capital", frozenset({S.REGISTERED}), S.CAPITAL_ARRIVED, MOVERS, _("Record the capital arrived")),
        Transition("operate", frozenset({S.CAPITAL_ARRIVED}), S.OPERATING, MOVERS, _("Confirm as operating")),
        Transition(
            "lose",
            frozenset({S.LEAD, S.CONTACT, S.NEGOTIATION, S.SIGNED}),
            S.LOST,
            MOVERS,
            _("Record as lost"),
            needs_reason=True,
        ),
        Transition("reopen", frozenset({S.LOST}), S.CONTACT, MOVERS, _("Reopen"), needs_reason=True),
    ]
)

# Moves that need more than a click: the enterprise in the registry (its credit code).
NEEDS_ENTERPRISE = frozenset({"register"})
# Moves a card on the board can make in one click (the others open the project page).
ONE_CLICK = frozenset({"contact", "negotiate", "sign", "capital", "operate"})
