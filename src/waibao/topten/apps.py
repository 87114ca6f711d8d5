from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToptenConfig(AppConfig):
    name = "waibao.topten"
    label = "topten"
    verbose_name = _("Top-ten selection")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register, register_choices
        from waibao.statistics.workflow import RECORD_WORKFLOW
        from waibao.topten.models import DecisionKind, RunStatus
        from waibao.topten.opendata import register_topten_dataset

        register_choices("topten_run_status", RunStatus)
        register_choices("topten_decision", DecisionKind)
        register("topten_criterion", CRITERIA)
        register("topten_indicator", INDICATORS)
        register("topten_source", SOURCES)
        register("topten_ineligible", INELIGIBLE)
        register("topten_normalisation", NORMALISATIONS)
        labels = {f"topten.report_{t.name}": t.label for t in RECORD_WORKFLOW.transitions.values()}
        labels.update(
            {
                "topten.report_call_set": _("Annual report due date set"),
                "topten.report_created": _("Annual report created"),
                "topten.report_updated": _("Annual report changed"),
                "topten.violation_recorded": _("Violation recorded"),
                "topten.violation_closed": _("Violation closed"),
                "topten.run_created": _("Selection run made"),
                "topten.exclude": _("Enterprise excluded from the list"),
                "topten.adjust": _("Figure adjusted"),
                "topten.run_cancelled": _("Selection run cancelled"),
                "topten.notice_opened": _("List published for public notice"),
                "topten.published": _("Final list published"),
            }
        )
        register_action_labels(labels)
        register_topten_dataset()


CRITERIA = {
    "operating_scale": _("Operating scale"),
    "technological_innovation": _("Technological innovation"),
    "market_development": _("Market development"),
    "taxes": _("Taxes paid"),
}
INDICATORS = {
    "executed_cny": _("Service-outsourcing revenue received (CNY)"),
    "offshore_executed_cny": _("Offshore revenue received (CNY)"),
    "client_countries": _("Client countries and regions"),
    "taxes_paid_cny": _("Taxes paid (CNY)"),
    "rd_expense_cny": _("R&D expense (CNY)"),
    "patents": _("Patents granted"),
    "graduate_employees": _("Employees with a university degree"),
    "employees": _("Employees"),
    "registered_capital_cny": _("Registered capital (CNY)"),
}
SOURCES = {
    "statistics": _("Approved statistics (execution records of the year)"),
    "annual_report": _("Approved annual report"),
    "registry": _("Enterprise registry"),
    "missing": _("Not reported"),
}
INELIGIBLE = {
    "not_recognised": _("Not recognised as a service-outsourcing enterprise"),
    "statistics_not_approved": _("No approved statistics for the year"),
    "statistics_pending": _("Statistics for the year still awaiting review"),
    "no_annual_report": _("No approved annual report for the year"),
    "open_violation": _("An open violation"),
}
NORMALISATIONS = {
    "min_max": _("Min–max (0 to 1)"),
    "z_score": _("Z-score"),
    "rank": _("Percentile rank"),
}
