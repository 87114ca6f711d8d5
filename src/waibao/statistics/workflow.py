"""The review workflow every statistical record follows, as data: draft → submitted → approved / returned."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.common.workflow import Transition, Workflow
from waibao.statistics.models import RecordStatus as S

FILERS = frozenset({Role.ENTERPRISE.value, Role.PROGRAMME_OFFICE.value})
REVIEWERS = frozenset({Role.PROGRAMME_OFFICE.value, Role.DEPARTMENT_REVIEWER.value})

RECORD_WORKFLOW = Workflow(
    [
        Transition(
            "submit",
            frozenset({S.DRAFT, S.RETURNED}),
            S.SUBMITTED,
            FILERS,
            _("Submit for review"),
            applicant_sees=_("Submitted: waiting for review."),
        ),
        Transition(
            "approve",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            REVIEWERS,
            _("Approve"),
            applicant_sees=_("Approved: the record counts in the statistics."),
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            REVIEWERS,
            _("Return"),
            needs_reason=True,
            applicant_sees=_("Returned: correct the record and submit it again."),
        ),
        Transition(
            "correct",
            frozenset({S.APPROVED}),
            S.DRAFT,
            FILERS,
            _("Correct (goes back through review)"),
            needs_reason=True,
            applicant_sees=_("Being corrected: it no longer counts until approved again."),
        ),
    ]
)

EDITABLE = frozenset({S.DRAFT, S.RETURNED})
