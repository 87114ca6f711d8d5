"""The tags that write tables at once escape text exactly as Django's templates do (`html.escape`)."""

from __future__ import annotations

import html

import pytest

from waibao.governance.templatetags import governance_tags
from waibao.ledger.templatetags import ledger_tags


@pytest.mark.parametrize(
    "text", ["", "plain", "<b>&amp;</b>", "\"quoted\" and 'single'", "a&b<c>d\"e'f", "市财政局 & <区>"]
)
def test_one_pass_escaping_is_html_escape(text: str) -> None:
    assert governance_tags.escape(text) == html.escape(text)
    assert ledger_tags.escape(text) == html.escape(text)
