"""Accessibility of the public website (GB/T 37668 / WCAG 2.1 AA, the checks a machine can make): axe-core runs
in Chromium on the home page, the news list, a news page, an event, the policy library, an article and search,
in Chinese and English, at desktop and phone width; no serious or critical violation is allowed.

axe-core is vendored under tests/e2e/vendor/axe-core (see its VERSION.md) and injected by Playwright; the pages
themselves load nothing but the platform's own files (the CSP would refuse anything else)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from waibao.website.demo import ensure_demo_website

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PAGES = [
    "/",
    "/site/",
    "/site/news/",
    "/site/news/2026-forum-review/",
    "/site/events/outsourcing-forum/",
    "/site/library/",
    "/site/library/HZ-17/",
    "/site/search/?q=%E5%9F%B9%E8%AE%AD",
    "/site/guides/apply-for-a-reward/",
]
RUN = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_website_has_no_serious_violation(
    browser: Any, live_server: Any, dataset: Any, language: str, width: int
) -> None:
    from django.core.management import call_command

    call_command("load_defaults", verbosity=0)
    ensure_demo_website()
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: dict[str, Any] = {}
    try:
        for path in PAGES:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            page.add_script_tag(content=AXE)
            violations = page.evaluate(RUN)
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                problems[path] = serious
    finally:
        context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
