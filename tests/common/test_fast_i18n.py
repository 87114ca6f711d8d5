"""`{% load i18n %}` gives Django's library with constant translations rendered once per language: the same output
as Django's own tag, in both languages, for every form of the tag."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.utils.translation import override

from waibao.common.templatetags.fast_i18n import ConstantTranslateNode

SOURCE = (
    "{% load i18n %}"
    '<h1>{% translate "Zones" %}</h1>'
    '<p>{% trans "Departments and duties" %}|{% translate "Sign in" noop %}|{% translate "May" context "month" %}</p>'
    '<p>{% translate text %}|{% translate "Zones" as zones %}[{{ zones }}]|{% translate "Zones"|upper %}</p>'
    '<p>{% translate "100%% <b>sure</b>" %}|{% autoescape off %}{% translate text %}{% endautoescape %}</p>'
    "<p>{% blocktranslate %}Zones{% endblocktranslate %}</p>"
)


def django_engine() -> Engine:
    """Django's own i18n library, as without the platform's setting."""
    return Engine(libraries={"i18n": "django.templatetags.i18n"})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_form_of_the_tag_renders_as_djangos(language: str) -> None:
    ours = engines["django"].from_string(SOURCE)
    theirs = django_engine().from_string(SOURCE)
    for text in ("Zones", "Open data", "<i>not a msgid</i>"):
        with override(language):
            first = ours.render({"text": text})
            assert first == theirs.render(Context({"text": text}))
            assert ours.render({"text": text}) == first  # the second time from the node


def test_a_constant_is_rendered_again_in_another_language_only() -> None:
    template = engines["django"].from_string('{% load i18n %}{% translate "Zones" %}{% translate text %}')
    nodes = [n for n in template.template.nodelist if isinstance(n, ConstantTranslateNode)]
    assert [n.constant for n in nodes] == [True, False]
    with override("zh-hans"):
        chinese = template.render({"text": "Zones"})
    with override("en"):
        english = template.render({"text": "Zones"})
    assert chinese == "园区园区" and english == "ZonesZones"
    assert set(nodes[0].rendered) == {("zh-hans", True), ("en", True)} and nodes[1].rendered == {}


def test_the_template_check_knows_the_i18n_mapping_and_still_warns_of_any_other() -> None:
    from waibao.common.template_backend import DjangoTemplates

    def warnings(libraries: dict[str, str]) -> list[str]:
        backend = DjangoTemplates({"NAME": "check", "DIRS": [], "APP_DIRS": False, "OPTIONS": {"libraries": libraries}})
        return [w.msg for w in backend._check_for_template_tags_with_the_same_name()]

    assert warnings({"i18n": "waibao.common.templatetags.fast_i18n"}) == []
    found = warnings({"i18n": "waibao.common.templatetags.fast_i18n", "static": "waibao.common.templatetags.money"})
    assert len(found) == 1 and found[0].startswith("'static' is used for multiple template tag modules")
