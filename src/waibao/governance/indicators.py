"""Live indicators of duties: figures the platform computes from its own data (a duty names one as data).

Each indicator answers "how well is this duty done, right now?" as a share against the duty's target. An
indicator whose data the platform does not hold yet says so, rather than showing a number.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waibao.common import public_cache
from waibao.common.plain_sql import column, moment_from_db, table
from waibao.workdays.calendar import CalendarYearMissingError, WorkCalendar


@dataclass(frozen=True)
class IndicatorValue:
    available: bool
    numerator: int = 0
    denominator: int = 0
    period: str = ""
    note: str = ""

    @property
    def share(self) -> Decimal | None:
        if not self.available or not self.denominator:
            return None
        return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Indicator:
    """`areas`: the public-cache areas whose versions its value follows (its figure is cached until a service marks
    one changed, and the cockpit keeps it with its other settled figures); none: read on every visit."""

    code: str
    title: object
    compute: Callable[[datetime.date, WorkCalendar], IndicatorValue] = field(repr=False)
    areas: tuple[str, ...] = ()


# The areas each cached indicator follows (see `Indicator.areas`).
_STATISTICS_REPORTING_AREAS = (public_cache.STATISTICS, public_cache.REGISTRY)  # approved figures, who is recognised
_CASEWORK_AREAS = (public_cache.CASEWORK, public_cache.GOVERNANCE)  # cases' histories and types, the duties


def statistics_reporting(today: datetime.date, calendar: WorkCalendar) -> IndicatorValue:
    """SZ-1.8: share of recognised enterprises with approved statistics for the latest closed year by its cut-off.

    Cached until approved statistics, the statistics parameters (the cut-off) or the registry (who is
    recognised) change: the cockpit shows it on every visit, and it reads every recognised enterprise."""
    return public_cache.cached(
        "indicator-statistics-reporting",
        areas=_STATISTICS_REPORTING_AREAS,
        params=today.isoformat(),
        compute=lambda: _statistics_reporting(today),
    )


def _statistics_reporting(today: datetime.date) -> IndicatorValue:
    from waibao.registry.models import Enterprise, EnterpriseStatus
    from waibao.statistics.conf import cutoff_date
    from waibao.statistics.models import Contract, Execution, RecordStatus, StaffingReport

    year = today.year - 1
    while cutoff_date(year) >= today:
        year -= 1
    cutoff = cutoff_date(year)
    by_cutoff = timezone.make_aware(datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time()))
    approved = {"status": RecordStatus.APPROVED, "reviewed_at__lt": by_cutoff, "enterprise": OuterRef("pk")}
    recognised = Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED)
    reported = recognised.filter(
        Exists(Contract.objects.filter(signed_date__year=year, **approved))
        | Exists(Execution.objects.filter(date__year=year, **approved))
        | Exists(StaffingReport.objects.filter(period_end__year=year, **approved))
    )
    return IndicatorValue(
        available=True,
        numerator=reported.count(),
        denominator=recognised.count(),
        period=str(year),
        note=str(_("approved by the cut-off, %(date)s") % {"date": cutoff.isoformat()}),
    )


TRAINING_PAYMENT_WORKING_DAYS = 20
TRAINING_SUBSIDY_RULE = "HZ-17"  # the training subsidies' rules: HZ-17 and its items


@functools.cache
def _training_commitments_sql() -> str:
    """The training subsidies committed since a moment, each with its creation and its first payment (one row per
    commitment; the parameters: the payment kind, the rule's prefix, the moment). Written once as SQL: the ORM's
    building of it cost the cockpit, which reads it on every visit, ten times the rest of the indicator."""
    from waibao.ledger.models import Commitment, LedgerEntry

    key, created = column(Commitment, "id"), column(Commitment, "created_at")
    kind, paid_at = column(LedgerEntry, "kind"), column(LedgerEntry, "created_at")
    return (
        f"SELECT c.{created}, MIN(CASE WHEN e.{kind} = %s THEN e.{paid_at} END) "  # noqa: S608 - names only
        f"FROM {table(Commitment)} c "
        f"LEFT JOIN {table(LedgerEntry)} e ON e.{column(LedgerEntry, 'commitment')} = c.{key} "
        f"WHERE c.{column(Commitment, 'rule_id')} LIKE %s AND c.{created} >= %s GROUP BY c.{key}, c.{created}"
    )


def training_subsidies_paid_in_time(today: datetime.date, calendar: WorkCalendar) -> IndicatorValue:
    """SZ-2.2: share of training subsidies (HZ-17) committed in the last year and paid within 20 working days."""
    from waibao.ledger.models import EntryKind

    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time()))
    with connection.cursor() as cursor:
        cursor.execute(
            _training_commitments_sql(),
            [str(EntryKind.PAYMENT), f"{TRAINING_SUBSIDY_RULE}%", connection.ops.adapt_datetimefield_value(since)],
        )
        rows = [(moment_from_db(committed), moment_from_db(paid)) for committed, paid in cursor.fetchall()]
    on_time = counted = 0
    try:
        for committed_at, paid_at in rows:
            assert committed_at is not None  # a column that is never null
            due = calendar.add_working_days(committed_at, TRAINING_PAYMENT_WORKING_DAYS)
            if paid_at is not None and timezone.localtime(paid_at).date() <= due:
                on_time += 1
                counted += 1
            elif due < today:  # unpaid (or paid late) past its limit
                counted += 1
    except CalendarYearMissingError as exc:
        return IndicatorValue(available=False, note=str(exc.message))
    return IndicatorValue(
        available=True,
        numerator=on_time,
        denominator=counted,
        period=str(_("last 12 months")),
        note=str(_("paid within %(days)s working days of final approval") % {"days": TRAINING_PAYMENT_WORKING_DAYS}),
    )


def _casework(indicator: str) -> Callable[[datetime.date, WorkCalendar], IndicatorValue]:
    """SZ-4.6 / SZ-5.2: share of the cases of the duty's types finished within their time limit (last 12 months)."""

    def compute(today: datetime.date, calendar: WorkCalendar) -> IndicatorValue:
        from waibao.casework.selectors import indicator_figure

        try:
            # Once a day per version of the cases' histories and types (the casework services mark them changed)
            # and of the duties (which types count), and per calendar: the cockpit shows two of these.
            on_time, counted = public_cache.cached(
                "duty-indicator-casework",
                areas=_CASEWORK_AREAS,
                params=(indicator, today.isoformat(), calendar.fingerprint),
                compute=lambda: indicator_figure(indicator, today=today, calendar=calendar),
            )
        except CalendarYearMissingError as exc:
            return IndicatorValue(available=False, note=str(exc.message))
        return IndicatorValue(
            available=True,
            numerator=on_time,
            denominator=counted,
            period=str(_("last 12 months")),
            note=str(_("cases answered within their time limit in working days (open overdue cases count as late)")),
        )

    return compute


def _not_in_service(note: object) -> Callable[[datetime.date, WorkCalendar], IndicatorValue]:
    def compute(today: datetime.date, calendar: WorkCalendar) -> IndicatorValue:
        return IndicatorValue(available=False, note=str(note))

    return compute


INDICATORS: dict[str, Indicator] = {
    ind.code: ind
    for ind in (
        Indicator(
            "statistics_reporting",
            _("Enterprises reporting statistics on time"),
            statistics_reporting,
            areas=_STATISTICS_REPORTING_AREAS,
        ),
        Indicator(
            "training_subsidies_paid",
            _("Training subsidies paid on time"),
            training_subsidies_paid_in_time,
        ),
        Indicator(
            "website_updated",
            _("Outsourcing website published and kept up to date"),
            _not_in_service(_("The platform does not run the outsourcing website yet: no figure to show.")),
        ),
        Indicator(
            "cases_answered",
            _("Consultations and complaints answered in time"),
            _casework("cases_answered"),
            areas=_CASEWORK_AREAS,
        ),
        Indicator(
            "ip_complaints_answered",
            _("IP complaints handled in time"),
            _casework("ip_complaints_answered"),
            areas=_CASEWORK_AREAS,
        ),
    )
}


def indicator_for(code: str) -> Indicator | None:
    return INDICATORS.get(code)
