"""The office's page of training institutions: list, add, approve or withdraw approval."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import OFFICE, current_user, role_required
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.talent.forms import TrainingInstitutionForm
from waibao.talent.institutions import training_institution_create, training_institution_set_approved
from waibao.talent.models import TrainingInstitution


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def institutions(request: HttpRequest) -> HttpResponse:
    form = TrainingInstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = training_institution_create(acting_user=current_user(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": institution.name})
            return redirect("talent:institutions")
    rows = TrainingInstitution.objects.prefetch_related("users").order_by("name_zh")
    return render(request, "talent/institutions.html", {"form": form, "institutions": rows})


@role_required(*OFFICE)
@require_POST
def institution_toggle_approved(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = TrainingInstitution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise NotFoundError()
    training_institution_set_approved(
        acting_user=current_user(request), institution=institution, approved=not institution.approved
    )
    return redirect("talent:institutions")
