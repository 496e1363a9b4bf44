"""A malformed feed loses no item silently (issue 13, item 3).

feedparser recovers from broken XML by guessing, and a broken tag can make it fold one item into
its neighbour or drop the rest: the source then looked healthy ("ok", fewer or no items seen)
and nothing said what was lost. The items written in the feed are now counted against the
entries read; each one that could not be read is an ItemError naming it, and a feed none of whose
items could be read fails, so the source's health shows it. Real crawls in a child process
against a real loopback server; the health is read from the source's row after the pipeline's crawl.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from fursa import pipeline, storage
from fursa.settings import load_settings
from fursa.storage import FetchResult, Validators

from fursa.crawlers import crawl_sources
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply
from tests.databases import test_database_url

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)


def _rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Calls</title>\n'
            + "\n".join(items) + "\n</channel></rss>").encode()


def _item(n: int, title: str | None = None) -> str:
    return f"<item><title>{title or f'Research grant {n}'}</title><link>https://funder.example.org/calls/{n}</link></item>"


FEEDS = {
    # "</titel>" leaves item 2's title open: feedparser's recovering reader returns one empty entry
    # for items 2 and 3 and goes on with item 4.
    "swallowed items": _rss(_item(1), "<item><title>Research grant 2</titel><link>https://funder.example.org/calls/2</link></item>",
                            _item(3), _item(4)),
    # A CDATA section that never closes: no item comes back whole.
    "no item readable": _rss("<item><title><![CDATA[Research grant 1</title><link>https://funder.example.org/calls/1</link></item>",
                             _item(2)),
    # Item-like text inside a comment and a CDATA section is not an item.
    "well-formed": _rss("<!-- <item>old</item> -->",
                        "<item><title>Research grant 1</title><link>https://funder.example.org/calls/1</link>"
                        "<description><![CDATA[<p>Copy <item> and <entry> tags</p>]]></description></item>"),
    "no items": _rss(),
}


@pytest.fixture(scope="module")
def crawled() -> Iterator[dict[str, FetchResult]]:
    with LocalServer() as server:
        jobs = [(spec(name, server.add(f"/{n}.rss", Reply(200, body, RSS))), Validators())
                for n, (name, body) in enumerate(FEEDS.items())]
        yield {result.source_name: result for result in crawl_sources(jobs, loopback_config())}


def test_each_item_a_malformed_feed_loses_is_an_item_error_naming_it(crawled) -> None:
    result = crawled["swallowed items"]
    assert result.ok
    assert [draft.url for draft in result.drafts] == ["https://funder.example.org/calls/1", "https://funder.example.org/calls/4"]
    assert [error.url for error in result.item_errors] == ["https://funder.example.org/calls/2",
                                                           "https://funder.example.org/calls/3"]
    assert result.item_errors[1].message.startswith("item 3 of 4 ('Research grant 3') could not be read: "
                                                    "the feed is not well-formed XML: mismatched tag at line ")
    assert all("ask the feed's publisher to fix it" in error.message for error in result.item_errors)


def test_a_feed_none_of_whose_items_can_be_read_fails(crawled) -> None:
    result = crawled["no item readable"]
    assert not result.ok and result.drafts == ()
    assert "none of its 2 items could be read (item 1 of 2 ('Research grant 1') could not be read: " in result.error
    assert "unclosed CDATA section" in result.error and "… and 1 more" in result.error


def test_well_formed_and_empty_feeds_lose_nothing(crawled) -> None:
    well_formed, empty = crawled["well-formed"], crawled["no items"]
    assert well_formed.ok and len(well_formed.drafts) == 1 and well_formed.item_errors == ()
    assert empty.ok and empty.drafts == () and empty.item_errors == ()


CATALOGUE = """
[[source]]
name = "Swallowed items"
type = "feed"
url = "{base}/swallowed.rss"

[[source]]
name = "No item readable"
type = "feed"
url = "{base}/unreadable.rss"
"""


def test_the_sources_health_shows_what_could_not_be_read(tmp_path: Path) -> None:
    with LocalServer() as server:
        server.add("/swallowed.rss", Reply(200, FEEDS["swallowed items"], RSS))
        server.add("/unreadable.rss", Reply(200, FEEDS["no item readable"], RSS))
        (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base))
        ctx = pipeline.make_context(load_settings(
            database_url=test_database_url(tmp_path), catalogue=tmp_path / "catalogue.toml",
            allow_private_addresses=True, model_dir=tmp_path / ".fursa", outbox_dir=tmp_path / "outbox"))
        pipeline.init_database(ctx)
        summary = pipeline.crawl_due(ctx, NOW)
    outcomes = {outcome.name: outcome for outcome in summary.outcomes}
    assert (outcomes["Swallowed items"].items_seen, outcomes["Swallowed items"].items_skipped) == (2, 2)
    with ctx.sessions() as session:
        unreadable = storage.get_source(session, "No item readable")
        assert (unreadable.last_status, unreadable.items_seen, unreadable.consecutive_failures) == ("error", 0, 1)
        assert "none of its 2 items could be read" in unreadable.last_error
