"""parse_feed on feeds written for these tests: RSS and Atom, English and Arabic, and broken ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from fursa.storage import SourceSpec

from fursa.crawlers import FormatError, find_feed_links, parse_feed


def feed_spec(**fields) -> SourceSpec:
    return SourceSpec(name="feed", type="feed", url="https://example.org/feed", **fields)


def test_rss_items_keep_dates_categories_and_clean_text(data_dir: Path) -> None:
    page = parse_feed((data_dir / "scholarships_en.rss").read_bytes(), feed_spec(kind="scholarship"), "https://example.org/feed")
    first, second = page.drafts
    assert first.published_at.isoformat() == "2026-03-02T09:30:00+00:00"
    assert first.categories == ("Scholarships", "Master's")
    assert first.external_id == "https://scholarships.example.org/?p=101"
    assert first.summary.startswith("Fully funded one-year master's study") and "alert" not in first.text
    assert second.text == "Two-year fellowship for researchers from developing countries. Apply"
    undated = parse_feed(b'<rss version="2.0"><channel><title>t</title><item><title>No date</title>'
                         b"<link>https://example.org/x</link></item></channel></rss>", feed_spec(), "https://example.org/feed")
    assert undated.drafts[0].published_at is None and undated.item_errors == ()   # an item with no date is kept
    assert len(page.item_errors) == 2 and page.next_request is None


def test_arabic_atom_keeps_its_language_and_text(data_dir: Path) -> None:
    page = parse_feed((data_dir / "scholarships_ar.atom").read_bytes(), feed_spec(language="en"), "https://mohe.example.ps/feed")
    first = page.drafts[0]
    assert first.language == "ar" and first.categories == ("منح",)
    assert first.published_at.isoformat() == "2026-03-03T08:15:00+00:00"
    assert first.text.endswith("آخر موعد للتقديم: ١٥ كانون الثاني ٢٠٢٧")


def test_rfc5005_next_page_is_followed_up_to_max_pages(data_dir: Path) -> None:
    body = (data_dir / "news_en.atom").read_bytes()
    assert parse_feed(body, feed_spec(), "https://funder.example.org/news.atom").next_request is None
    paged = parse_feed(body, feed_spec(options={"max_pages": 2}), "https://funder.example.org/news.atom")
    assert paged.next_url == "https://funder.example.org/news_en_page2.atom"


def test_title_filters(data_dir: Path) -> None:
    body = (data_dir / "scholarships_en.rss").read_bytes()
    kept = parse_feed(body, feed_spec(options={"title_include": ["fellowship"]}), "https://example.org/feed").drafts
    assert [draft.title for draft in kept] == ["Postdoctoral Fellowship in Renewable Energy"]
    dropped = parse_feed(body, feed_spec(options={"title_exclude": ["^Postdoc"]}), "https://example.org/feed").drafts
    assert len(dropped) == 1


@pytest.mark.parametrize("body, message", [
    (b"", "returned an empty body, not a feed"),
    (b"<!DOCTYPE html><html><head><title>Moved</title></head><body></body></html>", "returned an HTML page ('Moved'), not a feed"),
    (b'{"items": []}', "is not a readable RSS/Atom feed"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss/>', "declares XML entities"),
])
def test_bodies_that_are_not_feeds_raise_format_errors(body: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_feed(body, feed_spec(), "https://example.org/feed")


def test_an_empty_but_valid_feed_is_zero_items_not_an_error() -> None:
    page = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>quiet</title></channel></rss>',
                      feed_spec(), "https://example.org/feed")
    assert page.drafts == () and page.item_errors == ()


def test_feed_links_announced_by_a_page(corpus_dir: Path) -> None:
    body = (corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes()
    assert find_feed_links(body, "https://www.ukri.org/opportunity/") == ["https://www.ukri.org/opportunity/feed/"]
