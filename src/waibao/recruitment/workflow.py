"""The workflow of a job posting, as data: draft → submitted → (returned →) published → expired.

The enterprise drafts and submits; the programme office publishes or returns it with a reason; the daily
expiry run (`services.postings_expire`, no user) closes a published posting once its closing date has passed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.common.workflow import Transition, Workflow
from waibao.recruitment.models import PostingStatus as P

ENTERPRISE = frozenset({Role.ENTERPRISE.value})
OFFICE = frozenset({Role.PROGRAMME_OFFICE.value})
EDITABLE = frozenset({P.DRAFT.value, P.RETURNED.value})

POSTING_WORKFLOW = Workflow(
    [
        Transition(
            "submit",
            EDITABLE,
            P.SUBMITTED,
            ENTERPRISE,
            _("Submit for review"),
            applicant_sees=_("The programme office reviews the posting before it is published."),
        ),
        Transition("publish", frozenset({P.SUBMITTED.value}), P.PUBLISHED, OFFICE, _("Publish")),
        Transition(
            "return",
            frozenset({P.SUBMITTED.value}),
            P.RETURNED,
            OFFICE,
            _("Return for changes"),
            needs_reason=True,
            applicant_sees=_("Change the posting as the office asks and submit it again."),
        ),
        Transition("close", frozenset({P.PUBLISHED.value}), P.EXPIRED, ENTERPRISE | OFFICE, _("Close now")),
    ]
)
