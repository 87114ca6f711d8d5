"""The list of runs: written by a tag as its template loop wrote it, and in pages."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from waibao.accounts.models import User
from waibao.topten.models import RunStatus, SelectionMethod, SelectionRun
from waibao.topten.selectors import run_lines, runs
from waibao.topten.views import RUN_PAGE_SIZE

pytestmark = pytest.mark.django_db

# The list's rows as its template wrote them, word for word.
_ROWS_TEMPLATE = """{% load i18n labels %}{% for run in runs %}<tr><td><a href="{% url 'topten:run' run.pk %}">{{ run.year }} #{{ run.pk }}</a></td><td>{{ run.created_at|date:"Y-m-d H:i" }}</td><td>{{ run.method.code }}{% if run.is_default_method %} <span class="badge">{% translate "default" %}</span>{% endif %}</td><td class="num">{{ run.eligible_count }} / {{ run.considered_count }}</td><td>{{ run.status|label:"topten_run_status" }}</td></tr>{% empty %}<tr><td colspan="5" class="muted">{% translate "No run yet." %}</td></tr>{% endfor %}"""  # noqa: E501


def _runs(n: int) -> None:
    method = SelectionMethod.objects.get(code="hz24-default-2007")
    statuses = [RunStatus.REVIEW, RunStatus.CANCELLED]
    SelectionRun.objects.bulk_create(
        SelectionRun(
            year=2000 + i % 9,
            method=method,
            parameters={"default": i % 2 == 0, "method_code": method.code},
            snapshot_digest="0" * 64,
            eligible_count=i,
            considered_count=i + 3,
            status=statuses[i % 2],
        )
        for i in range(n)
    )
    # One made late in the evening (UTC): the next day in the city.
    SelectionRun.objects.filter(pk=SelectionRun.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_run_rows_are_written_as_the_template_wrote_them(full_dataset: Path, language: str) -> None:
    _runs(4)
    tag = Template("{% load topten_tags %}{% run_rows runs %}")
    with translation.override(language):
        expected = Template(_ROWS_TEMPLATE).render(Context({"runs": runs()}))
        assert tag.render(Context({"runs": run_lines(runs())})) == expected
        assert "2026-03-02 07:30" in expected
        empty = SelectionRun.objects.none()
        assert tag.render(Context({"runs": run_lines(empty)})) == Template(_ROWS_TEMPLATE).render(
            Context({"runs": empty})
        )


def test_the_runs_come_in_pages(full_dataset: Path, office: User, client_for: Callable[[User | None], Client]) -> None:
    _runs(RUN_PAGE_SIZE + 2)
    client = client_for(office)
    first = client.get("/topten/runs/").content.decode()
    linked = re.compile(r'href="/topten/runs/(\d+)/"')
    assert len(linked.findall(first)) == RUN_PAGE_SIZE
    second = client.get("/topten/runs/?page=2").content.decode()
    assert len(linked.findall(second)) == 2 and "page=1" in second
    shown = {int(pk) for pk in linked.findall(first) + linked.findall(second)}
    assert shown == set(SelectionRun.objects.values_list("pk", flat=True))  # every run once, newest year first
    years = [int(y) for y in re.findall(r'">(\d{4}) #\d+</a>', first)]
    assert years == sorted(years, reverse=True)
