"""Arabic in legacy encodings is read once and right, pages and feeds (issue 13, item 2).

Every combination is one source of one real crawl (a child process) against a real loopback
server: the body in windows-1256, in ISO-8859-6, in UTF-8 behind a BOM, or in windows-1256
behind a stray UTF-8 BOM; the Content-Type header saying utf-8, windows-1256, iso-8859-6 or no
charset; the document's own declaration (<meta charset> / the XML declaration) saying one of
those or nothing. The text is real Arabic from ../shared/corpus/arabic-calls (read at test time).
Title, summary and text must read as the Arabic that was written, and a draft is flagged
`encoding_guessed` exactly when no label (header, BOM, declaration) named the bytes' encoding.
"""
from __future__ import annotations

import codecs
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from fursa.storage import Draft, FetchResult, Validators

from fursa.crawlers import crawl_sources
from fursa.crawlers.charsets import ENCODING_GUESSED
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply

LABELS = ("utf-8", "windows-1256", "iso-8859-6", None)
# name: (the codec the Arabic is written in, the bytes before it)
BODIES = {
    "windows-1256": ("windows-1256", b""),
    "iso-8859-6": ("iso-8859-6", b""),
    "utf-8 with BOM": ("utf-8", codecs.BOM_UTF8),
    "windows-1256 after a stray BOM": ("windows-1256", codecs.BOM_UTF8),
}


@dataclass(frozen=True)
class Case:
    kind: str                 # "page" or "feed"
    body: str                 # a key of BODIES
    header: str | None        # the Content-Type's charset
    declared: str | None      # <meta charset> or <?xml encoding?>
    title: str
    sentences: tuple[str, str]

    @property
    def name(self) -> str:
        return f"{self.kind}: {self.body}, header {self.header or '-'}, declared {self.declared or '-'}"

    @property
    def honest(self) -> bool:
        """True when some label names the encoding the bytes are really in."""
        codec, prefix = BODIES[self.body]
        return (codec == "utf-8" and prefix == codecs.BOM_UTF8) or codec in (self.header, self.declared)


def _distinguishing(text: str) -> bool:
    """Encodable in both Arabic codecs, and neither codec's bytes read cleanly as the other's,
    so a wrong Arabic label cannot pass by luck."""
    try:
        in_1256, in_8859 = text.encode("windows-1256"), text.encode("iso-8859-6")
    except UnicodeEncodeError:
        return False
    try:
        in_1256.decode("iso-8859-6")
    except UnicodeDecodeError:
        return in_1256 != in_8859
    return False


