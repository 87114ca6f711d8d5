"""Reads for the application pages: rule choices, prefilled facts, work queues, the public notice, history."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from waibao.accounts.models import Role, User
from waibao.applications.access import reviewer_rule_ids, visible_applications
from waibao.applications.models import (
    APPROVED_STATUSES,
    Application,
    ApplicationStatus,
    Notification,
    Objection,
    ObjectionStatus,
    RuleRouting,
)
from waibao.applications.policy import cash_rule_ids, package, rule_form
from waibao.applications.workflow import (
    WAITING_ON_APPLICANT,
    WAITING_ON_FINANCE,
    WAITING_ON_OFFICE,
    WAITING_ON_REVIEWER,
)
from waibao.audit.models import AuditEvent
from waibao.audit.selectors import history_for
from waibao.common.i18n import is_english, localized
from waibao.common.labels import has_label, label
from waibao.common.money import from_fen
from waibao.common.plain_sql import column, moment_from_db, table
from waibao.governance.models import Department
from waibao.policy.engine.evaluate import render_message
from waibao.registry.models import Enterprise
from waibao.talent.models import TrainingInstitution

S = ApplicationStatus


@dataclass(frozen=True)
class RuleOption:
    rule_id: str
    title: str
    article: str
    basis: str
    department: str
    citation: str


def rule_options(user: User) -> list[RuleOption]:
    """The rules this user's kind of applicant may apply under (routed and open)."""
    kind = "enterprise" if user.role == Role.ENTERPRISE else "training_institution"
    routings = {r.rule_id: r for r in RuleRouting.objects.select_related("department").filter(is_open=True)}
    options: list[RuleOption] = []
    for rule_id in cash_rule_ids():
        routing = routings.get(rule_id)
        if routing is None or kind not in (routing.applicant_kinds or ["enterprise"]):
            continue
        form = rule_form(rule_id)
        options.append(
            RuleOption(
                rule_id, form.title, form.article, basis_name(form.basis), routing.department.name, routing.citation
            )
        )
    return options


def year_choices() -> list[int]:
    start = package().effective_from.year
    return list(range(timezone.localdate().year, start - 1, -1))


@dataclass(frozen=True)
class Prefill:
    """Initial fact values and where each came from (shown under the field)."""

    values: dict[str, Any]
    sources: dict[str, str]


def prefill(user: User, *, rule_id: str, year: int) -> Prefill:
    """Initial values for the rule's facts: the registry field of the same name, then approved statistics.

    The applicant may correct them; a zero from statistics means no approved figure and is left blank.
    """
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    wanted = {f.name for f in rule_form(rule_id).facts}
    enterprise = user.enterprise if user.role == Role.ENTERPRISE else None
    if enterprise is not None:
        columns = {f.name for f in type(enterprise)._meta.concrete_fields}
        for name in sorted(wanted & columns):
            value = getattr(enterprise, name)
            if value is not None:
                values[name] = value
                sources[name] = str(gettext_lazy("From the registry"))
        for name, value in _approved_statistics(enterprise.pk, year).items():
            if name in wanted and value:
                values[name] = value
                sources[name] = str(gettext_lazy("From approved statistics for %(year)s") % {"year": year})
    institution = user.training_institution if user.role == Role.TRAINING_INSTITUTION else None
    if institution is not None and "approved_training_institution" in wanted:
        values["approved_training_institution"] = institution.approved
        sources["approved_training_institution"] = str(gettext_lazy("From the registry"))
    return Prefill(values=values, sources=sources)


def _approved_statistics(enterprise_id: int, year: int) -> dict[str, Any]:
    try:
        from waibao.statistics.selectors import approved_facts
    except ImportError:  # another city's deployment may run without the statistics area
        return {}
    return dict(approved_facts(enterprise_id=enterprise_id, year=year))


# --- queues -----------------------------------------------------------------------------------------


# Large fields no list shows (the engine's whole result, the facts, the signed commitment): not loaded there.
LIST_DEFERRED = ("facts", "result", "commitment_text")


@dataclass(frozen=True)
class Named:
    """A related record's name in the reader's language, where a list needs nothing else of it."""

    name: str


