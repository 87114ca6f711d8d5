"""The site's own search index, which finds Chinese words and phrases on SQLite and PostgreSQL alike.

Text is normalised (NFKC, lower case). Chinese (CJK) text gives one gram per character and one per pair of
adjacent characters; other text gives one gram per word. A query's grams must all be in an entry, and the
normalised query must then appear in its title or text as a phrase (each space-separated part for several words).
Titles rank before text, then the newest first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count

from waibao.website.models import SearchEntry, SearchGram

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")
MAX_QUERY = 100
MAX_RESULTS = 50
TAG = re.compile(r"<[^>]+>")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", TAG.sub(" ", text or "")).lower().split())


def grams(text: str) -> set[str]:
    text = normalise(text)
    out: set[str] = set()
    for run in CJK.findall(text):
        out.update(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w[:40] for w in WORD.findall(CJK.sub(" ", text)))
    return out


def query_grams(query: str) -> set[str]:
    """A query's grams: pairs of its Chinese characters (a single character alone), and its words."""
    text = normalise(query)
    out: set[str] = set()
    for run in CJK.findall(text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w[:40] for w in WORD.findall(CJK.sub(" ", text)))
    return out


@dataclass(frozen=True)
class Document:
    key: str
    kind: str
    url: str
    title: str
    title_en: str
    text: str
    text_en: str
    date: datetime | None = None


def index_documents(documents: Iterable[Document]) -> int:
    """Write (or rewrite) the entries of these documents and their grams."""
    count = 0
    with transaction.atomic():
        for doc in documents:
            entry, _created = SearchEntry.objects.update_or_create(
                key=doc.key,
                defaults={
                    "kind": doc.kind,
                    "url": doc.url[:300],
                    "title": doc.title[:300],
                    "title_en": doc.title_en[:300],
                    "text": normalise(doc.text),
                    "text_en": normalise(doc.text_en),
                    "date": doc.date,
                },
            )
            SearchGram.objects.filter(entry=entry).delete()
            every = grams(" ".join((doc.title, doc.title_en, doc.text, doc.text_en)))
            SearchGram.objects.bulk_create([SearchGram(entry=entry, gram=g) for g in sorted(every)])
            count += 1
    return count


def remove(keys: Iterable[str]) -> None:
    SearchEntry.objects.filter(key__in=list(keys)).delete()


def search(query: str, *, kinds: Iterable[str] | None = None) -> list[SearchEntry]:
    query = normalise(query)[:MAX_QUERY]
    wanted = query_grams(query)
    if not wanted:
        return []
    ids = (
        SearchGram.objects.filter(gram__in=wanted)
        .values("entry")
        .annotate(n=Count("gram", distinct=True))
        .filter(n=len(wanted))
        .values("entry")
    )
    entries = SearchEntry.objects.filter(pk__in=ids)
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    parts = [p for p in query.split(" ") if p]
    found: list[tuple[int, float, SearchEntry]] = []
    for entry in entries.order_by("-date", "pk")[:1000]:
        title = normalise(f"{entry.title} {entry.title_en}")
        body = f"{entry.text} {entry.text_en}"
        if all(p in title for p in parts):
            rank = 0
        elif all(p in title or p in body for p in parts):
            rank = 1
        else:
            continue  # every gram is there, but not as the phrase asked for
        found.append((rank, -(entry.date.timestamp() if entry.date else 0), entry))
    found.sort(key=lambda t: (t[0], t[1]))
    return [entry for _r, _d, entry in found[:MAX_RESULTS]]
