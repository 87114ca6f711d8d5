"""The menu rendered once per role, unread count and language (`{% memo %}`), and the form renderer's select:
both must show exactly what rendering them every time shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates as DjangoDefaultRenderer
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.utils import timezone, translation

from waibao.accounts.models import User
from waibao.applications.models import Notification
from waibao.common.forms import FormRenderer
from waibao.common.templatetags import fragments

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<nav id="main-nav" class="main-nav".*?</nav>', re.DOTALL)


def menu(client: Client, path: str = "/policy/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    found = MENU.search(response.content.decode())
    assert found is not None
    return found.group(0)


@pytest.fixture
def fresh_fragments() -> Any:
    fragments.clear()
    yield
    fragments.clear()


def test_each_role_sees_its_own_menu_from_the_memo(
    fresh_fragments: None,
    office: User,
    enterprise_user: User,
    client_for: Callable[[User | None], Client],
    settings: Any,
) -> None:
    clients = {"public": client_for(None), "office": client_for(office), "enterprise": client_for(enterprise_user)}
    settings.DEBUG = True  # no memo: what rendering every time shows
    expected = {who: menu(client) for who, client in clients.items()}
    settings.DEBUG = False
    for _round in range(2):  # first rendered and kept, then served from the memo
        for who, client in clients.items():
            assert menu(client) == expected[who], who
    assert 'href="/ledger/"' in expected["office"] and 'href="/ledger/"' not in expected["enterprise"]
    assert 'href="/registry/my/"' in expected["enterprise"] and "/registry/my/" not in expected["public"]
    assert "/accounts/login/" not in expected["public"]  # the sign-in link is outside the memo, in the header tools


def test_the_unread_badge_follows_the_count(
    fresh_fragments: None, office: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    assert 'class="badge"' not in menu(client)
    Notification.objects.create(user=office, text="x")
    Notification.objects.create(user=office, text="y")
    assert '<span class="badge">2</span>' in menu(client)
    Notification.objects.filter(user=office).update(read_at=timezone.now())
    assert 'class="badge"' not in menu(client)


def test_the_menu_follows_the_language(fresh_fragments: None, office: User, client_for: Callable[..., Client]) -> None:
    client = client_for(office)
    assert "企业" in menu(client)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = menu(client)
    assert "Enterprises" in english and "企业" not in english


def test_memo_keys_on_the_values_given_and_needs_a_name(fresh_fragments: None) -> None:
    template = Template('{% load fragments %}{% memo "t" a %}{{ a }}-{{ b }}{% endmemo %}')
    with translation.override("en"):
        assert template.render(Context({"a": 1, "b": "x"})) == "1-x"
        assert template.render(Context({"a": 1, "b": "y"})) == "1-x"  # b is not a key: the block must not read it
        assert template.render(Context({"a": 2, "b": "y"})) == "2-y"
        assert template.render(Context({"a": [1], "b": "z"})) == "[1]-z"  # an unhashable value keys by its repr
    with translation.override("zh-hans"):
        assert template.render(Context({"a": 1, "b": "y"})) == "1-y"  # the language is always part of the key
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% memo %}x{% endmemo %}")


def test_memo_keeps_a_bounded_number_of_fragments(fresh_fragments: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 3)
    template = Template('{% load fragments %}{% memo "t" a %}{{ a }}{% endmemo %}')
    for n in range(10):
        template.render(Context({"a": n}))
    assert len(fragments._fragments) == 3


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "A & <b>"), ("b", "B")], initial="b", required=False)
    grouped = forms.ChoiceField(choices=[("x", [("1", "One"), ("2", "Two")]), ("y", [("3", "Three")])])
    many = forms.MultipleChoiceField(choices=[(str(n), f"n{n}") for n in range(30)], initial=["3", "7"])
    department = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), required=False)
    radio = forms.ChoiceField(choices=[("r", "R"), ("s", "S")], widget=forms.RadioSelect)


@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "3", "many": ["1", "29"], "radio": "s"}])
def test_the_renderers_select_is_byte_for_byte_djangos(office: User, data: dict[str, Any] | None) -> None:
    ours = Choices(data, renderer=FormRenderer()).as_div()
    django = Choices(data, renderer=DjangoDefaultRenderer()).as_div()
    assert ours == django
    assert "A &amp; &lt;b&gt;" in ours  # escaped as Django escapes it
    selected = '<option value="b" selected>B</option>' if data is None else '<option value="a" selected>A'
    assert selected in ours
    assert ours.count("<option") == 3 + 3 + 30 + User.objects.count() + 1


def test_the_project_uses_the_renderer(settings: Any) -> None:
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "waibao.common.forms.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
