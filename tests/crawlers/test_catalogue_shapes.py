"""Every source of the shipped catalogue has a parser test (issue 16, item 6).

Sources whose answers are read the same way — RSS feeds, WordPress REST answers, pages read by the
generic reader — are each crawled here through the real spider, with their own catalogue entry
(filters, headers, language, kind), from a page this project writes in that documented shape on a
server at 127.0.0.1. Sources with their own selectors or parsers are tested on real captures or
written pages elsewhere in tests/crawlers (four of them at the end of this file);
`test_every_catalogue_source_has_a_parser_test` checks that no enabled entry is left without one.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest

from fursa.storage import SourceSpec, Validators

from fursa.crawlers import crawl_sources, default_catalogue_path, load_catalogue
from fursa.crawlers.formats import format_of
from tests.crawlers.conftest import loopback_config
from tests.crawlers.server import LocalServer, Reply

CATALOGUE = load_catalogue(default_catalogue_path())
HERE = Path(__file__).parent
PUBLISHED = datetime(2027, 3, 2, 9, 30, tzinfo=timezone.utc)
DEADLINE = date(2027, 4, 30)
CALL_WORDS = {"en": "Scholarship call 2027", "ar": "منحة دراسية 2027"}


def family(source: SourceSpec) -> str:
    """How a source's answers are read: 'feed', 'wordpress', 'generic' or 'own' (its own test)."""
    parser = format_of(source).name
    if parser == "feed":
        return "feed"
    if parser == "json" and str(source.options.get("fields", {}).get("title", "")) == "title.rendered":
        return "wordpress"
    if parser == "html" and not source.options.get("item"):
        return "generic"
    return "own"


def passing_title(source: SourceSpec, number: int) -> str:
    """A call title the source's title filters keep."""
    include = [word for word in source.options.get("title_include") or () if re.fullmatch(r"[\w ]+", word)]
    words = CALL_WORDS.get(source.language, CALL_WORDS["en"])
    return f"{words} ({number}) {include[0] if include else ''}".strip()


def filtered_title(source: SourceSpec) -> str | None:
    """A title the source's filters drop, when it has filters."""
    if source.options.get("title_exclude"):
        return "Weekly round-up of opportunities"
    if source.options.get("title_include"):
        return "Campus sports day results"
    return None


def rss(source: SourceSpec, prefix: str) -> bytes:
    titles = [passing_title(source, 1), passing_title(source, 2)] + [t for t in (filtered_title(source),) if t]
    items = "".join(
        f"<item><title>{escape(title)}</title><link>https://calls.example.org{prefix}/{number}</link>"
        f"<guid>https://calls.example.org{prefix}/{number}</guid><pubDate>{format_datetime(PUBLISHED)}</pubDate>"
        f"<description>{escape(title)}{': eligibility, benefits, how to apply' if number < 3 else ''}</description></item>"
        for number, title in enumerate(titles, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(source.name)}</title>'
            f"<link>https://calls.example.org/</link><description>calls</description>{items}</channel></rss>").encode()


def wordpress(source: SourceSpec, prefix: str) -> bytes:
    titles = [passing_title(source, 1), passing_title(source, 2)] + [t for t in (filtered_title(source),) if t]
    posts = [{"id": 100 + number, "link": f"https://calls.example.org{prefix}/{number}/", "date_gmt": "2027-03-02T09:30:00",
              "title": {"rendered": escape(title)}, "excerpt": {"rendered": f"<p>{escape(title)}</p>"},
              "content": {"rendered": f"<p>{escape(title)}{': who may apply, what it covers' if number < 3 else ''}</p>"}}
             for number, title in enumerate(titles, start=1)]
    return json.dumps(posts, ensure_ascii=False).encode()


def generic_listing(source: SourceSpec, prefix: str) -> bytes:
    links = "".join(f'<li><a href="{prefix}/call-{number}">{escape(passing_title(source, number))}</a></li>'
                    for number in (1, 2, 3))
    return (f'<!DOCTYPE html><html lang="{source.language}"><head><meta charset="utf-8"><title>Calls</title></head>'
            f'<body><header><nav><a href="{prefix}/scholarships">Scholarships menu entry</a></nav></header>'
            f"<main><h1>Opportunities</h1><ul>{links}</ul></main></body></html>").encode()


def generic_detail(source: SourceSpec) -> bytes:
    body = ("This call is open to graduates and researchers, Palestinians included. It covers tuition, travel and "
            "a monthly stipend; applicants send a CV, transcripts and a motivation letter through the online form. ")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Call</title></head><body><main>'
            f"<article><h1>Call</h1><p>{body * 2}</p><dl><dt>Deadline</dt><dd>30 April 2027</dd></dl>"
            f"</article></main></body></html>").encode()


