"""crawl_sources end to end: Scrapy in a child process against a real server on 127.0.0.1."""
from __future__ import annotations

import json
from pathlib import Path


from fursa.storage import Validators

from fursa.crawlers import CrawlConfig, crawl_sources
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply, conditional

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


def test_feeds_in_english_and_arabic_come_back_as_drafts_in_job_order(server: LocalServer, data_dir: Path) -> None:
    urls = {
        "en-rss": server.add("/e2e/en.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes(), {"Content-Type": RSS})),
        "ar-atom": server.add("/e2e/ar.atom", Reply(200, (data_dir / "scholarships_ar.atom").read_bytes(), {"Content-Type": ATOM})),
        "en-atom": server.add("/e2e/news_en.atom", Reply(200, (data_dir / "news_en.atom").read_bytes(), {"Content-Type": ATOM})),
        "ar-rss": server.add("/e2e/ar.rss", Reply(200, (data_dir / "announcements_ar.rss").read_bytes(), {"Content-Type": RSS})),
    }
    server.add("/e2e/news_en_page2.atom", Reply(200, (data_dir / "news_en_page2.atom").read_bytes(), {"Content-Type": ATOM}))
    jobs = [
        (spec("en-rss", urls["en-rss"], kind="scholarship", levels=("master",)), Validators()),
        (spec("ar-atom", urls["ar-atom"], language="ar", kind="scholarship"), Validators()),
        (spec("en-atom", urls["en-atom"], kind="research_funding", options={"max_pages": 2}), Validators()),
        (spec("ar-rss", urls["ar-rss"], language="en", kind="exchange"), Validators()),
    ]
    results = crawl_sources(jobs, loopback_config())

    assert [result.source_name for result in results] == ["en-rss", "ar-atom", "en-atom", "ar-rss"]
    assert all(result.ok for result in results), [result.error for result in results]
    en, ar, paged, ar_rss = results
    assert [draft.title for draft in en.drafts] == [
        "Chevening-style Master's Scholarships 2027 for Palestinian Students", "Postdoctoral Fellowship in Renewable Energy"]
    first = en.drafts[0]
    assert first.url == "https://scholarships.example.org/2026/03/masters-scholarships-2027/"   # utm_* dropped
    assert "alert" not in first.text and "West Bank and Gaza" in first.text
    assert first.kind == "scholarship" and first.levels == ("master",) and first.language == "en"
    assert first.deadline.kind == "unknown"            # prose deadlines are matching/'s job
    assert {error.message.split(";")[0] for error in en.item_errors} == {
        "item has no title", "item 'Summer School on Water Engineering' has no link"}
    assert [draft.language for draft in ar.drafts] == ["ar", "ar"]
    assert ar.drafts[0].title == "منح دراسية في هنغاريا للعام الأكاديمي 2026/2027"
    assert "آخر موعد للتقديم" in ar.drafts[0].text
    assert [draft.title for draft in paged.drafts] == [
        "Call for proposals: Climate Adaptation Research Grants", "Visiting Researcher Exchange Programme 2027"]
    assert ar_rss.drafts[0].language == "ar"           # the feed's <language> beats the source default
    assert all(result.bytes_read > 0 and result.http_status == 200 for result in results)


def test_second_crawl_of_an_unchanged_feed_sends_validators_and_gets_nothing_new(data_dir: Path) -> None:
    body = (data_dir / "scholarships_en.rss").read_bytes()
    with LocalServer() as server:
        url = server.add("/cond.rss", conditional(body, RSS, '"feed-v1"', "Mon, 02 Mar 2026 09:30:00 GMT"))
        source = spec("conditional", url)
        first = crawl_sources([(source, Validators())], loopback_config())[0]
        second = crawl_sources([(source, first.validators)], loopback_config())[0]
        requests = server.seen("/cond.rss")

    assert first.ok and len(first.drafts) == 2
    assert first.validators == Validators(etag='"feed-v1"', last_modified="Mon, 02 Mar 2026 09:30:00 GMT")
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"feed-v1"'
    assert requests[1].headers["if-modified-since"] == "Mon, 02 Mar 2026 09:30:00 GMT"
    assert second.ok and second.not_modified and second.drafts == ()
    assert second.validators == first.validators      # kept for the next run
    assert second.http_status == 304


def test_grants_gov_search_and_detail_calls_are_posted_and_parsed(server: LocalServer, corpus_dir: Path) -> None:
    captures = corpus_dir / "grants-gov-api"
    search = server.add("/gg/search2", Reply(200, (captures / "grants_gov_search2.json").read_bytes(),
                                             {"Content-Type": "application/json"}))
    detail = server.add("/gg/fetchOpportunity", Reply(200, (captures / "grants_gov_fetchOpportunity.json").read_bytes(),
                                                      {"Content-Type": "application/json"}))
    source = spec("Grants.gov", search, type="api", parser="grants_gov", kind="research_funding",
                  options={"body": {"keyword": "student", "rows": 5}, "max_pages": 1, "detail": True,
                           "detail_url": detail})
    result = crawl_sources([(source, Validators())], loopback_config())[0]

    posted = server.seen("/gg/search2")[0]
    assert posted.method == "POST" and posted.headers["content-type"] == "application/json"
    assert json.loads(posted.body) == {"keyword": "student", "oppStatuses": "forecasted|posted", "rows": 5,
                                       "sortBy": "openDate|desc", "startRecordNum": 0}
    details = server.seen("/gg/fetchOpportunity")
    assert sorted(json.loads(request.body)["opportunityId"] for request in details) == [
        329436, 334326, 348985, 363101, 363559]
    assert result.ok and len(result.drafts) == 5
    reu = next(draft for draft in result.drafts if draft.external_id == "23-601")
    assert reu.url == "https://www.grants.gov/search-results-detail/348985"
    assert reu.provider == "U.S. National Science Foundation"
    assert reu.deadline.kind == "date" and reu.deadline.timezone == "America/New_York"
    assert reu.deadline.at.date().isoformat() == "2027-08-18"
    assert "Research Experiences for Undergraduates" in reu.text   # synopsis from fetchOpportunity


def test_an_empty_job_list_runs_nothing() -> None:
    assert crawl_sources([], CrawlConfig()) == []
