"""Role checks. Each object kind's own `access_<kind>` (in its app) builds on these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from waibao.accounts.models import Role, User
from waibao.common.errors import PermissionDeniedError

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def user_role(user: User | AnonymousUser | None) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return str(user.role)


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a role check already let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDeniedError()
    return user


def has_role(user: User | AnonymousUser | None, roles: Iterable[str]) -> bool:
    role = user_role(user)
    return role is not None and role in set(roles)


def require_role(user: User | AnonymousUser | None, roles: Iterable[str]) -> User:
    """The user, if signed in with one of `roles`; otherwise PermissionDeniedError."""
    if not has_role(user, roles):
        raise PermissionDeniedError()
    assert isinstance(user, User)
    return user


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page; signed-in users of other roles get 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, roles)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


STAFF = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER)
OFFICE = (Role.PROGRAMME_OFFICE,)
