"""Loading zones, service categories, ownership types and the infrastructure checklist from a data set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.registry.models import InfrastructureItem, OwnershipType, ServiceCategory, Zone, ZoneKind


def _load_categories(
    entries: list[dict[str, Any]], *, parent: ServiceCategory | None, top: str, where: str, counter: list[int]
) -> None:
    for i, entry in enumerate(entries):
        here = f"{where}[{i}]"
        code = need(entry, "code", here)
        top_level = top or str(code).upper()[:8]
        counter[0] += 1
        category, _ = ServiceCategory.objects.update_or_create(
            code=code,
            defaults={
                "parent": parent,
                "top_level": top_level,
                "name_zh": need(entry, "name_zh", here),
                "name_en": need(entry, "name_en", here),
                "official_code": entry.get("official_code", "") or "",
                "sort_order": counter[0],
            },
        )
        _load_categories(
            entry.get("children") or [],
            parent=category,
            top=top_level,
            where=f"{here}.children",
            counter=counter,
        )


def load_registry_dataset(folder: Path) -> dict[str, int]:
    categories = read_yaml(folder, "categories.yaml") or []
    _load_categories(categories, parent=None, top="", where="categories.yaml", counter=[0])

    ownership = read_yaml(folder, "ownership_types.yaml") or []
    for i, entry in enumerate(ownership):
        here = f"ownership_types.yaml[{i}]"
        OwnershipType.objects.update_or_create(
            code=str(need(entry, "code", here)),
            defaults={
                "parent_id": str(entry["parent"]) if entry.get("parent") else None,
                "name_zh": need(entry, "name_zh", here),
                "name_en": need(entry, "name_en", here),
            },
        )

    items = read_yaml(folder, "infrastructure.yaml") or []
    for i, entry in enumerate(items):
        here = f"infrastructure.yaml[{i}]"
        InfrastructureItem.objects.update_or_create(
            code=need(entry, "code", here),
            defaults={
                "name_zh": need(entry, "name_zh", here),
                "name_en": need(entry, "name_en", here),
                "citation": entry.get("citation", ""),
                "sort_order": i,
            },
        )

    zones = read_yaml(folder, "zones.yaml") or []
    kinds = {k.value for k in ZoneKind}
    for i, entry in enumerate(zones):
        here = f"zones.yaml[{i}]"
        kind = entry.get("kind", ZoneKind.DEMONSTRATION_ZONE)
        if kind not in kinds:
            raise DatasetError(f"{here}: kind must be one of {sorted(kinds)}")
        zone, _ = Zone.objects.update_or_create(
            code=need(entry, "code", here),
            defaults={
                "kind": kind,
                "name_zh": need(entry, "name_zh", here),
                "name_en": entry.get("name_en", ""),
                "focus_zh": entry.get("focus_zh", ""),
                "focus_en": entry.get("focus_en", ""),
                "citation": entry.get("citation", ""),
                "sort_order": i,
            },
        )
        focus = entry.get("focus_categories") or []
        found = list(ServiceCategory.objects.filter(code__in=focus))
        if len(found) != len(set(focus)):
            raise DatasetError(f"{here}: unknown focus category in {focus}")
        zone.focus_categories.set(found)
        in_place = set(entry.get("infrastructure") or [])
        for item in InfrastructureItem.objects.all():
            from waibao.registry.models import ZoneInfrastructure

            row, created = ZoneInfrastructure.objects.get_or_create(zone=zone, item=item)
            if created and item.code in in_place:
                row.available = True
                row.save(update_fields=["available"])
    from waibao.common import public_cache

    public_cache.changed(public_cache.REGISTRY)  # zones and categories are cached with the registry's version
    return {
        "categories": ServiceCategory.objects.count(),
        "ownership_types": OwnershipType.objects.count(),
        "zones": Zone.objects.count(),
    }
