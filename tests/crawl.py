"""Crawl every page a signed-in person can reach and find text no officer should read: internal codes
(snake_case, dotted action names), Python reprs, English left untranslated on a Chinese page, Chinese left
untranslated on an English page.

Data (an enterprise's own name, an uploaded file's name) is marked in the templates by the HTML attributes
made for it: `translate="no"`, or `lang` naming the other language; such text is not checked for language.
Every route is visited a few times (not every one of 300 enterprises), with and without its query strings."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z_]*(?:\.[a-z_]+)+(?![\w@/-])")
FILE_NAME = re.compile(r"\.(?:pdf|png|jpe?g|docx?|xlsx?|csv|zip|ofd)$", re.IGNORECASE)
REPRS = ("{'", "['", "None", "<QuerySet", "Decimal(", "object at 0x", "datetime.date(", "True", "False")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# An English word outside data: three or more letters with a lower-case letter (acronyms such as CMMI are kept).
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9/@.-])[A-Za-z]*[a-z][A-Za-z]{2,}(?![A-Za-z0-9@-])")
# Words that are the same in Chinese text: units, brands, standards, product names.
ENGLISH_ALLOWED = {"e.g", "Excel", "ECharts", "JSON", "API", "Word", "Chromium", "PDF", "ofd", "Inc", "Ltd"}
ENGLISH_ALLOWED |= {"iCalendar"}
FILE_TOKEN = re.compile(r"[\w.-]+\.(?:pdf|png|jpe?g|docx?|xlsx?|csv|zip|ofd)\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SKIP_PATHS = ("/accounts/logout/", "/i18n/", "/admin/", "/api/", "/static/", "/media/", "/cms/")
SKIP_SUFFIXES = ("/download/", "/file/")
OPEN_DATA_FILES = re.compile(r"^/open-data/.+(?:\.(?:csv|xlsx|json|jsonld)|/datapackage\.json)$")

TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Finding:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}: {self.kind}: {self.text!r}"


class _Page(HTMLParser):
    """Visible text (with the data parts set aside), the links and the form GET targets of a page."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, excluded from language checks)
        self.hidden = 0
        self.texts: list[tuple[str, bool]] = []  # (text, is data)
        self.links: list[str] = []

    def _excluded(self, attrs: dict[str, str | None]) -> bool:
        lang = (attrs.get("lang") or "").lower()
        other = lang and not lang.startswith("en" if self.language == "en" else "zh")
        return attrs.get("translate") == "no" or bool(other)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        data = (self.stack[-1][1] if self.stack else False) or self._excluded(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"] or "")
        if tag in ("script", "style", "template", "noscript", "textarea"):
            self.hidden += 1
        if tag == "input" and (attrs.get("type") or "") in ("submit", "button") and attrs.get("value"):
            self.texts.append((attrs["value"] or "", data))
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append((attrs[name] or "", data))
        if tag not in VOID:
            self.stack.append((tag, data))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "noscript", "textarea"):
            self.hidden = max(0, self.hidden - 1)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.hidden or not data.strip():
            return
        self.texts.append((data, self.stack[-1][1] if self.stack else False))


def check_codes(url: str, text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in SNAKE.finditer(text):
        found.append(Finding(url, "snake_case code", match.group()))
    for match in DOTTED.finditer(text):
        if not FILE_NAME.search(match.group()) and match.group() not in ("e.g", "i.e"):
            found.append(Finding(url, "dotted name", match.group()))
    for token in REPRS:
        if re.search(rf"(?<![A-Za-z]){re.escape(token)}(?![A-Za-z])", text):
            found.append(Finding(url, "Python repr", text.strip()[:120]))
    return found


def check_language(url: str, text: str, *, language: str) -> list[Finding]:
    if language == "en":
        if CJK.search(text):
            return [Finding(url, "Chinese on an English page", text.strip()[:120])]
        return []
    words = [w for w in ENGLISH_WORD.findall(text) if w not in ENGLISH_ALLOWED]
    return [Finding(url, "English on a Chinese page", text.strip()[:120])] if words else []


def check_text(url: str, text: str, *, language: str, data: bool) -> list[Finding]:
    """Codes and reprs anywhere; the language too unless the text is data."""
    found = check_codes(url, text)
    return found if data else found + check_language(url, text, language=language)


def check_table(url: str, rows: Iterable[list[Any]], *, language: str, data_names: Iterable[str] = ()) -> list[Finding]:
    found: list[Finding] = []
    for number, row in enumerate(rows):
        for cell in row:
            if isinstance(cell, str) and cell:
                # Headers are labels (language checked); later rows are data (codes only).
                found += check_text(url, cell, language=language, data=number > 0 or cell in data_names)
        if number > 20:
            break
    return found


def _rows(response: Any) -> list[list[Any]] | None:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "csv" in kind:
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        rows: list[list[Any]] = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True, max_row=25):
                rows.append(list(row))
        return rows
    return None


@dataclass
class Crawl:
    client: Client
    language: str
    per_route: int = 3
    seen: set[str] = field(default_factory=set)
    routes: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    data_names: list[str] = field(default_factory=list)
    # Links the crawl followed from a page to another that then refused the reader (403): (from, to).
    refused: list[tuple[str, str]] = field(default_factory=list)

    def _without_data(self, text: str) -> str:
        for name in self.data_names:
            if name in text:
                text = text.replace(name, " ")
        return FILE_TOKEN.sub(" ", EMAIL.sub(" ", text))

    def _route(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        if parts.path.startswith(SKIP_PATHS) or parts.path.endswith(SKIP_SUFFIXES):
            return None
        if OPEN_DATA_FILES.match(parts.path):  # machine-readable files: their column names are codes by design
            return None
        try:
            match = resolve(parts.path)
        except Resolver404:
            self.errors.append(f"broken link {url}")
            return None
        query_keys = ",".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
        return f"{match.view_name}?{query_keys}"

    def run(self, start: Iterable[str], *, limit: int = 400) -> Crawl:
        queue: list[tuple[str, str | None]] = [(url, None) for url in start]  # (url, the page that linked it)
        while queue and self.pages < limit:
            url, referrer = queue.pop(0)
            url = urldefrag(url)[0]
            if url in self.seen:
                continue
            route = self._route(url)
            if route is None:
                continue
            self.seen.add(url)
            if self.routes[route] >= self.per_route:
                continue
            self.routes[route] += 1
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=self.language)
            self.pages += 1
            if response.status_code in (301, 302):
                queue.append((response["Location"], referrer))
                continue
            if response.status_code != 200:
                if response.status_code >= 500:
                    self.errors.append(f"{url}: {response.status_code}")
                elif response.status_code == 403 and referrer is not None:
                    self.refused.append((referrer, url))
                continue
            rows = _rows(response)
            if rows is not None:
                self.findings += check_table(url, rows, language=self.language, data_names=self.data_names)
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            page = _Page(self.language)
            page.feed(response.content.decode())
            for text, data in page.texts:
                self.findings += check_codes(url, text)
                if not data:  # data names (an enterprise's, a person's) may be in either language
                    self.findings += check_language(url, self._without_data(text), language=self.language)
            queue += [(link if link.startswith("/") else _join(url, link), url) for link in page.links]
        return self


def _join(base: str, link: str) -> str:
    if link.startswith("?"):
        return urlsplit(base).path + link
    return link
