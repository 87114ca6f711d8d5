"""Policy pages: the public policy page (articles, rules, dated values with citations) and
"What am I entitled to?" for an enterprise (a calculation: nothing is stored)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waibao.accounts.access import STAFF, current_user, role_required
from waibao.accounts.models import Role
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.labels import label
from waibao.policy.display import display_value
from waibao.policy.display import texts as _texts
from waibao.policy.engine import FactsError, default_package, evaluate, parse_facts
from waibao.policy.engine.model import Package
from waibao.policy.entitlements import (
    EntitlementForm,
    Explanation,
    assessment_years,
    default_year,
    explain,
    parse_year,
    prefill,
)
from waibao.registry.access import access_enterprise, enterprises_readable
from waibao.registry.models import Enterprise
from waibao.registry.selectors import EnterpriseFilters, enterprise_list

ENTITLEMENT_ROLES = (Role.ENTERPRISE, *STAFF)
SEARCH_LIMIT = 20


def policy_context(package: Package, as_of: date) -> dict[str, Any]:
    resolved = package.parameters_at(as_of)
    parameters = []
    for pid, param in package.parameters.items():
        now = resolved[pid]
        history = [
            {
                "from": v.effective_from,
                "value": display_value(param, v.value),
                "citation": v.citation,
                "in_force": now is not None and v.effective_from == now.effective_from,
                "later": v.effective_from > as_of,
            }
            for v in param.values
        ]
        parameters.append(
            {
                "id": pid,
                "title": _texts(param.title),
                "now": display_value(param, now.value if now else None),
                "since": now.effective_from if now else None,
                "citation": now.citation if now else None,
                "history": history,
            }
        )
    rules_by_article: dict[str, list[dict[str, Any]]] = {}
    for rule in package.rules:
        rules_by_article.setdefault(rule.article, []).append(
            {
                "id": rule.id,
                "title": _texts(rule.title),
                "kind": label("reward_kind", rule.kind),
                "basis": label("basis", rule.basis),
                "fund": _texts(package.funds[rule.fund]),
                "facts": rule.facts,
                "parameters": rule.parameter_ids,
                "per_item": rule.for_each,
            }
        )
    articles = [
        {
            "id": a.id,
            "number": a.number,
            "title": _texts(a.title),
            "summary": _texts(a.summary),
            "text": a.text,
            "rules": rules_by_article.get(a.id, []),
        }
        for a in package.articles.values()
    ]
    return {
        "package": package,
        "title": _texts(package.title),
        "issuer": _texts(package.issuer),
        "as_of": as_of,
        "articles": articles,
        "parameters": parameters,
    }


def policy_index(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            raise DomainError(_("Enter the date as YYYY-MM-DD."), field="as_of") from None
    package = default_package()
    return render(request, "policy/index.html", policy_context(package, as_of))


@role_required(*ENTITLEMENT_ROLES)
@require_GET
def entitlements_start(request: HttpRequest) -> HttpResponse:
    """An enterprise user goes to their own enterprise; staff find an enterprise by name or credit code."""
    user = current_user(request)
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            raise NotFoundError()
        return redirect("policy:entitlements_enterprise", enterprise_id=user.enterprise_id)
    query = request.GET.get("q", "").strip()[:100]
    matches: list[Enterprise] = []
    if query:
        visible = enterprise_list(EnterpriseFilters(search=query)).filter(enterprises_readable(user))
        matches = list(visible[: SEARCH_LIMIT + 1])
        if len(matches) == 1:
            return redirect("policy:entitlements_enterprise", enterprise_id=matches[0].pk)
    context = {"query": query, "matches": matches[:SEARCH_LIMIT], "more": len(matches) > SEARCH_LIMIT}
    return render(request, "policy/entitlements_start.html", context)


@role_required(*ENTITLEMENT_ROLES)
@require_http_methods(["GET", "POST"])
def entitlements_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The facts form, prefilled for the chosen year; on POST, what the facts are entitled to and why."""
    enterprise = access_enterprise(request.user, enterprise_id)
    package = default_package()
    today = timezone.localdate()
    years = assessment_years(package, today)
    raw_year = (request.POST if request.method == "POST" else request.GET).get("year", "")
    year = parse_year(raw_year, years)
    if year is None:
        if raw_year and request.method == "GET":
            message = _("Choose an assessment year from %(first)s to %(last)s.") % {
                "first": years[0],
                "last": years[-1],
            }
            raise DomainError(message, field="year")
        year = default_year(years, today)
    values = prefill(package, enterprise, year)
    explanation: Explanation | None = None
    if request.method == "POST":
        form = EntitlementForm(request.POST, package=package, years=years)
        if form.is_valid():
            data = form.facts_input()  # also marks every fact the engine refuses on its own
            if not form.errors:
                try:
                    facts = parse_facts(package, data)
                except FactsError as error:
                    form.add_facts_error(error)
                else:
                    explanation = explain(package, evaluate(package, facts), facts=facts, item_rows=form.submitted_rows)
    else:
        form = EntitlementForm(initial=values.initial(), package=package, years=years)
    context = {
        "enterprise": enterprise,
        "package": package,
        "package_title": _texts(package.title)["primary"],
        "year": year,
        "years": years,
        "form": form,
        "scalars": form.scalar_rows(values.sources),
        "lists": form.list_tables(),
        "explanation": explanation,
    }
    return render(request, "policy/entitlements.html", context)
