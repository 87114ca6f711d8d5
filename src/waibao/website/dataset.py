"""`load_defaults`' step for the website: the site's tree, the editors' groups and the review workflow."""

from __future__ import annotations

from pathlib import Path

from waibao.website.services import ensure_site, sync_editors


def load_website_dataset(folder: Path) -> dict[str, int]:
    home = ensure_site()
    return {"website sections": home.get_children().count(), "website editors updated": sync_editors()}