@dataclass(frozen=True)
class QueuedApplication:
    """What a queue row shows of an application (the page and its export), read as plain values: model instances
    with three related ones, and the query that loads them, were most of the queue's Python. It answers what the
    export job reads of an application (`applicant_name`, `department.name`, `get_status_display()`) alike."""

    pk: int
    rule_id: str
    year: int
    status: str
    applicant_name: str
    department: Named | None
    recommended_amount_cny: Decimal | None
    calculated_amount_cny: Decimal | None
    department_id: int | None = None

    def get_status_display(self) -> str:
        try:
            return str(S(self.status).label)
        except ValueError:
            return self.status


@dataclass(frozen=True)
class QueueRow:
    application: QueuedApplication
    age_days: int
    limit_days: int | None
    overdue: bool
    waiting_on: str


def _waiting_states(user: User) -> tuple[str, ...]:
    if user.role == Role.DEPARTMENT_REVIEWER:
        return (*WAITING_ON_REVIEWER, S.ON_HOLD)
    if user.role == Role.PROGRAMME_OFFICE:
        return (*WAITING_ON_REVIEWER, *WAITING_ON_OFFICE)
    if user.role == Role.FINANCE_OFFICER:
        return WAITING_ON_FINANCE
    return (*WAITING_ON_APPLICANT, S.SUBMITTED, S.IN_REVIEW, S.RECOMMENDED, S.IN_NOTICE, S.ON_HOLD, S.COMMITTED)


def waiting_on(status: str) -> str:
    if status in WAITING_ON_REVIEWER:
        return "department"
    if status in WAITING_ON_OFFICE:
        return "office"
    if status in WAITING_ON_FINANCE:
        return "finance"
    if status in WAITING_ON_APPLICANT:
        return "applicant"
    return ""


@dataclass(frozen=True)
class Queue:
    """One page of a work queue, with the counts over the whole queue."""

    rows: list[QueueRow]
    total: int
    overdue: int
    page: int
    pages: int


def step_limit_days(due: datetime.datetime | None, since: datetime.datetime | None) -> int | None:
    """The time limit of a step in days, read back from its stored deadline (`due`) and when it began (`since`)."""
    if due is None or since is None:
        return None
    return (due - since).days - 1


@functools.cache
def _qualified(model: type[models.Model], name: str) -> str:
    """A field's column with its table, quoted (once per process)."""
    return f"{table(model)}.{column(model, name)}"


def _queue_scope(user: User) -> tuple[list[str], list[Any], bool]:
    """The applications waiting on `user` as SQL conditions on the application table and their parameters, and
    whether they need the enterprise joined: `access.visible_applications(user)` narrowed to the user's waiting
    states, written out (tests/applications/test_queue.py holds the two to the same applications for every role).
    An empty list of conditions' "FALSE" stands for `none()`."""
    status, department, rule = (_qualified(Application, name) for name in ("status", "department", "rule_id"))
    states = [str(s) for s in _waiting_states(user)]
    conditions = [f"{status} IN ({', '.join(['%s'] * len(states))})"]
    params: list[Any] = [*states]
    role = user.role if getattr(user, "is_authenticated", False) else None
    if role == Role.PROGRAMME_OFFICE:
        conditions.append(f"{status} <> %s")
        params.append(S.DRAFT.value)
        return conditions, params, False
    if role == Role.DEPARTMENT_REVIEWER and user.department_id is not None:
        partner_rules = reviewer_rule_ids(user.department_id)
        own = f"{department} = %s"
        if partner_rules:  # an empty IN matches nothing, as the ORM drops it from the OR
            own = f"({own} OR {rule} IN ({', '.join(['%s'] * len(partner_rules))}))"
        conditions += [own, f"{status} <> %s"]
        params += [user.department_id, *partner_rules, S.DRAFT.value]
        if user.zone_id is None:
            return conditions, params, False
        conditions.append(f"{_qualified(Enterprise, 'zone')} = %s")
        params.append(user.zone_id)
        return conditions, params, True
    if role == Role.FINANCE_OFFICER:
        conditions.append(f"{status} IN ({', '.join(['%s'] * len(APPROVED_STATUSES))})")
        params += [str(s) for s in APPROVED_STATUSES]
        return conditions, params, False
    if role == Role.ENTERPRISE and user.enterprise_id:
        conditions.append(f"{_qualified(Application, 'enterprise')} = %s")
        params.append(user.enterprise_id)
        return conditions, params, False
    if role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        conditions.append(f"{_qualified(Application, 'training_institution')} = %s")
        params.append(user.training_institution_id)
        return conditions, params, False
    return ["1 = 0"], [], False


