"""URLs of the fund pages (prefix /ledger/, namespace "ledger")."""

from django.urls import path

from waibao.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="overview_export"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/export.xlsx", views.line_export, name="line_export"),
    path("lines/<int:line_id>/budget/", views.line_budget, name="line_budget"),
    path("commitments/<int:commitment_id>/", views.commitment_detail, name="commitment"),
    path("commitments/<int:commitment_id>/pay/", views.commitment_pay, name="commitment_pay"),
    path("commitments/<int:commitment_id>/release/", views.commitment_release_view, name="commitment_release"),
    path("entries/<int:entry_id>/reverse/", views.entry_reverse_view, name="entry_reverse"),
    path("applications/<int:application_id>/", views.application_view, name="application"),
    path("applications/<int:application_id>/export.xlsx", views.application_export, name="application_export"),
    path("statement/", views.statement, name="statement"),
    path("reconciliation/", views.reconciliation_view, name="reconciliation"),
    path("statement/export.xlsx", views.statement_export, name="statement_export"),
]
