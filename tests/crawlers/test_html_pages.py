"""HTML sources: selector listings, detail pages and the generic reader, on real captures (UKRI,
EURAXESS) and on Arabic pages written for these tests."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from fursa.storage import SourceSpec

from fursa.crawlers import default_catalogue_path, load_catalogue, parse_html_detail, parse_html_listing, parse_html_page

LONDON = ZoneInfo("Europe/London")


def catalogue_entry(name: str) -> SourceSpec:
    return next(source for source in load_catalogue(default_catalogue_path()) if source.name == name)


def test_ukri_listing_capture_with_the_catalogue_selectors(corpus_dir: Path) -> None:
    spec = catalogue_entry("UKRI funding finder (open calls)")
    body = (corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes()
    page = parse_html_listing(body, spec, spec.url)
    assert page.drafts == () and len(page.detail_requests) == 3    # detail = true: drafts come back via their pages
    flf, defra, pet = (request.draft for request in page.detail_requests)
    assert flf.title == "Future Leaders Fellowships: round 11"
    assert flf.url == "https://www.ukri.org/opportunity/future-leaders-fellowship-round-11/"
    assert flf.deadline.at == datetime(2026, 6, 16, 16, 0, tzinfo=LONDON) and flf.deadline.timezone == "Europe/London"
    assert flf.opens_at == datetime(2026, 2, 2, 9, 0, tzinfo=LONDON)
    assert (flf.amount, flf.currency) == (Decimal("110000000"), "GBP")
    assert {"ahrc", "epsrc", "mrc", "fellowship"} <= set(flf.categories)          # councils from the post classes
    assert flf.provider.startswith("UK Research and Innovation, Biotechnology and Biological Sciences Research Council")
    assert defra.provider == "Innovate UK" and defra.deadline.at == datetime(2026, 6, 17, 11, 0, tzinfo=LONDON)
    assert pet.title == "National PET Imaging Platform: Data Platform" and "grant" in pet.categories
    assert page.next_request.url == "https://www.ukri.org/opportunity/page/2/?filter_status%5B0%5D=open&filter_order=closing_date"


def test_ukri_opportunity_captures_complete_their_drafts(corpus_dir: Path) -> None:
    spec = catalogue_entry("UKRI funding finder (open calls)")
    listing = parse_html_listing((corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes(), spec, spec.url)
    flf = parse_html_detail((corpus_dir / "ukri" / "ukri-opportunity-flf.html").read_bytes(), spec,
                            listing.detail_requests[0].draft)
    assert flf.text.startswith("Apply for funding to support ambitious research and innovation")
    assert "80% of the full economic cost" in flf.text and "Start application" not in flf.text
    assert flf.deadline == listing.detail_requests[0].draft.deadline
    pet = parse_html_detail((corpus_dir / "ukri" / "ukri-opportunity-pet-imaging.html").read_bytes(), spec,
                            listing.detail_requests[2].draft)
    assert "National PET Imaging Platform" in pet.text and pet.title == "National PET Imaging Platform: Data Platform"


def test_euraxess_search_capture_with_selectors(corpus_dir: Path) -> None:
    spec = catalogue_entry("EURAXESS funding opportunities")
    page = parse_html_listing((corpus_dir / "euraxess" / "search_results_page.html").read_bytes(), spec,
                              "https://euraxess.ec.europa.eu/jobs/search")
    assert len(page.drafts) == 10 and page.item_errors == ()
    postdoc, fellowship = page.drafts[:2]
    assert (postdoc.title, postdoc.url) == ("Postdoctoral Researcher", "https://euraxess.ec.europa.eu/jobs/415163")
    assert postdoc.provider == "Fondation nationale des Sciences Politiques"
    assert postdoc.deadline.at == datetime(2026, 4, 12, 21, 59, tzinfo=ZoneInfo("UTC"))
    assert (postdoc.deadline.timezone, postdoc.deadline.text) == ("Europe/Brussels", "12 Apr 2026 - 23:59 (Europe/Brussels)")
    assert fellowship.deadline.timezone == "Europe/Lisbon"        # the zone the page prints, not the default
    assert fellowship.categories == ("Technology", "Biotechnology", "Chemistry")
    assert postdoc.summary.startswith("The Centre for Research on Social Inequality")
    assert page.next_request.url == "https://euraxess.ec.europa.eu/jobs/search?f%5B0%5D=offer_type%3Ajob_offer&page=1"


def test_euraxess_job_capture_through_the_generic_reader(corpus_dir: Path) -> None:
    spec = SourceSpec(name="EURAXESS job", type="html", url="https://euraxess.ec.europa.eu/jobs/415163",
                      options={"timezone": "Europe/Brussels"})
    (draft,) = parse_html_page((corpus_dir / "euraxess" / "job_detail_sample.html").read_bytes(), spec, spec.url).drafts
    assert draft.title == "Postdoctoral Researcher"                 # og:title, not the page header "Job offer"
    assert draft.url == "https://euraxess.ec.europa.eu/jobs/415163"
    assert draft.deadline.at == datetime(2026, 4, 12, 21, 59, tzinfo=ZoneInfo("UTC"))
    assert draft.deadline.timezone == "Europe/Brussels"
    assert "Key responsibilities" in draft.text and "ERC LEARN project" in draft.text
    assert "ecl-" not in draft.text and "function(" not in draft.text


MOHE_LISTING = """<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>المنح الدراسية</title></head><body>
<nav><a href="/scholarships/Post/1">منحة في القائمة</a></nav>
<main><ul>
<li><a href="/scholarships/Post/5012">منح دراسية مقدمة من الحكومة الهنغارية للعام الأكاديمي 2026/2027</a></li>
<li><a href="/scholarships/post/5013?utm_source=fb">منح دراسية في جمهورية الصين الشعبية</a></li>
<li><a href="/news/99">خبر عن زيارة وفد</a></li>
</ul></main></body></html>"""

MOHE_DETAIL = """<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تفاصيل المنحة</title></head><body>
<main><h1>منح دراسية مقدمة من الحكومة الهنغارية</h1>
<p>تعلن وزارة التعليم العالي والبحث العلمي عن توفر منح دراسية مقدمة من الحكومة الهنغارية لدرجة البكالوريوس والماجستير والدكتوراه في جميع التخصصات.</p>
<table><tr><th>الدرجة العلمية</th><td>بكالوريوس، ماجستير، دكتوراه</td></tr>
<tr><th>آخر موعد</th><td>١٥ كانون الثاني ٢٠٢٧</td></tr></table>
<script>track()</script></main></body></html>"""


def test_arabic_ministry_listing_and_detail_with_the_catalogue_entry() -> None:
    spec = catalogue_entry("Ministry of Higher Education: scholarships")
    page = parse_html_listing(MOHE_LISTING.encode(), spec, "https://www.mohe.pna.ps/scholarships/")
    urls = [request.url for request in page.detail_requests]
    assert urls == ["https://www.mohe.pna.ps/scholarships/Post/1", "https://www.mohe.pna.ps/scholarships/Post/5012",
                    "https://www.mohe.pna.ps/scholarships/post/5013"]          # the news link is not a scholarship post
    draft = parse_html_detail(MOHE_DETAIL.encode(), spec, page.detail_requests[1].draft)
    assert draft.title == "منح دراسية مقدمة من الحكومة الهنغارية للعام الأكاديمي 2026/2027" and draft.language == "ar"
    assert draft.deadline.kind == "date" and draft.deadline.timezone == "Asia/Hebron"
    assert draft.deadline.at == datetime(2027, 1, 15, 23, 59, 59, tzinfo=ZoneInfo("Asia/Hebron"))
    assert draft.deadline.text == "١٥ كانون الثاني ٢٠٢٧"
    assert "الحكومة الهنغارية" in draft.text and "track()" not in draft.text


def test_generic_reader_prefers_schema_org_objects() -> None:
    page = b"""<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Site"},
      {"@type": "MonetaryGrant", "name": "Seed Grants for Young Researchers", "url": "/grants/seed",
       "description": "<p>Up to USD 10,000 for early-career researchers.</p>", "funder": {"@type": "Organization", "name": "Example Foundation"},
       "applicationDeadline": "2026-10-01"}]}</script></head><body><p>ignored</p></body></html>"""
    spec = SourceSpec(name="foundation", type="html", url="https://foundation.example.org/grants",
                      options={"timezone": "UTC"})
    (draft,) = parse_html_page(page, spec, spec.url).drafts
    assert draft.title == "Seed Grants for Young Researchers" and draft.url == "https://foundation.example.org/grants/seed"
    assert draft.provider == "Example Foundation" and draft.text == "Up to USD 10,000 for early-career researchers."
    assert draft.deadline.kind == "date" and draft.deadline.at.date().isoformat() == "2026-10-01"


def test_generic_reader_follows_links_that_read_like_calls() -> None:
    page = b"""<html><body><header><a href="/scholarships/menu">Scholarships menu entry</a></header><main>
      <a href="/news/fully-funded-scholarship-italy">Fully funded scholarship in Italy</a>
      <a href="/news/erasmus-exchange-2027">Erasmus+ exchange places for 2027</a>
      <a href="/news/research-grant-water">Research grant on water management</a>
      <a href="/news/sports-day">University sports day results</a>
      <a href="https://elsewhere.example.org/scholarship-x">Scholarship elsewhere (other site)</a>
    </main></body></html>"""
    spec = SourceSpec(name="university", type="html", url="https://www.university.example.ps/news")
    parsed = parse_html_page(page, spec, spec.url)
    assert parsed.drafts == ()
    assert [request.url for request in parsed.detail_requests] == [
        "https://www.university.example.ps/news/fully-funded-scholarship-italy",
        "https://www.university.example.ps/news/erasmus-exchange-2027",
        "https://www.university.example.ps/news/research-grant-water"]


def test_windows_1256_page_without_any_declaration_is_detected() -> None:
    body = ("<html><body><main><h1>إعلان منحة دراسية</h1><p>" + "منح دراسية لطلبة الهندسة في الجامعات الفلسطينية. " * 10
            + "</p></main></body></html>").encode("windows-1256")
    spec = SourceSpec(name="legacy", type="html", url="https://old.example.ps/e3lan/e1/", language="ar")
    (draft,) = parse_html_page(body, spec, spec.url).drafts
    assert draft.title == "إعلان منحة دراسية" and "طلبة الهندسة" in draft.text
