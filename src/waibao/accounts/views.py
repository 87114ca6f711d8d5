"""Sign in and out, enterprise self-registration, the role home page, staff accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods

from waibao.accounts.access import OFFICE, current_user, role_required
from waibao.accounts.forms import LoginForm, RegistrationForm, StaffUserForm
from waibao.accounts.models import User
from waibao.accounts.services import staff_user_create, user_set_active, user_set_language
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.registry.services import enterprise_register


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_set_language(user=form.get_user(), language=translation.get_language() or settings.LANGUAGE_CODE)
        return response


@require_http_methods(["POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and the signed-in user's language remembered for their notifications."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and translation.check_for_language(language):
        user_set_language(user=current_user(request), language=language)
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _enterprise, user = enterprise_register(
                credit_code=data["credit_code"],
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                username=data["username"],
                password=data["password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your enterprise is registered. The programme office will verify it; complete your profile."),
            )
            return redirect("registry:my_enterprise")
    return render(request, "accounts/register.html", {"form": form})


def home(request: HttpRequest) -> HttpResponse:
    """Where each role starts after signing in."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if not request.user.role:  # the superuser: the admin
        return render(request, "accounts/home.html")
    return redirect("portal:work")  # each role's own work


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_user_create(acting_user=current_user(request), **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("accounts:users")
    users = User.objects.select_related("department", "zone", "training_institution", "enterprise")
    return render(request, "accounts/users.html", {"form": form, "users": users.order_by("role", "username")})


@role_required(*OFFICE)
@require_http_methods(["POST"])
def user_toggle_active(request: HttpRequest, user_id: int) -> HttpResponse:
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFoundError()
    user_set_active(acting_user=current_user(request), user=target, active=not target.is_active)
    return redirect("accounts:users")