@functools.cache
def _queue_from(with_enterprise: bool, *, named: bool) -> str:
    """The application table, with its enterprise joined where a zone's scope needs it, and (`named`) the
    enterprise, training institution and department whose names its rows show (written once per process)."""

    def joined(kind: str, field: str, model: type[models.Model]) -> str:
        return f"{kind} JOIN {table(model)} ON ({_qualified(Application, field)} = {_qualified(model, 'pk')})"

    tables = [table(Application)]
    if with_enterprise or named:
        tables.append(joined("INNER" if with_enterprise else "LEFT OUTER", "enterprise", Enterprise))
    if named:
        tables += [joined("LEFT OUTER", "training_institution", TrainingInstitution)]
        tables += [joined("LEFT OUTER", "department", Department)]
    return " ".join(tables)


@functools.cache
def _queue_columns() -> str:
    """What a queue row shows (the page and its export), in the order `queue` reads them."""
    names = [
        *(_qualified(Application, name) for name in (
            "pk", "rule_id", "year", "status", "status_changed_at", "step_due_at", "created_at",
            "recommended_amount_cny", "calculated_amount_cny",
        )),
        *(_qualified(model, name) for model in (Enterprise, TrainingInstitution) for name in ("name_zh", "name_en")),
        _qualified(Application, "department"), _qualified(Department, "name_zh"), _qualified(Department, "name_en"),
    ]  # fmt: skip
    return ", ".join(names)


