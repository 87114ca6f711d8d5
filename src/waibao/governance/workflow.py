"""The life of a leadership-group meeting, declared as data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.common.workflow import Transition, Workflow
from waibao.governance.models import MeetingStatus as S

OFFICE = frozenset({Role.PROGRAMME_OFFICE})

MEETING_WORKFLOW = Workflow(
    [
        Transition("hold", frozenset({S.SCHEDULED}), S.HELD, OFFICE, _("Record as held")),
        Transition("cancel", frozenset({S.SCHEDULED}), S.CANCELLED, OFFICE, _("Cancel the meeting"), needs_reason=True),
        Transition("circulate", frozenset({S.HELD}), S.CIRCULATED, OFFICE, _("Circulate the minutes for comment")),
        Transition("redraft", frozenset({S.CIRCULATED}), S.HELD, OFFICE, _("Take the minutes back to redraft")),
        Transition("approve", frozenset({S.CIRCULATED}), S.APPROVED, OFFICE, _("Approve the minutes")),
        Transition("publish", frozenset({S.APPROVED}), S.PUBLISHED, OFFICE, _("Publish the minutes internally")),
    ]
)

# Minutes are edited while drafting; members comment while circulated.
MINUTES_EDITABLE = frozenset({S.HELD})
COMMENTS_OPEN = frozenset({S.CIRCULATED})
# Decisions are recorded from the meeting on, until the minutes are approved.
DECISIONS_OPEN = frozenset({S.SCHEDULED, S.HELD, S.CIRCULATED})
