"""Every source map the static files name is shipped: production's `collectstatic` (whitenoise's manifest
storage) refuses a CSS or JS file that references a missing one, and the deploy stops there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

MAP_REFERENCE = re.compile(r"sourceMappingURL=([^\s*]+)")


def static_files() -> list[Path]:
    roots = [Path(p) for p in settings.STATICFILES_DIRS]
    roots += [p / "static" for p in (Path(settings.BASE_DIR) / "src" / "waibao").iterdir() if (p / "static").is_dir()]
    return [f for root in roots for f in root.rglob("*") if f.suffix in {".css", ".js"}]


@pytest.mark.parametrize("path", static_files(), ids=lambda p: p.name)
def test_source_maps_named_exist(path: Path) -> None:
    for name in MAP_REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace")):
        if name.startswith("data:"):
            continue
        assert (path.parent / name).exists(), f"{path} names the missing source map {name}"
