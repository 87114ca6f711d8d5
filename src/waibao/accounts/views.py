"""Sign in and out, enterprise self-registration, the role home page, staff accounts."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods

from waibao.accounts import mfa
from waibao.accounts.access import OFFICE, current_user, role_required
from waibao.accounts.forms import LoginForm, OneTimeCodeForm, RegistrationForm, StaffUserForm
from waibao.accounts.models import Role, User
from waibao.accounts.services import staff_user_create, user_set_active, user_set_language
from waibao.accounts.throttle import throttle
from waibao.common.clientip import client_ip
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.registry.services import credit_code_taken, enterprise_claim_create, enterprise_register


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
            throttle(
                "registration",
                client_ip(request),
                limit=settings.WAIBAO_REGISTRATIONS_PER_HOUR,
                window=datetime.timedelta(hours=1),
                message=_("Too many registrations from your address in the last hour; please try again later."),
            )
            if credit_code_taken(data["credit_code"]):
                # Someone's account holds this code: the office checks the claim; nothing is revealed or opened.
                enterprise_claim_create(
                    credit_code=data["credit_code"],
                    name_zh=data["name_zh"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    username=data["username"],
                    password=data["password"],
                )
                return render(request, "accounts/register_claim.html", status=202)
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
            login(request, user, backend="waibao.accounts.backends.ModelBackend")
            user_set_language(user=user, language=translation.get_language() or settings.LANGUAGE_CODE)
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


@role_required(*OFFICE)
@require_http_methods(["POST"])
def user_reset_mfa(request: HttpRequest, user_id: int) -> HttpResponse:
    """A colleague lost their phone: remove their device; their next sign-in enrols a new one."""
    target = User.objects.filter(pk=user_id).exclude(role=Role.ENTERPRISE).first()
    if target is None:
        raise NotFoundError()
    mfa.device_reset(acting_user=current_user(request), user=target)
    messages.success(request, _("Two-factor sign-in reset for %(username)s.") % {"username": target.username})
    return redirect("accounts:users")


# --- second factor (TOTP) for office, finance and reviewer accounts ------------------------------------


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), then confirm with one code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = current_user(request)
    if not mfa.needs_second_factor(user) or mfa.confirmed_device(user) is not None:
        return redirect("accounts:otp_verify")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.device_confirm(acting_user=user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
        else:
            mfa.verify_session(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_next_url(request))
    device = mfa.pending_device(user)
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.base32_secret(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Sign-in step two: the code from the enrolled authenticator app."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = current_user(request)
    if not mfa.needs_second_factor(user):
        return redirect("accounts:home")
    if mfa.confirmed_device(user) is None:
        return redirect("accounts:otp_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, user, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not correct, or was already used. Wait for the next one."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})
