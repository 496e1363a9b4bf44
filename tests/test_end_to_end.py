"""The foundation's path for real: a captured Grants.gov answer served on loopback is crawled by the
Scrapy child process, stored, tagged, approved, and mailed as a digest to a real SMTP server."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from email.message import EmailMessage
from html import unescape

import pytest
from icalendar import Calendar

from fursa import pipeline, storage
from fursa.settings import load_settings
from tests.crawlers.server import LocalServer, Reply, conditional
from tests.digests.smtpsink import SmtpSink
from tests.databases import test_database_url

# Sunday 29 November 2026, 09:00 in Hebron: just after the default weekly send moment.
NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)

CATALOGUE = """
[[source]]
name = "Grants.gov (local capture)"
type = "api"
parser = "grants_gov"
url = "{base}/v1/api/search2"
kind = "research_funding"
audience = ["faculty"]
every_hours = 12
description = "the real search2 capture, served on loopback"
[source.options]
body = {{ keyword = "student", oppStatuses = "posted", rows = 5 }}

[[source]]
name = "Scholarships feed (local)"
type = "feed"
url = "{base}/feed.xml"
language = "en"
kind = "scholarship"
description = "an RSS feed written by the test"
"""

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local scholarships</title><link>http://example.org/</link>
<item><title>Master's scholarships in mechatronics and robotics</title>
<link>http://example.org/calls/mechatronics</link>
<description>Fully funded master's places in mechatronics for students from the West Bank and Gaza.</description></item>
</channel></rss>"""


@pytest.fixture
def world(tmp_path, corpus_dir):
    capture = (corpus_dir / "grants-gov-api" / "grants_gov_search2.json").read_bytes()
    sink = SmtpSink().start()
    with LocalServer() as server:
        server.add("/v1/api/search2", Reply(200, capture, {"Content-Type": "application/json"}))
        server.add("/feed.xml", conditional(FEED, "application/rss+xml", '"feed-v1"', "Sat, 28 Nov 2026 10:00:00 GMT"))
        (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base), encoding="utf-8")
        settings = load_settings(
            database_url=test_database_url(tmp_path), outbox_dir=tmp_path / "outbox",
            smtp_url=sink.url, catalogue=tmp_path / "catalogue.toml", allow_private_addresses=True,
            model_dir=tmp_path / ".fursa", public_base_url="https://fursa.ppu.example",
        )
        ctx = pipeline.make_context(settings)
        pipeline.init_database(ctx)
        yield ctx, server, sink, json.loads(capture)
    sink.stop()


def _add_subscriber(ctx, email: str, **profile) -> None:
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email=email, confirmed=True, **profile), NOW)


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()


def _mime_tree(part: EmailMessage):
    """The message's structure: a leaf's content type, or (multipart type, its parts' trees)."""
    if not part.is_multipart():
        return part.get_content_type()
    return part.get_content_type(), tuple(_mime_tree(child) for child in part.iter_parts())


def test_captured_source_is_crawled_tagged_and_mailed(world):
    ctx, server, sink, capture = world
    _add_subscriber(ctx, "faculty@ppu.example", role="faculty")

    crawl = pipeline.crawl_due(ctx, NOW)
    assert {o.name: o.status for o in crawl.outcomes} == {
        "Grants.gov (local capture)": "ok", "Scholarships feed (local)": "ok"}
    assert server.seen("/v1/api/search2")[0].method == "POST"

    tags = pipeline.tag_new(ctx, NOW)
    hits = capture["data"]["oppHits"]
    assert tags.tagged == len(hits) + 1
    assert pipeline.approve_new(ctx, NOW, actor="test") == len(hits) + 1

    report = pipeline.send_due_digests(ctx, NOW)
    assert report.sent == 1 and report.failed == 0
    assert sink.wait_for(1)
    (received,) = sink.messages
    message = received.parsed()
    assert received.recipients == ("faculty@ppu.example",)
    assert _mime_tree(message) == ("multipart/mixed", (
        ("multipart/alternative", ("text/plain", "text/html")),
        "text/calendar",
    )), "not text and HTML as alternatives with the deadlines' calendar beside them"
    for header in ("Message-ID", "Date", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert message[header], f"missing {header}"
    assert "https://fursa.ppu.example/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    html, text = _body(message, "html"), _body(message, "plain")
    open_titles = {unescape(h["title"]) for h in hits if datetime.strptime(h["closeDate"], "%m/%d/%Y").date() >= NOW.date()}
    closed_titles = {unescape(h["title"]) for h in hits} - open_titles
    mailed = {title for title in open_titles if title in text}
    assert mailed == open_titles, "an open call from the capture did not reach the faculty digest"
    assert all(title in html for title in mailed)
    assert not any(title in text for title in closed_titles), "a call whose deadline passed was mailed"
    (calendar,) = message.iter_attachments()
    assert calendar.get_filename() == "fursa-deadlines.ics"
    # text/calendar is UTF-8 by default (RFC 5545 section 8.1); the part names no charset
    ics = calendar.get_payload(decode=True).decode("utf-8")
    events = [str(event["SUMMARY"]) for event in Calendar.from_ical(ics).walk("VEVENT")]
    assert sorted(events) == sorted(f"Deadline: {title}" for title in mailed)

    with ctx.sessions() as session:
        (delivery,) = session.query(storage.Delivery).all()
        assert delivery.state == "sent" and delivery.message_id == message["Message-ID"]
        assert len(delivery.items) >= len(mailed)

    again = pipeline.send_due_digests(ctx, NOW)
    assert again.sent == 0 and again.already_sent == 1
    assert len(sink.messages) == 1


def test_second_crawl_of_unchanged_feed_sends_validators_and_stores_nothing(world):
    ctx, server, _, _ = world
    first = pipeline.crawl_due(ctx, NOW, source_name="Scholarships feed (local)")
    second = pipeline.crawl_due(ctx, NOW, source_name="Scholarships feed (local)")

    assert first.new_items == 1 and second.new_items == 0
    request = server.seen("/feed.xml")[-1]
    assert request.headers.get("if-none-match") == '"feed-v1"'
    assert request.headers.get("if-modified-since") == "Sat, 28 Nov 2026 10:00:00 GMT"
    with ctx.sessions() as session:
        source = storage.get_source(session, "Scholarships feed (local)")
        assert source.last_status == "not_modified"
        assert session.query(storage.Opportunity).count() == 1


def test_unreachable_source_is_recorded_and_the_run_goes_on(world, tmp_path):
    ctx, server, _, _ = world
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="Gone", type="feed", url="http://127.0.0.1:9/feed")])
    summary = pipeline.run_once(ctx, NOW)
    by_name = {o.name: o for o in summary.crawl.outcomes}
    assert by_name["Gone"].status == "error" and by_name["Gone"].error
    assert by_name["Scholarships feed (local)"].status == "ok"
    with ctx.sessions() as session:
        assert storage.get_source(session, "Gone").last_error == by_name["Gone"].error
        assert session.query(storage.Opportunity).count() > 1