SHAPED = [source for source in CATALOGUE if source.enabled and family(source) != "own"]


@pytest.fixture(scope="module")
def crawled() -> dict[str, tuple[SourceSpec, object, list[str]]]:
    """Every shaped source crawled once, in one run: name → (entry at loopback, result, paths asked)."""
    jobs = []
    with LocalServer() as server:
        for number, source in enumerate(SHAPED):
            prefix = f"/s{number}"
            kind = family(source)
            if kind == "feed":
                url = server.add(f"{prefix}/feed", Reply(200, rss(source, prefix), {"Content-Type": "application/rss+xml"}))
            elif kind == "wordpress":
                url = server.add(f"{prefix}/wp-json/wp/v2/posts",
                                 Reply(200, wordpress(source, prefix), {"Content-Type": "application/json"}))
            else:
                url = server.add(f"{prefix}/", Reply(200, generic_listing(source, prefix), {"Content-Type": "text/html"}))
                for call in (1, 2, 3):
                    server.add(f"{prefix}/call-{call}", Reply(200, generic_detail(source), {"Content-Type": "text/html"}))
            jobs.append((replace(source, url=url), Validators()))
        results = crawl_sources(jobs, loopback_config())
        requests = list(server.requests)
    return {spec.name: (spec, result, [r for r in requests if r.path.startswith(f"/s{n}/")])
            for n, ((spec, _), result) in enumerate(zip(jobs, results))}


@pytest.mark.parametrize("source", SHAPED, ids=[source.name for source in SHAPED])
def test_source_reads_a_page_in_its_documented_shape(crawled: dict, source: SourceSpec) -> None:
    _, result, requests = crawled[source.name]
    assert result.ok, result.error
    titles = [draft.title for draft in result.drafts]
    assert sorted(titles)[:2] == sorted([passing_title(source, 1), passing_title(source, 2)])
    assert filtered_title(source) not in titles
    for draft in result.drafts:
        assert draft.source_name == source.name and draft.url.startswith(("http://", "https://"))
        assert draft.language == source.language and draft.kind == source.kind and draft.levels == source.levels
    for name, value in (source.options.get("headers") or {}).items():
        assert requests[0].headers[name.lower()] == value            # e.g. NIH's browser-like User-Agent
    if family(source) == "generic":
        assert len(result.drafts) == 3 and all(draft.deadline.kind == "date" for draft in result.drafts)
        assert {draft.deadline.at.astimezone(timezone.utc).date() for draft in result.drafts} <= {DEADLINE, date(2027, 5, 1)}
        assert not any(request.path.endswith("/scholarships") for request in requests)   # the menu is not a call
    else:
        assert all(draft.published_at == PUBLISHED for draft in result.drafts)


def test_every_catalogue_source_has_a_parser_test() -> None:
    """Shaped sources are tested above; every other entry is named in a test that reads a real
    capture or a written page with its own selectors or parser."""
    # A test names its entry as ENTRIES["…"], catalogue_entry("…"), crawl_entry("…" or a parametrized ("…", …).
    texts = "\n".join(path.read_text(encoding="utf-8") for path in HERE.glob("test_*.py"))
    untested = [source.name for source in CATALOGUE if source.enabled and family(source) == "own"
                and not re.search(r'(\[|\(|ENTRIES\[|_entry\(|,\s*)"' + re.escape(source.name) + '"', texts)]
    assert untested == []
    assert len(SHAPED) >= 30


# ─── Entries with their own options, not read with a capture elsewhere ─────────────────────────

def crawl_entry(name: str, server: LocalServer, path: str, reply: Reply):
    source = next(source for source in CATALOGUE if source.name == name)
    url = server.add(path, reply)
    (result,) = crawl_sources([(replace(source, url=url + ("?" + source.url.split("?", 1)[1] if "?" in source.url else "")),
                                Validators())], loopback_config())
    assert result.ok, result.error
    return source, result


def test_erasmus_plus_entry_keeps_only_erasmus_identifiers_of_the_real_sedia_answer(corpus_dir: Path) -> None:
    answer = json.loads((corpus_dir / "eu-funding-tenders" / "sedia-search-page.json").read_text(encoding="utf-8"))
    kept = answer["results"][1]
    kept["metadata"]["identifier"] = kept["metadata"]["callIdentifier"] = ["ERASMUS-EDU-2027-CBHE-STRAND-1"]
    with LocalServer() as server:
        _, result = crawl_entry("Erasmus+ calls (including Capacity Building in Higher Education)", server,
                                     "/search-api/prod/rest/search",
                                     Reply(200, json.dumps(answer).encode(), {"Content-Type": "application/json"}))
        posted = [request for request in server.requests if request.method == "POST"]
    assert [draft.external_id for draft in result.drafts] == ["ERASMUS-EDU-2027-CBHE-STRAND-1"]   # HORIZON- left out
    (draft,) = result.drafts
    assert draft.title and draft.deadline.kind == "date" and draft.kind == "exchange" and draft.language == "en"
    assert posted and b'"ERASMUS-' not in posted[0].body          # the prefix is applied here, not sent


