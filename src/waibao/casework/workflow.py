"""The life of a case as data: each action, the states it starts from, where it leads and who may take it.

Parties (not roles): `office` (programme office, the first receiver and supervisor), `department` (a reviewer
of the case's department), `requester` (the enterprise that filed it, or a person holding its check code),
`system` (scheduled jobs).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.casework.models import CaseStatus as S
from waibao.common.workflow import Transition, Workflow

OFFICE, DEPARTMENT, REQUESTER, SYSTEM = "office", "department", "requester", "system"


def _t(name: str, sources: set[str], target: str, parties: set[str], label: object, reason: bool = False) -> Transition:
    return Transition(
        name=name,
        sources=frozenset(sources),
        target=target,
        roles=frozenset(parties),
        label=label,
        needs_reason=reason,
    )


CASE_WORKFLOW = Workflow(
    [
        _t("accept", {S.FILED}, S.ACCEPTED, {OFFICE}, _("Accept")),
        _t("reject", {S.FILED}, S.CLOSED, {OFFICE}, _("Do not accept"), reason=True),
        _t("assign", {S.FILED, S.ACCEPTED, S.RETURNED}, S.ASSIGNED, {OFFICE}, _("Assign to a department")),
        _t("transfer", {S.ASSIGNED}, S.ASSIGNED, {OFFICE}, _("Transfer to another department"), reason=True),
        _t("return_misroute", {S.ASSIGNED}, S.RETURNED, {DEPARTMENT}, _("Return as misrouted"), reason=True),
        _t("reply", {S.ASSIGNED}, S.ASSIGNED, {DEPARTMENT}, _("Reply to the requester"), reason=True),
        _t("ask_requester", {S.ASSIGNED}, S.WAITING, {DEPARTMENT}, _("Ask the requester"), reason=True),
        _t("requester_answer", {S.WAITING}, S.ASSIGNED, {REQUESTER}, _("Answer the department"), reason=True),
        _t("answer", {S.ASSIGNED}, S.ANSWERED, {DEPARTMENT}, _("Reply and mark answered"), reason=True),
        _t("confirm", {S.ANSWERED}, S.CLOSED, {REQUESTER}, _("Confirm and close")),
        _t("auto_close", {S.ANSWERED}, S.CLOSED, {SYSTEM}, _("Closed automatically")),
        _t("reopen", {S.ANSWERED, S.CLOSED}, S.ASSIGNED, {REQUESTER}, pgettext_lazy("casework", "Reopen"), reason=True),
    ]
)
