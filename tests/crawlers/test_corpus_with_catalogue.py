"""Done-when check of issue 3: every capture in ../shared/corpus that belongs to a catalogue source
parses with that source's own catalogue entry (its parser and options), fields checked."""
from __future__ import annotations

from pathlib import Path

import pytest

from fursa.crawlers import default_catalogue_path, load_catalogue
from fursa.crawlers.formats import format_of
from fursa.crawlers.pages import PageRequest

ENTRIES = {source.name: source for source in load_catalogue(default_catalogue_path())}


@pytest.mark.parametrize("name, capture, url, drafts, first_title", [
    ("Grants.gov: posted and forecasted calls", "grants-gov-api/grants_gov_search2.json", None, 5,
     "Research Experiences for Undergraduates (REU)"),
    ("Grants.gov: NIH calls", "grants-gov-api/grants_gov_search2_page2.json", None, 3,
     "University Nuclear Leadership Program– Scholarship and Fellowship Support"),
    ("EU Funding & Tenders: open and forthcoming calls", "eu-funding-tenders/sedia-search-page.json", None, 2,
     "Low power Edge AI Chips"),
    ("Horizon Europe calls", "eu-funding-tenders/sedia-search-page.json", None, 2, "Low power Edge AI Chips"),
    ("DARPA opportunities", "darpa/darpa.json", None, 10, "Future Program: Firefox"),
    ("UKRI funding finder (open calls)", "ukri/ukri-listing-page.html", None, 3, "Future Leaders Fellowships: round 11"),
    ("EURAXESS funding opportunities", "euraxess/search_results_page.html", "https://euraxess.ec.europa.eu/funding/search",
     10, "Postdoctoral Researcher"),
    ("EURAXESS job offers: PhD and postdoc positions", "euraxess/search_results_page.html",
     "https://euraxess.ec.europa.eu/jobs/search", 7, "Postdoctoral Researcher"),
])
def test_capture_parses_with_its_catalogue_entry(corpus_dir: Path, name: str, capture: str, url: str | None,
                                                 drafts: int, first_title: str) -> None:
    source = ENTRIES[name]
    fmt = format_of(source)
    page = fmt.parse_page((corpus_dir / capture).read_bytes(), source, url or source.url, fmt.first_request(source), None)
    found = list(page.drafts) + [request.draft for request in page.detail_requests if request.draft is not None]
    assert len(found) == drafts and page.item_errors == ()
    assert found[0].title == first_title
    assert all(draft.source_name == name and draft.url.startswith("https://") for draft in found)
    assert all(draft.kind == source.kind and draft.levels == source.levels for draft in found)
    assert sum(draft.deadline.kind == "date" for draft in found) == drafts   # every capture states its deadlines


def test_ukri_feed_link_in_the_listing_capture_is_the_catalogue_feed(corpus_dir: Path) -> None:
    from fursa.crawlers import find_feed_links

    links = find_feed_links((corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes(), "https://www.ukri.org/opportunity/")
    assert links == [ENTRIES["UKRI funding opportunities (feed)"].url]


def test_ukri_opportunity_captures_complete_catalogue_drafts(corpus_dir: Path) -> None:
    source = ENTRIES["UKRI funding finder (open calls)"]
    fmt = format_of(source)
    listing = fmt.parse_page((corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes(), source, source.url,
                             PageRequest(url=source.url), None)
    by_slug = {request.url.rstrip("/").rsplit("/", 1)[1]: request.draft for request in listing.detail_requests}
    for capture, slug in (("ukri-opportunity-flf.html", "future-leaders-fellowship-round-11"),
                          ("ukri-opportunity-pet-imaging.html", "national-pet-imaging-platform-data-platform")):
        draft = fmt.parse_detail((corpus_dir / "ukri" / capture).read_bytes(), source, by_slug[slug], by_slug[slug].url, None)
        assert draft.text and "Apply for funding" in draft.text and draft.deadline.kind == "date"