def queue(user: User, *, now: datetime.datetime | None = None, page: int = 1, per_page: int | None = 50) -> Queue:
    """What waits on this user (their department for reviewers): overdue first, then oldest, with age and marks.

    Overdue is the stored deadline of the current step (`Application.step_due_at`) passed: one indexed
    comparison, so counting and ordering stay cheap and only the shown page is loaded, as plain values.
    Both reads are plain SQL from the models' names (`_queue_scope`): built through the ORM, the count, the
    ordering and the joined columns cost the page more Python than everything else it does."""
    now = now or timezone.now()
    conditions, params, with_enterprise = _queue_scope(user)
    due, changed, key = (_qualified(Application, name) for name in ("step_due_at", "status_changed_at", "pk"))
    moment = connection.ops.adapt_datetimefield_value(now)
    where = " AND ".join(conditions)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT(CASE WHEN {due} <= %s THEN 1 END) "  # noqa: S608
            f"FROM {_queue_from(with_enterprise, named=False)} WHERE {where}",
            [moment, *params],
        )
        total, overdue_total = cursor.fetchone()
    pages = max((total + per_page - 1) // per_page, 1) if per_page else 1
    page = min(max(page, 1), pages)
    # Overdue first: the deadline passed sorts first; a step without a deadline (null) is never overdue and sorts
    # by age with the steps on time (as the ORM's Coalesce(step_due_at <= now, False) descending sorted them).
    sql = (
        f"SELECT {_queue_columns()} FROM {_queue_from(with_enterprise, named=True)} WHERE {where} "  # noqa: S608
        f"ORDER BY CASE WHEN {due} <= %s THEN 1 ELSE 0 END DESC, {changed} ASC, {key} ASC"
    )
    query_params = [*params, moment]
    if per_page:
        sql += " LIMIT %s OFFSET %s"
        query_params += [per_page, (page - 1) * per_page]
    with connection.cursor() as cursor:
        cursor.execute(sql, query_params)
        shown = cursor.fetchall()
    english = is_english()
    zone = connection.timezone  # read once: SQLite gives a column's moments naive, in the connection's time zone

    def aware(moment: Any) -> datetime.datetime | None:
        if isinstance(moment, datetime.datetime):
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
        return moment_from_db(moment)

    departments: dict[int | None, Named | None] = {None: None}
    rows = []
    for (
        pk,
        rule_id,
        year,
        status,
        changed_at,
        due_at,
        created_at,
        recommended,
        calculated,
        enterprise_zh,
        enterprise_en,
        institution_zh,
        institution_en,
        department_id,
        department_zh,
        department_en,
    ) in shown:
        if department_id not in departments:
            departments[department_id] = Named(_in_language(english, department_zh, department_en))
        changed_at, due_at, created_at = aware(changed_at), aware(due_at), aware(created_at)
        since = changed_at or created_at
        rows.append(
            QueueRow(
                application=QueuedApplication(
                    pk=pk,
                    rule_id=rule_id,
                    year=year,
                    status=status,
                    applicant_name=_applicant_name(
                        english, enterprise_zh, enterprise_en, institution_zh, institution_en
                    ),
                    department=departments[department_id],
                    recommended_amount_cny=None if recommended is None else from_fen(recommended),
                    calculated_amount_cny=None if calculated is None else from_fen(calculated),
                    department_id=department_id,
                ),
                age_days=max((now - since).days, 0) if since else 0,  # created_at: never empty
                limit_days=step_limit_days(due_at, changed_at),
                overdue=due_at is not None and due_at <= now,
                waiting_on=waiting_on(status),
            )
        )
    return Queue(rows=rows, total=total, overdue=overdue_total, page=page, pages=pages)


def applications_for(
    user: User, *, status: str = "", rule_id: str = "", year: int | None = None
) -> QuerySet[Application]:
    qs = (
        visible_applications(user)
        .select_related("enterprise", "training_institution", "department", "trainee")
        .defer(*LIST_DEFERRED)
    )
    if status:
        qs = qs.filter(status=status)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-pk")


# --- public notice ----------------------------------------------------------------------------------


def notice_list(*, on: datetime.date | None = None) -> QuerySet[Application]:
    """Applications in their public notice period (held ones too: the objection is under review)."""
    on = on or timezone.localdate()
    return (
        Application.objects.filter(
            status__in=(S.IN_NOTICE, S.ON_HOLD), notice_starts_on__lte=on, notice_ended_early_on__isnull=True
        )
        .filter(Q(notice_ends_on__gte=on) | Q(status=S.ON_HOLD))
        .select_related("enterprise", "training_institution")
        .defer(*LIST_DEFERRED)
        .order_by("notice_ends_on", "pk")
    )


# --- one application --------------------------------------------------------------------------------


def history(application: Application) -> QuerySet[AuditEvent]:
    return history_for(application)


def basis_name(basis: str) -> str:
    return label("basis", basis)


def fund_name(fund_code: str) -> str:
    return label("fund", fund_code)


def declared_facts(application: Application) -> list[tuple[str, Any]]:
    """The declared facts with their titles from the policy package, in the reader's language."""
    pkg = package()
    out: list[tuple[str, Any]] = []
    for name, value in (application.facts or {}).get("facts", {}).items():
        spec = pkg.facts.get(name)
        out.append((localized(spec.title.zh, spec.title.en) if spec else name, _yes_no(value)))
    rule = rule_form(application.rule_id, pkg=pkg) if application.rule_id in pkg.rule_ids else None
    fields = pkg.lists[rule.list_name].fields if rule and rule.list_name else {}
    for name, value in (application.facts or {}).get("item", {}).items():
        spec = fields.get(name)
        out.append((localized(spec.title.zh, spec.title.en) if spec else name, _yes_no(value)))
    if rule and rule.per_item and not rule.item_key_field and application.item_key:
        label = gettext_lazy("Trainee") if application.trainee_id is not None else gettext_lazy("Item")
        out.append((str(label), application.item_label))
    for name, text in (application.facts or {}).get("explanations", {}).items():
        spec = pkg.facts.get(name)
        title = localized(spec.title.zh, spec.title.en) if spec else name
        out.append((str(gettext_lazy("Why another figure: %(fact)s") % {"fact": title}), text))
    return out


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return str(gettext_lazy("yes") if value else gettext_lazy("no"))
    if isinstance(value, str) and has_label("choice", value):  # a choice value (e.g. a trainee's category)
        return label("choice", value)
    return value


def applied_entitlement(application: Application) -> dict[str, Any]:
    """The stored engine output for the applied rule (amount, basis, trace with messages)."""
    applied = (application.result or {}).get("applied") or {}
    return applied if isinstance(applied, dict) else {}


def parameter_value(entry: dict[str, Any]) -> str:
    """A parameter's value in a stored trace, shown as people read it (money, rates, qualifying lists)."""
    from waibao.policy.labels import display_scalar

    spec = package().parameters.get(entry.get("parameter") or "")
    value = entry.get("value")
    if spec is None:
        return display_scalar(value)
    if value is None:
        return str(gettext_lazy("not set"))
    return display_scalar(value, type_=spec.type, unit=spec.unit)


def explanation(application: Application) -> list[dict[str, Any]]:
    """The stored trace as lines to show: conditions met, parameters in force with citations, the amount."""
    lines: list[dict[str, Any]] = []
    for entry in applied_entitlement(application).get("trace", []):
        if entry.get("type") == "parameter":
            citation = entry.get("citation") or {}
            lines.append(
                {
                    "kind": "parameter",
                    "text": f"{label('parameter', entry.get('parameter'))}: {parameter_value(entry)}",
                    "detail": citation.get("article", ""),
                    "quote": citation.get("text", ""),  # the policy's own words, in its own language
                    "effective_from": entry.get("effective_from") or "",
                }
            )
        else:
            # Rendered again from its code and values, so the trace reads in the reader's language.
            text = render_message(entry) if entry.get("code") else ""
            lines.append({"kind": entry.get("type", ""), "text": text or entry.get("message", ""), "detail": ""})
    return lines


def open_objections(application: Application) -> QuerySet[Any]:
    return application.objections.filter(status=ObjectionStatus.OPEN)


def ledger_view(application: Application, *, staff: bool) -> list[Any]:
    """The ledger's entries for this application: all of them for staff, the payments for the applicant."""
    try:
        from waibao.ledger.selectors import application_ledger, application_payments
    except ImportError:
        return []
    if staff:
        return list(application_ledger(application_id=application.pk))
    return list(application_payments(application_id=application.pk))


def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    # Every signed-in page shows this count: one plain COUNT on the (user, read_at) index, without the ORM's
    # aggregation machinery, which cost more than the query itself.
    owner, read_at = column(Notification, "user"), column(Notification, "read_at")
    sql = f"SELECT COUNT(*) FROM {table(Notification)} WHERE {owner} = %s AND {read_at} IS NULL"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def notifications_for(user: User, *, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("application")[:limit]


def partner_rule_ids(user: User) -> list[str]:
    return reviewer_rule_ids(user.department_id)


@dataclass(frozen=True)
class TriageRow:
    """An objection waiting to be examined, as the office's queue shows it."""

    application_id: int
    rule_id: str
    applicant_name: str
    triage_due_at: datetime.datetime | None


def objections_awaiting_triage() -> list[TriageRow]:
    """Confirmed objections the office has not examined yet, the most urgent (earliest due) first.

    Read as plain values, and only when one waits (most of the time none does, and the office's queue asks on
    every visit): objections with their applications and applicants as model instances cost the queue page some
    2,500 Python calls to compile and load, with no objection waiting; a plain check costs a fifth of that."""
    with connection.cursor() as cursor:  # plain SQL: the ORM's `exists()` cost the queue 480 calls to ask
        cursor.execute(
            f"SELECT 1 FROM {table(Objection)} WHERE {column(Objection, 'status')} = %s LIMIT 1",  # noqa: S608
            [ObjectionStatus.AWAITING_TRIAGE.value],
        )
        if cursor.fetchone() is None:
            return []
    waiting = Objection.objects.filter(status=ObjectionStatus.AWAITING_TRIAGE)
    english = is_english()
    rows = waiting.order_by("triage_due_at", "pk").values_list(
        "application_id",
        "triage_due_at",
        "application__rule_id",
        "application__enterprise__name_zh",
        "application__enterprise__name_en",
        "application__training_institution__name_zh",
        "application__training_institution__name_en",
    )
    out = []
    for application_id, due_at, rule_id, enterprise_zh, enterprise_en, institution_zh, institution_en in rows:
        out.append(
            TriageRow(
                application_id=application_id,
                rule_id=rule_id,
                applicant_name=_applicant_name(english, enterprise_zh, enterprise_en, institution_zh, institution_en),
                triage_due_at=due_at,
            )
        )
    return out


def _applicant_name(
    english: bool,
    enterprise_zh: str | None,
    enterprise_en: str | None,
    institution_zh: str | None,
    institution_en: str | None,
) -> str:
    """`Application.applicant_name` from plain values: the enterprise's name, else the institution's, in the active
    language (`english`, read once per list) when the record has it."""
    if enterprise_zh is not None:
        return _in_language(english, enterprise_zh, enterprise_en)
    if institution_zh is not None:
        return _in_language(english, institution_zh, institution_en)
    return ""


def _in_language(english: bool, zh: str, en: str | None) -> str:
    """`common.i18n.localized` with the language already read."""
    if english and en:
        return en
    return zh or en or ""
