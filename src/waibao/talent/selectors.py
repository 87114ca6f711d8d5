"""Reads: the training plan's live progress, each trainee's subsidy state, the refunds due through an employer."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from waibao.applications.models import CLOSED_STATUSES
from waibao.common.plain_sql import column, table
from waibao.talent.models import (
    ClaimLine,
    Enrolment,
    EnrolmentStatus,
    LineStatus,
    PlanTarget,
    Programme,
    Recognition,
    TraineeCategory,
)
from waibao.talent.services import GRADUATE_CATEGORIES

# The rules that may follow a trainee of each category, in the order they come.
RULES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    TraineeCategory.FRESH_GRADUATE: ("HZ-17b", "HZ-17b-hire"),
    TraineeCategory.UNEMPLOYED_GRADUATE: ("HZ-17b", "HZ-17b-hire"),
    TraineeCategory.NEW_EMPLOYEE: ("HZ-17c",),
    TraineeCategory.CUSTOMISED: ("HZ-17d",),
}


@dataclass(frozen=True)
class PlanProgress:
    target: PlanTarget
    enrolled: int
    completed: int
    hired: int

    @staticmethod
    def _percent(done: int, target: int) -> int | None:
        return None if not target else min(999, round(100 * done / target))

    @property
    def enrolled_percent(self) -> int | None:
        return self._percent(self.enrolled, self.target.enrolled)

    @property
    def completed_percent(self) -> int | None:
        return self._percent(self.completed, self.target.completed)

    @property
    def hired_percent(self) -> int | None:
        return self._percent(self.hired, self.target.hired)


def plan_progress(year: int) -> list[PlanProgress]:
    """Each target of the year's plan with what is achieved so far (one grouped query; live, never stored).

    A programme counts in the year it starts; a zone target counts the programmes held in that zone, a city-wide
    target (no zone) every programme of its type."""
    rows = (
        Enrolment.objects.filter(programme__starts_on__year=year)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values("programme__kind", "programme__zone_id")
        .annotate(
            enrolled_count=Count("pk"),
            completed_count=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
            hired_count=Count("pk", filter=Q(employer__isnull=False, hire_confirmed_at__isnull=False)),
        )
    )
    by_zone: dict[tuple[str, int | None], list[int]] = {}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        counts = [row["enrolled_count"], row["completed_count"], row["hired_count"]]
        by_zone[(row["programme__kind"], row["programme__zone_id"])] = counts
        total = by_kind[row["programme__kind"]]
        for i, value in enumerate(counts):
            total[i] += value
    out = []
    for target in PlanTarget.objects.filter(year=year).select_related("zone").order_by("kind", "zone__code"):
        if target.zone_id is None:
            counts = by_kind.get(target.kind, [0, 0, 0])
        else:
            counts = by_zone.get((target.kind, target.zone_id), [0, 0, 0])
        out.append(PlanProgress(target, *counts))
    return out


@dataclass(frozen=True)
class SubsidyState:
    """Where one rule stands for one trainee: a short state text, the amount where known, a reason."""

    rule_id: str
    state: Any
    amount: Decimal | None = None
    reason: str = ""
    application_id: int | None = None


def _live_lines(enrolment_ids: Iterable[int]) -> dict[tuple[int, str], ClaimLine]:
    lines = (
        ClaimLine.objects.filter(enrolment_id__in=list(enrolment_ids))
        .exclude(application__status__in=CLOSED_STATUSES)
        .select_related("application")
        .order_by("pk")
    )
    return {(line.enrolment_id, line.rule_id): line for line in lines}


def _waiting(enrolment: Enrolment, rule_id: str) -> Any:
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return _("Withdrawn: no subsidy")
    if enrolment.status != EnrolmentStatus.COMPLETED:
        return _("Waits for completion")
    if rule_id == "HZ-17d" and not enrolment.passed:
        return _("Did not pass: no subsidy")
    if rule_id in ("HZ-17b-hire", "HZ-17d"):
        if enrolment.employer_id is None:
            return _("Waits for a hire")
        if enrolment.hire_confirmed_at is None:
            return _("Hire waits for the employer's confirmation")
    return _("Ready to claim")


def subsidy_states(enrolments: list[Enrolment]) -> dict[int, list[SubsidyState]]:
    """Per enrolment, the state of each rule that may follow it (one query for all the lines)."""
    lines = _live_lines(e.pk for e in enrolments)
    out: dict[int, list[SubsidyState]] = {}
    for enrolment in enrolments:
        states: list[SubsidyState] = []
        programme = enrolment.programme
        if programme.recognition != Recognition.RECOGNISED:
            reason = programme.recognition_reason
            text = (
                _("No subsidy: the programme is not recognised")
                if programme.recognition == Recognition.NOT_RECOGNISED
                else _("No subsidy unless the programme is recognised before it starts")
            )
            out[enrolment.pk] = [SubsidyState("", text, reason=reason)]
            continue
        for rule_id in RULES_BY_CATEGORY.get(enrolment.category, ()):
            line = lines.get((enrolment.pk, rule_id))
            if line is None:
                states.append(SubsidyState(rule_id, _waiting(enrolment, rule_id)))
            elif line.status == LineStatus.REFUSED:
                states.append(SubsidyState(rule_id, _("Refused"), line.amount_cny, line.reason, line.application_id))
            else:
                states.append(
                    SubsidyState(
                        rule_id,
                        line.application.get_status_display(),
                        line.amount_cny,
                        application_id=line.application_id,
                    )
                )
        out[enrolment.pk] = states
    return out


def refunds_due_through(enterprise_id: int) -> QuerySet[Enrolment]:
    """Graduates hired by the enterprise whose 15 % refund (HZ-17b-hire) is due through it (not yet claimed)."""
    claimed = ClaimLine.objects.filter(rule_id="HZ-17b-hire").exclude(application__status__in=CLOSED_STATUSES)
    return (
        Enrolment.objects.filter(
            employer_id=enterprise_id,
            category__in=GRADUATE_CATEGORIES,
            status=EnrolmentStatus.COMPLETED,
            programme__recognition=Recognition.RECOGNISED,
        )
        .exclude(pk__in=claimed.values("enrolment_id"))
        .select_related("trainee", "programme", "programme__institution")
        .order_by("programme__ends_on", "pk")
    )


# The programme list's columns: read as plain values, not as programmes with their institution, employer and zone
# (compiling and loading those three relations' columns was most of the page).
PROGRAMME_LINE_FIELDS = (
    "pk",
    "name_zh",
    "name_en",
    "institution__name_zh",
    "institution__name_en",
    "kind",
    "employer__name_zh",
    "employer__name_en",
    "starts_on",
    "ends_on",
    "fee_cny",
    "capacity",
    "recognition",
)


def programme_lines(qs: QuerySet[Programme]) -> QuerySet[Programme, dict[str, Any]]:
    """The programme list's rows as plain values, without their trainees' counts: the list pages these
    (`with_enrolment_counts` counts the shown page), so that counting the list stays a plain count."""
    return qs.values(*PROGRAMME_LINE_FIELDS)


@functools.cache
def _enrolment_counts_sql(n: int) -> str:
    """Enrolments of `n` programmes by programme and status (written once as SQL: the ORM's building of this grouped
    query cost the programme list more than the rest of its rows)."""
    programme, status = column(Enrolment, "programme"), column(Enrolment, "status")
    return (
        f"SELECT {programme}, {status}, COUNT(*) FROM {table(Enrolment)} "  # noqa: S608 - names only
        f"WHERE {programme} IN ({', '.join(['%s'] * n)}) GROUP BY {programme}, {status}"
    )


def with_enrolment_counts(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shown rows of `programme_lines` with each programme's enrolled (not withdrawn) and completed trainees,
    counted by the database for these programmes only, in one grouped query.

    Counting in the list's own query made both the list's count and its page a grouped join of programmes
    and enrolments: some 8,000 Python calls a request to compile, and the count grouped every programme.
    """
    rows = [dict(line, enrolled_count=0, completed_count=0) for line in lines]
    if not rows:
        return rows
    by_pk = {row["pk"]: row for row in rows}
    with connection.cursor() as cursor:
        cursor.execute(_enrolment_counts_sql(len(by_pk)), list(by_pk))
        counted = cursor.fetchall()
    for programme_id, status, n in counted:
        row = by_pk[programme_id]
        if status != EnrolmentStatus.WITHDRAWN:
            row["enrolled_count"] += n
        if status == EnrolmentStatus.COMPLETED:
            row["completed_count"] += n
    return rows


@dataclass(frozen=True)
class ProgrammeCounts:
    total: int
    waiting: int  # waiting for recognition


def programme_counts(qs: QuerySet[Programme]) -> ProgrammeCounts:
    """How many programmes `qs` holds and how many of them wait for recognition, from one query."""
    counts = qs.aggregate(total=Count("pk"), waiting=Count("pk", filter=Q(recognition=Recognition.REQUESTED)))
    return ProgrammeCounts(total=counts["total"], waiting=counts["waiting"])


def programmes_with_counts(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.select_related("institution", "employer", "zone").annotate(
        enrolled_count=Count("enrolments", filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN)),
        completed_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED)),
    )
