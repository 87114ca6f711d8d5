"""Sign in and out, enterprise self-registration, the role home page, staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waibao.accounts.access import OFFICE, current_user, role_required
from waibao.accounts.forms import LoginForm, RegistrationForm, StaffUserForm
from waibao.accounts.models import Role, User
from waibao.accounts.services import staff_user_create, user_set_active
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.registry.services import enterprise_register


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
    role = request.user.role
    if role == Role.ENTERPRISE:
        return redirect("registry:my_enterprise")
    if role == Role.CITY_LEADER:
        return redirect("governance:cockpit")
    if role in (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER):
        return redirect("registry:dashboard")
    return render(request, "accounts/home.html")


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
    users = User.objects.exclude(role=Role.ENTERPRISE).select_related("department", "zone", "training_institution")
    return render(request, "accounts/users.html", {"form": form, "users": users.order_by("role", "username")})


@role_required(*OFFICE)
@require_http_methods(["POST"])
def user_toggle_active(request: HttpRequest, user_id: int) -> HttpResponse:
    target = User.objects.filter(pk=user_id).exclude(role=Role.ENTERPRISE).first()
    if target is None:
        raise NotFoundError()
    user_set_active(acting_user=current_user(request), user=target, active=not target.is_active)
    return redirect("accounts:users")
