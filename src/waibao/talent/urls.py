from django.urls import path

from waibao.talent import views

app_name = "talent"

urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<int:institution_id>/approve/", views.institution_toggle_approved, name="institution_approve"),
    path("institutions/<int:institution_id>/suspend/", views.institution_suspend, name="institution_suspend"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:approval_id>/decide/", views.approval_decide, name="approval_decide"),
    path("bases/", views.bases, name="bases"),
    path("plan/", views.plan, name="plan"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/import/", views.programme_import, name="programme_import"),
    path("programmes/<int:programme_id>/<slug:action>/", views.programme_action, name="programme_action"),
    path("enrolments/<int:enrolment_id>/<slug:action>/", views.enrolment_action, name="enrolment_action"),
    path("enrolments/<int:enrolment_id>/proof/<slug:kind>/", views.enrolment_proof, name="enrolment_proof"),
    path("hires/", views.hires, name="hires"),
    path("reward/", views.reward_claim, name="reward"),
    path("claims/<int:application_id>/", views.claim_detail, name="claim"),
    path("claims/<int:application_id>/lines/<int:line_id>/refuse/", views.claim_line_refuse, name="claim_line_refuse"),
    path("refusals/", views.refusals, name="refusals"),
]
