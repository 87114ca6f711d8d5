"""The statistics app's Chinese catalogue is complete: no empty and no fuzzy entry."""

from __future__ import annotations

from pathlib import Path

import polib

import waibao.statistics

CATALOGUE = Path(waibao.statistics.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation() -> None:
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 200
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    for entry in po:
        for name in ("%(year)d", "%(value)s", "%(count)d", "%(row)d", "%(currency)s"):
            assert entry.msgid.count(name) == entry.msgstr.count(name) or name not in entry.msgid, entry.msgid
