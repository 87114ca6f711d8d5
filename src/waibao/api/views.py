"""The personal API tokens page: list (with last use), create (the token is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import current_user
from waibao.accounts.mfa import needs_second_factor
from waibao.api.forms import TokenForm
from waibao.api.models import ApiToken
from waibao.api.services import max_days, token_create, token_revoke
from waibao.common.errors import DomainError


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return None


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    user = current_user(request)
    form = TokenForm(request.POST or None, max_days=max_days(user))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = token_create(
                acting_user=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                verified_session=not needs_second_factor(user) or bool(user.is_verified()),  # type: ignore[attr-defined]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            form = TokenForm(max_days=max_days(user))
    listed = ApiToken.objects.filter(user=user)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": listed, "created": created, "staff": needs_second_factor(user)},
        status=422 if request.method == "POST" and created is None else 200,
    )


@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    token = token_revoke(acting_user=current_user(request), token_id=token_id)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