@pytest.fixture(scope="module")
def arabic(corpus_dir: Path) -> tuple[list[str], list[str]]:
    """Real titles and sentences (60 to 200 characters) from the Arabic calls of ../shared/corpus."""
    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted((corpus_dir / "arabic-calls").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            call = json.loads(line)
            title = " ".join(call["title"].split())
            if _distinguishing(title) and 20 <= len(title) <= 120:
                titles.append(title)
            for sentence in re.split(r"(?<=[.؟!])\s+|\n+", call["text"]):
                sentence = " ".join(sentence.split())
                if 60 <= len(sentence) <= 200 and _distinguishing(sentence):
                    sentences.append(sentence)
    assert len(titles) >= 40 and len(sentences) >= 80
    return titles, sentences


def _cases(titles: list[str], sentences: list[str]) -> list[Case]:
    combos = itertools.product(("page", "feed"), BODIES, LABELS, LABELS)
    return [Case(kind, body, header, declared, titles[n % len(titles)],
                 (sentences[(2 * n) % len(sentences)], sentences[(2 * n + 1) % len(sentences)]))
            for n, (kind, body, header, declared) in enumerate(combos)]


def _page(case: Case, n: int) -> str:
    if case.declared is None:
        meta = ""
    elif n % 2:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={case.declared}">'
    else:
        meta = f'<meta charset="{case.declared}">'
    first, second = case.sentences
    return (f'<html lang="ar" dir="rtl"><head>{meta}<title>{case.title}</title></head><body><main>'
            f"<h1>{case.title}</h1><p>{first}</p><p>{second}</p></main></body></html>")


def _feed(case: Case, n: int) -> str:
    declaration = f'<?xml version="1.0" encoding="{case.declared}"?>' if case.declared else '<?xml version="1.0"?>'
    first, second = case.sentences
    return (f'{declaration}\n<rss version="2.0"><channel><title>إعلانات</title><language>ar</language>'
            f"<item><title>{case.title}</title><link>https://calls.example.ps/{n}</link>"
            f"<description><![CDATA[<p>{first}</p><p>{second}</p>]]></description></item></channel></rss>")


def _reply(case: Case, n: int) -> Reply:
    codec, prefix = BODIES[case.body]
    text = _page(case, n) if case.kind == "page" else _feed(case, n)
    media = "text/html" if case.kind == "page" else "application/rss+xml"
    header = f"{media}; charset={case.header}" if case.header else media
    return Reply(200, prefix + text.encode(codec), {"Content-Type": header})


LISTING_TITLES = 3


def _listing_routes(server: LocalServer, titles: list[str], sentences: list[str]) -> str:
    """A listing in windows-1256 labelled utf-8 (header and meta), whose detail pages are in
    ISO-8859-6 with no label at all: both had to be guessed."""
    items = "".join(f'<li class="call"><a href="/listing/{n}">{titles[-1 - n]}</a></li>' for n in range(LISTING_TITLES))
    listing = f'<html><head><meta charset="utf-8"></head><body><ul>{items}</ul></body></html>'
    url = server.add("/listing", Reply(200, listing.encode("windows-1256"), {"Content-Type": "text/html; charset=utf-8"}))
    for n in range(LISTING_TITLES):
        detail = (f"<html><body><main><h1>{titles[-1 - n]}</h1><p>{sentences[-1 - n]}</p></main></body></html>")
        server.add(f"/listing/{n}", Reply(200, detail.encode("iso-8859-6"), {"Content-Type": "text/html"}))
    return url


@pytest.fixture(scope="module")
def crawled(arabic: tuple[list[str], list[str]]) -> Iterator[tuple[list[Case], dict[str, FetchResult]]]:
    titles, sentences = arabic
    cases = _cases(titles, sentences)
    with LocalServer() as server:
        jobs = []
        for n, case in enumerate(cases):
            url = server.add(f"/{case.kind}/{n}", _reply(case, n))
            jobs.append((spec(case.name, url, type="html" if case.kind == "page" else "feed", language="ar"), Validators()))
        listing = _listing_routes(server, titles, sentences)
        jobs.append((spec("listing", listing, type="html", language="ar",
                          options={"item": "li.call", "title": "a", "detail": True}), Validators()))
        results = crawl_sources(jobs, loopback_config())
    yield cases, {result.source_name: result for result in results}


def _misread(case: Case, draft: Draft) -> list[str]:
    first, second = case.sentences
    problems = []
    if draft.title != case.title:
        problems.append(f"title {draft.title[:40]!r}")
    if first not in draft.text or second not in draft.text:
        problems.append(f"text {draft.text[:40]!r}")
    if first[:60] not in draft.summary:
        problems.append(f"summary {draft.summary[:40]!r}")
    return problems


def test_every_combination_reads_as_the_arabic_that_was_written(crawled) -> None:
    cases, results = crawled
    assert len(cases) == 2 * 4 * 4 * 4
    wrong = {}
    for case in cases:
        result = results[case.name]
        assert result.ok and len(result.drafts) == 1 and result.item_errors == (), (case.name, result.error)
        problems = _misread(case, result.drafts[0])
        if problems:
            wrong[case.name] = problems
    assert wrong == {}


def test_a_draft_is_flagged_exactly_when_its_encoding_was_guessed(crawled) -> None:
    cases, results = crawled
    flagged = {case.name: ENCODING_GUESSED in results[case.name].drafts[0].flags for case in cases}
    assert {name for name, guessed in flagged.items() if guessed} == {case.name for case in cases if not case.honest}
    assert 0 < sum(flagged.values()) < len(cases)


def test_a_listing_and_its_detail_pages_are_each_decoded_once(crawled, arabic) -> None:
    titles, sentences = arabic
    result = crawled[1]["listing"]
    assert result.ok and result.item_errors == ()
    by_title = {draft.title: draft for draft in result.drafts}
    assert set(by_title) == {titles[-1 - n] for n in range(LISTING_TITLES)}
    for n in range(LISTING_TITLES):
        draft = by_title[titles[-1 - n]]
        assert sentences[-1 - n] in draft.text and draft.summary.startswith(titles[-1 - n])
        assert draft.flags == (ENCODING_GUESSED,)
