"""Every translation catalogue is complete, not fuzzy, and keeps the placeholders of its source strings.

The catalogues are found by glob at collection time, so a catalogue an app adds later is checked too:
the project catalogue (locale/) and every app catalogue (src/waibao/<app>/locale/).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOGUES = sorted(
    {
        *ROOT.glob("locale/*/LC_MESSAGES/django.po"),
        *ROOT.glob("src/waibao/*/locale/*/LC_MESSAGES/django.po"),
    }
)

# printf-style conversion as Python's %-operator reads it: %(name)s, %s, %5.2f, %-3d, … ("%%" is a literal percent).
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
NAMED_PERCENT = re.compile(r"%\(\w+\)")
# str.format field: {name}, {0}, {name!r}, {name:>10}; "{{" and "}}" are literal braces.
BRACE = re.compile(r"\{(?P<field>\w*(?:\.\w+|\[\w+\])*)(?:![rsa])?(?::[^{}]*)?\}")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and e.msgid]


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _percent_placeholders(text: str) -> Counter[str]:
    """Named placeholders count once each (a dict is formatted); positional ones count every time."""
    found: Counter[str] = Counter()
    for m in PERCENT.finditer(text):
        if m.group("type") == "%":
            continue
        token = m.group(0)
        if m.group("name") is not None:
            found[token] = 1
        else:
            found[token] += 1
    return found


def _brace_placeholders(text: str) -> Counter[str]:
    text = text.replace("{{", "").replace("}}", "")
    return Counter({m.group(0): 1 for m in BRACE.finditer(text)})


def _uses_percent(entry: polib.POEntry) -> bool:
    if "no-python-format" in entry.flags:
        return False
    source = entry.msgid + entry.msgid_plural
    return "python-format" in entry.flags or bool(NAMED_PERCENT.search(source))


def _uses_brace(entry: polib.POEntry) -> bool:
    if "no-python-brace-format" in entry.flags:
        return False
    source = entry.msgid + entry.msgid_plural
    return "python-brace-format" in entry.flags or bool(BRACE.search(source.replace("{{", "").replace("}}", "")))


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _load(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def test_catalogues_are_found() -> None:
    assert PROJECT_CATALOGUE in CATALOGUES, f"missing {_id(PROJECT_CATALOGUE)}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_header_is_usable(path: Path) -> None:
    po = _load(path)
    header_is_fuzzy = bool(po.metadata_is_fuzzy)
    assert not header_is_fuzzy, "the header is marked fuzzy: remove '#, fuzzy' above msgid \"\""
    assert "nplurals" in po.metadata.get("Plural-Forms", ""), "the header has no Plural-Forms"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", ""), "the header does not declare UTF-8"


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_no_fuzzy_entries(path: Path) -> None:
    fuzzy = [e.msgid for e in _live_entries(_load(path)) if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entr(y/ies): {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_every_entry_is_translated(path: Path) -> None:
    po = _load(path)
    nplurals = _nplurals(po)
    untranslated = []
    for entry in _live_entries(po):
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if any(not forms.get(i) for i in range(nplurals)) or any(not text for text in forms.values()):
                untranslated.append(entry.msgid)
        elif not entry.msgstr:
            untranslated.append(entry.msgid)
    assert not untranslated, f"{len(untranslated)} untranslated entr(y/ies): {untranslated}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_placeholders_are_kept(path: Path) -> None:
    problems = []
    for entry in _live_entries(_load(path)):
        source = entry.msgid + "\n" + entry.msgid_plural
        checks = []
        if _uses_percent(entry):
            checks.append(_percent_placeholders)
        if _uses_brace(entry):
            checks.append(_brace_placeholders)
        for extract in checks:
            if entry.msgid_plural:
                # A form may leave a placeholder out ("One enterprise") but may not invent one, and together
                # the forms use them all. With one form (Chinese) that form has exactly the source's set.
                expected = set(extract(entry.msgid)) | set(extract(entry.msgid_plural))
                forms = [set(extract(text)) for text in _translations(entry) if text]
                used = set().union(*forms) if forms else set()
                if forms and (used != expected or any(not form <= expected for form in forms)):
                    problems.append(f"{entry.msgid!r}: expected {sorted(expected)}, got {[sorted(f) for f in forms]}")
            else:
                expected_counts = extract(source)
                for text in filter(None, _translations(entry)):
                    if extract(text) != expected_counts:
                        problems.append(
                            f"{entry.msgid!r}: expected {sorted(expected_counts.elements())}, "
                            f"got {sorted(extract(text).elements())}"
                        )
    assert not problems, "placeholders differ:\n" + "\n".join(problems)
