"""The catalogue of scarce outsourcing talent (HZ-18) and what it entitles a person to, from the data set
(`scarce_talent.yaml`). Entries not in the file are removed; the file is the source."""

from __future__ import annotations

from pathlib import Path

from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.recruitment.models import ScarceTalent, ScarceTalentBenefit
from waibao.registry.models import ServiceCategory

LEVELS = ("high_level", "key", "skilled")


def load_scarce_talent_dataset(folder: Path) -> dict[str, int]:
    doc = read_yaml(folder, "scarce_talent.yaml", required=False)
    if doc is None:
        return {"scarce talent": 0}
    where = str(folder / "scarce_talent.yaml")
    if not isinstance(doc, dict):
        raise DatasetError(f"{where}: expected a mapping with 'talents' and 'benefits'")
    citation = str(doc.get("citation", ""))
    codes: list[str] = []
    for number, entry in enumerate(doc.get("talents") or [], start=1):
        at = f"{where}: talents[{number}]"
        code = str(need(entry, "code", at))
        level = str(need(entry, "level", at))
        if level not in LEVELS:
            raise DatasetError(f"{at}: level must be one of {', '.join(LEVELS)}")
        category = None
        if entry.get("category"):
            category = ServiceCategory.objects.filter(code=entry["category"]).first()
            if category is None:
                raise DatasetError(f"{at}: unknown service category {entry['category']!r}")
        ScarceTalent.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": str(need(entry, "name_zh", at)),
                "name_en": str(need(entry, "name_en", at)),
                "category": category,
                "level": level,
                "requirements_zh": str(entry.get("requirements_zh", "")),
                "requirements_en": str(entry.get("requirements_en", "")),
                "citation": str(entry.get("citation", citation)),
                "sort_order": number,
            },
        )
        codes.append(code)
    ScarceTalent.objects.exclude(code__in=codes).delete()
    benefit_codes: list[str] = []
    for number, entry in enumerate(doc.get("benefits") or [], start=1):
        at = f"{where}: benefits[{number}]"
        code = str(need(entry, "code", at))
        ScarceTalentBenefit.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": str(need(entry, "name_zh", at)),
                "name_en": str(need(entry, "name_en", at)),
                "sort_order": number,
            },
        )
        benefit_codes.append(code)
    ScarceTalentBenefit.objects.exclude(code__in=benefit_codes).delete()
    return {"scarce talent": len(codes), "benefits": len(benefit_codes)}
