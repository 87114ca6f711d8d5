"""The open dataset "case-handling": cases finished per year, case type and department, with the on-time share
and the satisfaction share, under the same disclosure rule as the public figures page.

What is published, and what is not:
- a cell whose cases come from fewer requesters than the office's minimum, or mostly from one requester, is
  withheld (its figures empty, `withheld` true), as on /cases/figures/ (`statistics.disclosure.is_sensitive`);
  there are no totals, so no withheld cell can be worked out by subtraction;
- confidential types (IP infringement complaints) are published as a count of finished cases per year at
  type level only: no department, no on-time or satisfaction share, and under the same small-cell rule;
- no requester, contact, subject or case number is ever in a row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waibao.opendata.catalogue import Built, DatasetSpec, Field

FIELDS = (
    Field("year", "integer", _("Year"), _("The year the case was answered or closed")),
    Field("case_type", "string", _("Case type (code)")),
    Field("case_type_name_zh", "string", _("Case type (Chinese)")),
    Field("case_type_name_en", "string", _("Case type (English)")),
    Field("department", "string", _("Department (code)"), _("Empty for confidential types (counted by type only)")),
    Field("department_name_zh", "string", _("Department (Chinese)")),
    Field("department_name_en", "string", _("Department (English)")),
    Field("cases_closed", "integer", _("Cases answered or closed")),
    Field("on_time_share", "number", _("Share answered within the time limit")),
    Field("satisfaction_share", "number", _("Share of ratings that are not bad")),
    Field("withheld", "boolean", _("Withheld"), _("Too few requesters, or one requester dominates the cell")),
)


def _share(part: int, whole: int) -> str | None:
    return None if not whole else str((Decimal(part) / whole).quantize(Decimal("0.0001")))


def case_handling_rows() -> Built:
    from waibao.casework.models import Case, CaseStatus, Rating
    from waibao.casework.selectors import clocks_for
    from waibao.statistics.disclosure import is_sensitive, office_rule

    cases = list(
        Case.objects.filter(status__in=(CaseStatus.ANSWERED, CaseStatus.CLOSED), department__isnull=False)
        .select_related("case_type", "department")
        .order_by("pk")
    )
    clocks = clocks_for(cases, today=timezone.localdate())
    ratings = dict(Rating.objects.filter(case__in=[c.pk for c in cases]).values_list("case_id", "bad"))
    cells: dict[tuple[int, str, str], dict[str, Any]] = {}
    for case in cases:
        clock = clocks.get(case.pk)
        if clock is None or clock.state.done_on is None or case.department is None:
            continue
        confidential = case.case_type.confidential or case.confidential
        department = "" if confidential else case.department.code
        key = (clock.state.done_on.year, case.case_type.code, department)
        cell = cells.setdefault(
            key,
            {
                "type": case.case_type,
                "department": None if confidential else case.department,
                "done": 0,
                "on_time": 0,
                "ratings": 0,
                "satisfied": 0,
                "requesters": {},
                "confidential": confidential,
            },
        )
        cell["done"] += 1
        cell["on_time"] += clock.badge == "met"
        if case.pk in ratings:
            cell["ratings"] += 1
            cell["satisfied"] += not ratings[case.pk]
        who = f"e{case.enterprise_id}" if case.enterprise_id else f"p{case.contact_email.lower()}"
        cell["requesters"][who] = cell["requesters"].get(who, 0) + 1
    rule = office_rule()
    rows = []
    for (year, type_code, department_code), cell in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[1]["type"].order, kv[0][2])
    ):
        withheld = is_sensitive(cell["requesters"], rule)
        department = cell["department"]
        open_figures = not withheld and not cell["confidential"]
        rows.append(
            {
                "year": year,
                "case_type": type_code,
                "case_type_name_zh": cell["type"].name_zh,
                "case_type_name_en": cell["type"].name_en,
                "department": department_code,
                "department_name_zh": department.name_zh if department else "",
                "department_name_en": department.name_en if department else "",
                "cases_closed": None if withheld else cell["done"],
                "on_time_share": _share(cell["on_time"], cell["done"]) if open_figures else None,
                "satisfaction_share": _share(cell["satisfied"], cell["ratings"]) if open_figures else None,
                "withheld": withheld,
            }
        )
    years = [r["year"] for r in rows]
    temporal = (f"{min(years)}-01-01", f"{max(years)}-12-31") if years else None
    return Built(rows=rows, temporal=temporal)


def register() -> None:
    from waibao.opendata.catalogue import register_dataset

    register_dataset(
        DatasetSpec(
            code="case-handling",
            title=_("Case handling: cases answered, on time and satisfaction"),
            description=_(
                "Consultations, complaints and service requests answered or closed, per year, case type and "
                "department: how many, the share answered within the time limit (working days) and the share "
                "of ratings that are not bad."
            ),
            fields=FIELDS,
            build=case_handling_rows,
            keywords=(_("casework"), _("complaints"), _("time limits")),
            primary_key=("year", "case_type", "department"),
            theme="GOVE",
            source_note=_(
                "The platform's case records. A cell with too few requesters, or dominated by one, is withheld. "
                "Confidential IP infringement complaints are counted per type only, without department or shares. "
                "No requester is named."
            ),
            order=60,
        )
    )
