"""Statistics URLs."""

from django.urls import path

from waibao.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.indicators_export, name="export"),
    path("goal/", views.goal, name="goal"),
    path("figures/", views.public, name="public"),
    path("records/", views.my_records, name="my_records"),
    path("records/submit/", views.submit_selected, name="submit_selected"),
    path("contracts/new/", views.contract_edit, name="contract_new"),
    path("contracts/<int:contract_id>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_id>/executions/new/", views.execution_edit, name="execution_new"),
    path("executions/<int:execution_id>/edit/", views.execution_edit, name="execution_edit"),
    path("staffing/new/", views.staffing_edit, name="staffing_new"),
    path("staffing/<int:report_id>/edit/", views.staffing_edit, name="staffing_edit"),
    path("<str:kind>/<int:record_id>/action/", views.record_action, name="record_action"),
    path("<str:kind>/<int:record_id>/delete/", views.record_delete, name="record_delete"),
    path("import/<str:kind>/", views.import_view, name="import"),
    path("import/<str:kind>/template.xlsx", views.import_template, name="import_template"),
    path("review/", views.review, name="review"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("rates/", views.rates, name="rates"),
    path("parameters/", views.parameters_edit, name="parameters"),
]
