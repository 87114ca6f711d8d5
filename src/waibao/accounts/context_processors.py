"""Puts the signed-in user's role into every template, for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from waibao.accounts.access import user_role
from waibao.accounts.models import Role


def role(request: HttpRequest) -> dict[str, Any]:
    current = user_role(getattr(request, "user", None))
    return {
        "current_role": current,
        "Role": Role,
        "is_staff_role": current in {Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER},
    }
