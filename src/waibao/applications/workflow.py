"""The application workflow, as data: who may take each step, and what the applicant is told."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.applications.models import ApplicationStatus as S
from waibao.common.workflow import Transition, Workflow

# Anyone, signed in or not, may lodge an objection during the public notice period.
PUBLIC = "public"

APPLICANTS = frozenset({Role.ENTERPRISE.value, Role.TRAINING_INSTITUTION.value})
REVIEWERS = frozenset({Role.DEPARTMENT_REVIEWER.value})
OFFICE = frozenset({Role.PROGRAMME_OFFICE.value})
REVIEW_OR_OFFICE = REVIEWERS | OFFICE
FINANCE = frozenset({Role.FINANCE_OFFICER.value})

APPLICATION_WORKFLOW = Workflow(
    [
        Transition(
            "submit",
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            APPLICANTS,
            _("Submit"),
            applicant_sees=_("Your application was submitted and waits for the department's review."),
        ),
        Transition(
            "start_review",
            frozenset({S.SUBMITTED}),
            S.IN_REVIEW,
            REVIEW_OR_OFFICE,
            _("Start review"),
            applicant_sees=_("The department is reviewing your application."),
        ),
        Transition(
            "return",
            frozenset({S.IN_REVIEW}),
            S.RETURNED,
            REVIEW_OR_OFFICE,
            _("Return for more information"),
            needs_reason=True,
            applicant_sees=_("The department needs more information: see the reason, then correct and resubmit."),
        ),
        Transition(
            "resubmit",
            frozenset({S.RETURNED}),
            S.SUBMITTED,
            APPLICANTS,
            _("Resubmit"),
            applicant_sees=_("Your application was resubmitted and waits for the department's review."),
        ),
        Transition(
            "recommend",
            frozenset({S.IN_REVIEW}),
            S.RECOMMENDED,
            REVIEWERS,
            _("Recommend"),
            applicant_sees=_("The department recommended your application to the programme office."),
        ),
        Transition(
            "send_back",
            frozenset({S.RECOMMENDED}),
            S.IN_REVIEW,
            OFFICE,
            _("Send back to the department"),
            needs_reason=True,
            applicant_sees=_("The programme office asked the department to review your application again."),
        ),
        Transition(
            "approve",
            frozenset({S.RECOMMENDED}),
            S.IN_NOTICE,
            OFFICE,
            _("Approve and publish notice"),
            applicant_sees=_("Approved by the programme office and published for public notice."),
        ),
        Transition(
            "object",
            frozenset({S.IN_NOTICE}),
            S.ON_HOLD,
            frozenset({PUBLIC}),
            _("Lodge an objection"),
            needs_reason=True,
            applicant_sees=_("An objection was lodged during the public notice; the application waits for staff."),
        ),
        Transition(
            "dismiss_objections",
            frozenset({S.ON_HOLD}),
            S.IN_NOTICE,
            OFFICE,
            _("Dismiss the objection"),
            needs_reason=True,
            applicant_sees=_("The objection was dismissed; the public notice continues."),
        ),
        Transition(
            "uphold_return",
            frozenset({S.ON_HOLD}),
            S.IN_REVIEW,
            OFFICE,
            _("Uphold the objection: back to department review"),
            needs_reason=True,
            applicant_sees=_("An objection was upheld; the department reviews your application again."),
        ),
        Transition(
            "uphold_reject",
            frozenset({S.ON_HOLD}),
            S.REJECTED,
            OFFICE,
            _("Uphold the objection: reject"),
            needs_reason=True,
            applicant_sees=_("An objection was upheld and the application was rejected."),
        ),
        Transition(
            "final_approve",
            frozenset({S.IN_NOTICE}),
            S.COMMITTED,
            OFFICE,
            _("Final approval (commit the amount)"),
            applicant_sees=_("Finally approved: the amount is committed on the fund and waits for payment."),
        ),
        Transition(
            "pay",
            frozenset({S.COMMITTED}),
            S.PAID,
            FINANCE,
            _("Record payment"),
            applicant_sees=_("Paid."),
        ),
        # Steps that follow the ledger: a release or a reversed payment on the application's commitment.
        Transition(
            "release_all",
            frozenset({S.COMMITTED}),
            S.REJECTED,
            FINANCE | OFFICE,
            _("Release the committed amount (nothing will be paid)"),
            needs_reason=True,
            applicant_sees=_("The committed amount was released and will not be paid: see the reason."),
        ),
        Transition(
            "release_rest",
            frozenset({S.COMMITTED}),
            S.PAID,
            FINANCE | OFFICE,
            _("Release the unpaid rest (the payments made settle the application)"),
            needs_reason=True,
            applicant_sees=_("Paid in part; the rest of the committed amount was released: see the reason."),
        ),
        Transition(
            "reopen_payment",
            frozenset({S.PAID, S.REJECTED}),
            S.COMMITTED,
            FINANCE,
            _("Reopen for payment (a payment or release was reversed)"),
            needs_reason=True,
            applicant_sees=_("A ledger entry was corrected; the committed amount waits for payment again."),
        ),
        Transition(
            "reject",
            frozenset({S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RECOMMENDED}),
            S.REJECTED,
            REVIEW_OR_OFFICE,
            _("Reject"),
            needs_reason=True,
            applicant_sees=_("Your application was rejected: see the reason."),
        ),
        Transition(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED}),
            S.WITHDRAWN,
            APPLICANTS,
            _("Withdraw"),
            needs_reason=True,
            applicant_sees=_("You withdrew this application."),
        ),
    ]
)

# Transitions that have their own form and service (not the generic action form on the detail page).
SPECIAL_TRANSITIONS = frozenset(
    {
        "submit",
        "resubmit",
        "recommend",
        "object",
        "dismiss_objections",
        "uphold_return",
        "uphold_reject",
        "pay",
        "release_all",
        "release_rest",
        "reopen_payment",
    }
)

# Steps that follow the fund ledger: reachable only through the services that move the money in the same
# transaction (payment, release, reversal), never through the generic action form.
LEDGER_TRANSITIONS = frozenset({"pay", "release_all", "release_rest", "reopen_payment"})

# What the applicant is told while the application is in each state.
STATUS_EXPLAINED: dict[str, Any] = {
    S.DRAFT: _("Not submitted yet. Complete the facts and evidence, sign the commitment, then submit."),
    S.SUBMITTED: _("Submitted; waits for the responsible department to start its review."),
    S.IN_REVIEW: _("The responsible department is reviewing the application."),
    S.RETURNED: _("Returned for more information: correct the facts or add evidence, then resubmit."),
    S.RECOMMENDED: _("Recommended by the department; waits for the programme office's approval."),
    S.IN_NOTICE: _("Approved and published for public notice; anyone may object until the notice ends."),
    S.ON_HOLD: _("On hold: an objection was lodged and waits for staff to resolve it."),
    S.COMMITTED: _("Finally approved; the amount is committed on the fund and waits for payment."),
    S.PAID: _("Paid."),
    S.REJECTED: _("Rejected."),
    S.WITHDRAWN: _("Withdrawn by the applicant."),
}

# States in which each kind of user must act (the work queues).
WAITING_ON_REVIEWER = (S.SUBMITTED, S.IN_REVIEW)
WAITING_ON_OFFICE = (S.RECOMMENDED, S.ON_HOLD, S.IN_NOTICE)
WAITING_ON_FINANCE = (S.COMMITTED,)
WAITING_ON_APPLICANT = (S.DRAFT, S.RETURNED)