def test_idrc_entry_reads_drupal_rows_and_their_pages() -> None:
    listing = b"""<html lang="en"><body><main><div class="view-content">
      <div class="views-row"><h3><a href="/en/funding/climate-research-grants-2027">Climate adaptation research grants 2027</a></h3>
        <p>For researchers in the Global South.</p></div>
      <div class="views-row"><h3><a href="/en/funding/doctoral-research-awards-2027">IDRC doctoral research awards 2027</a></h3></div>
    </div></main></body></html>"""
    detail = (b"<html><body><main><article><h1>IDRC call</h1><p>" + b"Teams led from low- and middle-income countries may apply. " * 6
              + b"</p><dl><dt>Deadline</dt><dd>30 April 2027</dd></dl></article></main></body></html>")
    with LocalServer() as server:
        for slug in ("climate-research-grants-2027", "doctoral-research-awards-2027"):
            server.add(f"/en/funding/{slug}", Reply(200, detail, {"Content-Type": "text/html"}))
        source, result = crawl_entry("IDRC funding opportunities", server, "/en/funding",
                                     Reply(200, listing, {"Content-Type": "text/html"}))
    assert sorted(draft.title for draft in result.drafts) == ["Climate adaptation research grants 2027",
                                                              "IDRC doctoral research awards 2027"]
    assert all(draft.deadline.kind == "date" and "low- and middle-income" in draft.text for draft in result.drafts)
    assert all(draft.provider == source.provider and draft.language == "en" for draft in result.drafts)


def test_ictp_entry_follows_opportunity_links() -> None:
    listing = b"""<html lang="en"><body><nav><a href="/about">About</a></nav><main>
      <a href="/opportunity/postgraduate-diploma-programme-2027">Postgraduate Diploma Programme 2027</a>
      <a href="/opportunity/associates-programme">Associates Programme</a>
      <a href="/news/ictp-celebrates">ICTP celebrates its anniversary</a></main></body></html>"""
    detail = (b"<html><body><main><article><h1>ICTP</h1><p>" + b"Open to graduates of developing countries. " * 8
              + b"</p><table><tr><th>Application deadline</th><td>15 January 2027</td></tr></table></article></main></body></html>")
    with LocalServer() as server:
        for slug in ("postgraduate-diploma-programme-2027", "associates-programme"):
            server.add(f"/opportunity/{slug}", Reply(200, detail, {"Content-Type": "text/html"}))
        source, result = crawl_entry("ICTP opportunities", server, "/opportunities",
                                     Reply(200, listing, {"Content-Type": "text/html"}))
    assert sorted(draft.url.rsplit("/", 1)[1] for draft in result.drafts) == ["associates-programme",
                                                                           "postgraduate-diploma-programme-2027"]
    assert all(draft.deadline.kind == "date" and draft.deadline.at.year == 2027 for draft in result.drafts)
    assert all(draft.kind == "fellowship" and draft.levels == source.levels for draft in result.drafts)


def test_daad_entry_reads_the_javascript_wrapped_database() -> None:
    body = ('var scholarships = TAFFY([{"sapProgid": "57135739", "nameEn": "Research Grants - Doctoral Programmes in Germany",'
            ' "programmnameEn": "Research Grants", "subjectGrps": ["Engineering", "Natural Sciences"]},'
            ' {"sapProgid": "57140602", "nameEn": "Study Scholarships - Master Studies for All Academic Disciplines",'
            ' "programmnameEn": "Study Scholarships", "subjectGrps": ["All"]}]);').encode()
    with LocalServer() as server:
        _, result = crawl_entry("DAAD scholarship database", server, "/bundles/scholarships.js",
                                     Reply(200, body, {"Content-Type": "application/javascript"}))
    first, second = result.drafts
    assert first.title == "Research Grants - Doctoral Programmes in Germany" and first.external_id == "57135739"
    assert first.url == ("https://www2.daad.de/deutschland/stipendium/datenbank/en/21148-scholarship-database/"
                         "?detail=57135739")
    assert first.categories == ("Engineering", "Natural Sciences") and first.provider == "DAAD"
    assert second.language == "en" and second.kind == "scholarship"
