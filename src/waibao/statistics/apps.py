from typing import Any

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "waibao.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from waibao.audit.labels import register_action_labels
        from waibao.common.labels import register_choices
        from waibao.statistics.models import RecordStatus, RevenueMeasure
        from waibao.statistics.workflow import RECORD_WORKFLOW

        register_choices("record_status", RecordStatus)
        register_choices("revenue_measure", RevenueMeasure)
        kinds = {"contract": _("Contract"), "execution": _("Execution"), "staffing": _("Staffing report")}
        labels: dict[str, Any] = {}
        for kind, kind_label in kinds.items():
            step = _("{kind}: {step}")
            labels[f"stats.{kind}.created"] = format_lazy(step, kind=kind_label, step=_("created"))
            labels[f"stats.{kind}.deleted"] = format_lazy(step, kind=kind_label, step=_("deleted"))
            for t in RECORD_WORKFLOW.transitions.values():
                labels[f"stats.{kind}.{t.name}"] = format_lazy(step, kind=kind_label, step=t.label)
        labels.update(
            {
                "stats.staffing.demo": _("Staffing reports created as demo data"),
                "stats.executions.imported": _("Executions imported"),
                "stats.contracts.imported": _("Contracts imported"),
                "stats.rates.imported": _("Exchange rates imported"),
                "stats.rate.set": _("Exchange rate set"),
                "stats.rate.deleted": _("Exchange rate deleted"),
                "stats.parameters.updated": _("Statistics settings changed"),
            }
        )
        register_action_labels(labels)
        from waibao.common.labels import register_model_fields
        from waibao.statistics.models import Contract, Execution, StaffingReport

        for model in (Contract, Execution, StaffingReport):
            register_model_fields("field", model)
        from waibao.common.labels import register

        # The import files' columns: a file may be headed with these names in either language.
        register(
            "column",
            {
                "credit_code": _("Unified social credit code"),
                "contract_no": _("Contract number"),
                "client_name": _("Client"),
                "client_country": _("Client country"),
                "client_industry": _("Client industry"),
                "category": _("Service category"),
                "currency": _("Currency"),
                "amount": _("Amount"),
                "signed_date": _("Signed on"),
                "start_date": _("Start date"),
                "end_date": _("End date"),
                "date": _("Date"),
                "receipt_ref": _("Receipt reference"),
                "over_reason": _("Reason for exceeding the contract"),
                "cny_per_unit": _("CNY per unit"),
            },
        )
        from waibao.statistics.jobs import register_jobs

        register_jobs()
