"""The policy app's Chinese catalogue: every entry translated, none fuzzy."""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "src/waibao/policy/locale/zh_Hans/LC_MESSAGES/django.po"


def test_catalogue_is_complete() -> None:
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 50
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if not e.msgstr or "fuzzy" in e.flags or e.obsolete] == []


def test_format_fields_survive_translation() -> None:
    import re

    for entry in polib.pofile(str(CATALOGUE)):
        fields = sorted(re.findall(r"%\((\w+)\)", entry.msgid))
        assert sorted(re.findall(r"%\((\w+)\)", entry.msgstr)) == fields, entry.msgid
