"""The top-ten results as an open dataset: each published final list, place by place, with the scores the
public page shows (total and per criterion, 4 places), registered in the open-data catalogue from the app's
AppConfig. Nothing beyond the public page: no indicator input, no figure of an enterprise's statistics."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from waibao.opendata.catalogue import Built, DatasetSpec, Field, register_dataset

FIELDS = (
    Field("year", "integer", _("Year")),
    Field("rank", "integer", _("Place"), _("The place on the final list as published")),
    Field("enterprise_name_zh", "string", _("Enterprise (Chinese)")),
    Field("enterprise_name_en", "string", _("Enterprise (English)")),
    Field("credit_code", "string", _("Unified social credit code")),
    Field("total_score", "number", _("Total score")),
    Field("criterion", "string", _("Criterion"), _("The code of the selection criterion")),
    Field("criterion_title_zh", "string", _("Criterion (Chinese)")),
    Field("criterion_title_en", "string", _("Criterion (English)")),
    Field("criterion_weight", "number", _("Criterion weight"), _("The criterion's share of the total score")),
    Field("score", "number", _("Score"), _("The criterion's weighted, normalised score as published")),
)


def _score(value: Any) -> str | None:
    """A score as the public page prints it (4 decimal places); a missing one stays empty."""
    return None if value is None else f"{float(value):.4f}"


def topten_rows() -> Built:
    """One row per place and criterion of every published final list, oldest year first."""
    from waibao.opendata.datasets import both
    from waibao.topten import selectors

    rows: list[dict[str, Any]] = []
    for run in sorted(selectors.published_lists().select_related("method"), key=lambda r: (r.year, r.pk)):
        method = selectors.method_of(run)
        weights = method.normalised_weights()
        titles = {c: both(_Label(c)) for c in method.criteria}
        entries = [e for e in selectors.list_entries(run).select_related("enterprise") if e.on_final_list]
        for entry in entries:
            for criterion in method.criteria:
                rows.append(
                    {
                        "year": run.year,
                        "rank": entry.position,
                        "enterprise_name_zh": entry.name_zh,
                        "enterprise_name_en": entry.name_en,
                        "credit_code": entry.enterprise.credit_code,
                        "total_score": _score(entry.total),
                        "criterion": criterion,
                        "criterion_title_zh": titles[criterion][0],
                        "criterion_title_en": titles[criterion][1],
                        "criterion_weight": _score(weights[criterion]),
                        "score": _score(entry.scores.get(criterion)),
                    }
                )
    years = sorted({r["year"] for r in rows})
    temporal = (f"{years[0]}-01-01", f"{years[-1]}-12-31") if years else None
    return Built(rows=rows, temporal=temporal)


class _Label:
    """A criterion's label, looked up in whichever language is active when it is turned into text."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        from waibao.common.labels import label

        return str(label("topten_criterion", self.code))


def register_topten_dataset() -> None:
    register_dataset(
        DatasetSpec(
            code="topten",
            title=_("Top-ten service-outsourcing enterprises: the published lists"),
            description=_(
                "Every final list published after its public notice: the year, each enterprise's place, name "
                "and credit code, its total score and its score on each criterion with the criterion's weight, "
                "as the public list shows them."
            ),
            fields=FIELDS,
            build=topten_rows,
            keywords=(_("top ten"), _("selection"), _("enterprises")),
            primary_key=("year", "rank", "criterion"),
            theme="ECON",
            source_note=_(
                "The final lists the programme office published after the public notice (HZ-24); scores are "
                "each criterion's weighted, normalised indicators, rounded to 4 places."
            ),
            order=50,
        )
    )
