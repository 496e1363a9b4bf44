"""API parsers on the real captures in ../shared/corpus (read at test time, never copied)."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fursa.storage import SourceSpec

from fursa.crawlers import FormatError, parse_darpa, parse_grants_gov_opportunity, parse_grants_gov_search, parse_json_listing, parse_sedia
from fursa.crawlers.pages import PageRequest
from fursa.crawlers.sedia import page_request

NEW_YORK = ZoneInfo("America/New_York")


def grants_spec(**options) -> SourceSpec:
    return SourceSpec(name="Grants.gov", type="api", parser="grants_gov", url="https://api.grants.gov/v1/api/search2",
                      kind="research_funding", levels=("faculty",), options=options)


def test_grants_gov_search2_capture(corpus_dir: Path) -> None:
    body = (corpus_dir / "grants-gov-api" / "grants_gov_search2.json").read_bytes()
    page = parse_grants_gov_search(body, grants_spec(max_pages=1))
    assert len(page.drafts) == 5 and page.item_errors == () and page.next_request is None
    reu, tribal, fire, nuclear, food = page.drafts
    assert reu.title == "Research Experiences for Undergraduates (REU)"
    assert reu.url == "https://www.grants.gov/search-results-detail/348985"
    assert (reu.provider, reu.external_id) == ("U.S. National Science Foundation", "23-601")
    assert reu.deadline.kind == "date" and reu.deadline.timezone == "America/New_York"
    assert (reu.deadline.day, reu.deadline.date_only) == (date(2027, 8, 18), True)   # 08/18/2027, as stated
    assert reu.deadline.text == "08/18/2027"
    assert reu.opens_at == datetime(2023, 6, 29, tzinfo=NEW_YORK)
    assert reu.categories[:2] == ("agency:NSF", "cfda:47.075") and "status:posted" in reu.categories
    assert (reu.kind, reu.levels, reu.language) == ("research_funding", ("faculty",), "en")
    assert nuclear.title == "University Nuclear Leadership Program– Scholarship and Fellowship Support"  # &ndash; decoded
    assert fire.provider == "Bureau of Land Management" and food.external_id == "USDA-NIFA-HEP-011737"


def test_grants_gov_paging_follows_start_record_and_hit_count(corpus_dir: Path) -> None:
    captures = corpus_dir / "grants-gov-api"
    first = parse_grants_gov_search((captures / "grants_gov_search2_page1.json").read_bytes(), grants_spec(max_pages=5))
    assert [draft.external_id for draft in first.drafts] == ["23-601", "21-595", "FA-NOFO0027-001"]
    assert json.loads(first.next_request.body)["startRecordNum"] == 3 and first.next_request.page == 2
    second = parse_grants_gov_search((captures / "grants_gov_search2_page2.json").read_bytes(), grants_spec(max_pages=5),
                                     request=first.next_request)
    assert second.drafts[0].external_id == "DE-FOA-0002265"
    assert json.loads(second.next_request.body)["startRecordNum"] == 6
    last = parse_grants_gov_search((captures / "grants_gov_search2_page2.json").read_bytes(), grants_spec(max_pages=2),
                                   request=first.next_request)
    assert last.next_request is None    # max_pages reached


def test_grants_gov_empty_close_date_is_unknown_not_invented() -> None:
    body = json.dumps({"errorcode": 0, "data": {"hitCount": 1, "startRecord": 0, "oppHits": [
        {"id": "1", "number": "X-1", "title": "Forecast", "agency": "A", "openDate": "", "closeDate": ""}]}}).encode()
    (draft,) = parse_grants_gov_search(body, grants_spec()).drafts
    assert draft.deadline.kind == "unknown" and draft.deadline.at is None and draft.opens_at is None


def test_grants_gov_fetch_opportunity_capture_completes_a_draft(corpus_dir: Path) -> None:
    search = parse_grants_gov_search((corpus_dir / "grants-gov-api" / "grants_gov_search2.json").read_bytes(), grants_spec(detail=True))
    assert search.drafts == () and len(search.detail_requests) == 5
    request = search.detail_requests[0]
    assert request.method == "POST" and json.loads(request.body) == {"opportunityId": 348985}
    draft = parse_grants_gov_opportunity((corpus_dir / "grants-gov-api" / "grants_gov_fetchOpportunity.json").read_bytes(),
                                         grants_spec(), request.draft)
    assert draft.text.startswith("The Research Experiences for Undergraduates (REU) program supports")
    assert "Eligibility: *Who May Serve as PI:" in draft.text and "&nbsp;" not in draft.text
    assert (draft.amount, draft.currency) == (Decimal("500000"), "USD")
    assert {"category:ST", "instrument:G", "applicant:25"} <= set(draft.categories)
    assert draft.deadline == search.detail_requests[0].draft.deadline


def test_grants_gov_error_envelope_and_html_are_format_errors() -> None:
    with pytest.raises(FormatError, match="reported error 1: 'Bad request'"):
        parse_grants_gov_search(b'{"errorcode": 1, "msg": "Bad request", "data": {}}', grants_spec())
    with pytest.raises(FormatError, match="did not answer JSON \\(got an HTML page\\)"):
        parse_grants_gov_search(b"<!DOCTYPE html><html><body>maintenance</body></html>", grants_spec())


SEDIA_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize=100&pageNumber=1"


def test_sedia_capture_with_list_values_budget_json_and_two_deadlines(corpus_dir: Path) -> None:
    spec = SourceSpec(name="EU F&T", type="api", parser="sedia", url=SEDIA_URL, provider="European Commission")
    page = parse_sedia((corpus_dir / "eu-funding-tenders" / "sedia-search-page.json").read_bytes(), spec)
    chips, prize = page.drafts
    assert chips.title == "Low power Edge AI Chips"
    assert chips.url == ("https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
                         "topic-details/HORIZON-JU-CHIPS-2025-IA-LEAI-two-stage")   # not the .json data URL
    assert chips.external_id == "HORIZON-JU-CHIPS-2025-IA-LEAI-two-stage"
    assert (chips.deadline.day, chips.deadline.date_only) == (date(2025, 4, 29), True)
    assert chips.deadline.text == "stage 1: 2025-04-29; stage 2: 2025-09-17"
    assert (chips.amount, chips.currency) == (Decimal("20000000"), "EUR")          # from budgetOverview, parsed twice
    assert chips.opens_at.date().isoformat() == "2025-03-04"
    assert {"HORIZON-JU-CHIPS-2025-IA-LEAI-two-stage", "programme:43108390", "action:HORIZON JU Innovation Actions",
            "status:forthcoming"} <= set(chips.categories)
    assert chips.text.startswith("Expected Outcome:") and "<" not in chips.text
    assert prize.deadline.text == "2026-09-02" and prize.amount == Decimal("15000")
    assert {"priority:AI", "priority:DigitalAgenda"} <= set(prize.categories)
    assert prize.provider == "European Commission"
    assert page.next_request is not None and page.next_request.url.endswith("pageSize=100&pageNumber=2")


def test_sedia_requests_are_multipart_with_json_parts() -> None:
    spec = SourceSpec(name="EU", type="api", parser="sedia", url=SEDIA_URL, options={"languages": ["en"]})
    request = page_request(spec, 1)
    assert request.method == "POST" and request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    boundary = request.headers["Content-Type"].split("boundary=")[1]
    parts = [part for part in request.body.split(f"--{boundary}".encode()) if b"Content-Disposition" in part]
    names = [part.split(b'name="')[1].split(b'"')[0].decode() for part in parts]
    assert names == ["query", "sort", "languages"]
    assert all(b"Content-Type: application/json" in part for part in parts)
    assert json.loads(parts[2].split(b"\r\n\r\n", 1)[1].strip()) == ["en"]
    assert "pageNumber=1" in request.url and "apiKey=SEDIA" in request.url


def test_sedia_identifier_prefixes_keep_only_matching_calls(corpus_dir: Path) -> None:
    spec = SourceSpec(name="Erasmus+", type="api", parser="sedia", url=SEDIA_URL, options={"identifier_prefixes": ["ERASMUS-"]})
    assert parse_sedia((corpus_dir / "eu-funding-tenders" / "sedia-search-page.json").read_bytes(), spec).drafts == ()


def test_darpa_capture_dedupes_doubled_rows(corpus_dir: Path) -> None:
    spec = SourceSpec(name="DARPA", type="api", parser="darpa", url="https://www.darpa.mil/json/opportunity.json", provider="DARPA")
    page = parse_darpa((corpus_dir / "darpa" / "darpa.json").read_bytes(), spec)
    assert len(page.drafts) == 10 and len({draft.external_id for draft in page.drafts}) == 10
    firefox = page.drafts[0]
    assert firefox.title == "Future Program: Firefox" and firefox.external_id == "DARPA-PS-26-113"
    assert firefox.url == "https://sam.gov/workspace/contract/opp/fa034718114e4b02a5e5dd763d81ed6a/view"
    assert firefox.text.startswith("BTO is providing public notification")     # the copy with a body was kept
    assert (firefox.deadline.day, firefox.deadline.date_only) == (date(2026, 9, 11), True)
    assert firefox.opens_at == datetime(2026, 9, 4, tzinfo=NEW_YORK)
    assert firefox.categories == ("office:Biological Technologies Office", "Biological",
                                  "High Performance Computing (includes Processing)")
    assert firefox.provider == "DARPA"


def test_generic_json_reads_a_real_state_portal_with_field_paths(corpus_dir: Path) -> None:
    spec = SourceSpec(name="PA eGrants", type="api", parser="json", url="https://www.pa.gov/grants.json", options={
        "items": "grants", "fields": {"title": "title", "url": "linkToApply", "id": "slug", "text": "overview",
                                      "deadline": "closeDate", "opens": "openDate", "provider": "issuingAgency",
                                      "categories": "category"},
        "timezone": "America/New_York"})
    page = parse_json_listing((corpus_dir / "pennsylvania-egrants" / "PA-grant-data.sample.json").read_bytes(), spec)
    assert len(page.drafts) + len(page.item_errors) == 322
    first = page.drafts[0]
    assert (first.title, first.external_id, first.provider, first.categories) == (
        "4-H Reimbursement", "pda1", "Agriculture", ("Agriculture",))
    assert first.deadline.kind == "date" and first.deadline.at.isoformat() == "2024-11-15T12:00:00+00:00"


def test_generic_json_reads_positional_records_and_rolling_words(corpus_dir: Path) -> None:
    spec = SourceSpec(name="CA portal", type="api", parser="json", url="https://data.ca.gov/api/3/action/datastore_search",
                      options={"items": "records", "fields": {"title": "7", "url": "31", "id": "1", "text": "13",
                                                              "deadline": "27", "provider": "6", "categories": "10"},
                               "timezone": "America/Los_Angeles"})
    page = parse_json_listing((corpus_dir / "california-grants-portal" / "111c8c88-21f6-453c-ae2c-b4785a0624f5.json").read_bytes(), spec)
    first = page.drafts[0]
    assert first.title == "Proposition 4 – Nature Based" and first.url == "https://smmc.ca.gov/grants-redo/"
    assert first.deadline.kind == "rolling" and first.deadline.text == "Ongoing"
    assert len(page.drafts) >= 40


def test_generic_json_pages_wordpress_style_and_reports_a_wrong_path() -> None:
    spec = SourceSpec(name="WP", type="api", parser="json", url="https://blog.example.org/wp-json/wp/v2/posts?per_page=2",
                      options={"fields": {"title": "title.rendered", "url": "link", "text": "content.rendered",
                                          "published": "date_gmt"}, "page_param": "page", "max_pages": 3})
    body = json.dumps([{"title": {"rendered": "Fellowship &#8211; 2027"}, "link": "https://blog.example.org/f/",
                        "content": {"rendered": "<p>Open <script>x()</script>call</p>"}, "date_gmt": "2026-03-01T10:00:00"}]).encode()
    page = parse_json_listing(body, spec, spec.url, PageRequest(url=spec.url, page=1))
    (draft,) = page.drafts
    assert draft.title == "Fellowship – 2027" and draft.text == "Open call"
    assert draft.published_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert page.next_request.url == "https://blog.example.org/wp-json/wp/v2/posts?per_page=2&page=2"
    wrong = SourceSpec(name="WP", type="api", parser="json", url=spec.url, options={"items": "data.posts"})
    with pytest.raises(FormatError, match="the path 'data.posts' does not lead to a list"):
        parse_json_listing(body, wrong)


def test_json_inside_pages_next_data_and_javascript_wrappers() -> None:
    next_page = (b'<html><script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {"opportunities": '
                 b'{"data": [{"title": "Fellowship in Amman", "slug": "fellowship-amman", "deadline": "1970-01-01", '
                 b'"no_deadline": true}]}}}}</script></html>')
    spec = SourceSpec(name="For9a", type="html", parser="json", url="https://www.for9a.com/en/x", options={
        "envelope": "next_data", "items": "props.pageProps.opportunities.data",
        "fields": {"title": "title", "id": "slug", "deadline": "deadline", "rolling": "no_deadline"},
        "url_template": "https://www.for9a.com/en/opportunity/{id}"})
    (draft,) = parse_json_listing(next_page, spec).drafts
    assert draft.url == "https://www.for9a.com/en/opportunity/fellowship-amman"
    assert draft.deadline.kind == "rolling"            # the 1970 placeholder is not a date
    daad = b'var scholarships = TAFFY([{"sapProgid": "57135739", "nameEn": "Research Grants - Doctoral Programmes in Germany"}]);'
    spec = SourceSpec(name="DAAD", type="api", parser="json", url="https://www2.daad.de/x/scholarships.js", options={
        "envelope": "js", "fields": {"title": "nameEn", "id": "sapProgid"},
        "url_template": "https://www2.daad.de/deutschland/stipendium/datenbank/en/21148-scholarship-database/?detail={id}"})
    (draft,) = parse_json_listing(daad, spec).drafts
    assert draft.title == "Research Grants - Doctoral Programmes in Germany" and draft.url.endswith("?detail=57135739")
