"""`fursa demo`: the whole path, offline, against sample sources written by this project.

Nothing here is canned output: the demo serves its sample feeds and API on 127.0.0.1, then runs
the real crawler (Scrapy child process), tagger, approval and digest code on them.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Callable

from fursa import pipeline, storage
from fursa.demo.server import DemoServer
from fursa.settings import load_settings

CATALOGUE = """# The demo's sources: sample data served by `fursa demo` on this machine.
[[source]]
name = "Demo: scholarships feed"
type = "feed"
url = "{base}/feeds/scholarships.rss"
language = "en"
kind = "scholarship"
audience = ["student"]
description = "English scholarship and exchange calls in the style of an aggregator's RSS feed"

[[source]]
name = "Demo: ministry announcements (Arabic)"
type = "feed"
url = "{base}/feeds/mohe-ar.rss"
language = "ar"
kind = "scholarship"
audience = ["student"]
description = "Arabic scholarship announcements in the style of the Ministry of Higher Education"

[[source]]
name = "Demo: research funding API"
type = "api"
parser = "grants_gov"
url = "{base}/api/search2"
language = "en"
kind = "research_funding"
audience = ["faculty"]
levels = ["faculty"]
description = "Research-funding calls in the shape of the Grants.gov search2 API"
[source.options]
body = {{ keyword = "", oppStatuses = "posted", rows = 25 }}
"""

SUBSCRIBERS = (
    storage.SubscriberInput(email="mechatronics.student@demo.ppu.edu", name="Mechatronics student", role="student",
                            disciplines=("0714",), levels=("master",), language="en", confirmed=True),
    storage.SubscriberInput(email="pharmacy.faculty@demo.ppu.edu", name="عضو هيئة تدريس في الصيدلة", role="faculty",
                            disciplines=("0916",), levels=("faculty", "master"), language="ar", confirmed=True),
    storage.SubscriberInput(email="engineering.faculty@demo.ppu.edu", name="Engineering faculty", role="faculty",
                            disciplines=("071",), levels=("faculty",), language="en", confirmed=True),
)


# Where the demo's letters point when it is not serving: `fursa serve` on its default port.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEMO_CURATOR = "demo.curator@fursa.example"


def run_demo(folder: Path, now: datetime, echo: Callable[[str], None],
             public_base_url: str = DEFAULT_PUBLIC_URL) -> Path:
    """Serve the samples, run crawl → tag → approve → digest into `folder`, return the outbox.

    `public_base_url` is the web app the letters' links (call pages, preferences, unsubscribe) lead
    to: `fursa demo --serve` passes the address it is about to serve on."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = DemoServer(now.date()).start()
    try:
        catalogue = folder / "catalogue.toml"
        catalogue.write_text(CATALOGUE.format(base=server.base_url), encoding="utf-8")
        ctx = demo_context(folder, public_base_url)
        pipeline.init_database(ctx)
        echo(f"sample sources served at {server.base_url}; database {folder / 'fursa.db'}")
        _run(ctx, now, echo)
    finally:
        server.stop()
    outbox = ctx.settings.outbox_dir
    files = sorted(outbox.glob("*.eml")) if outbox.exists() else []
    echo(f"{len(files)} digest(s) in {outbox}:")
    for path in files:
        echo(f"  {path}")
    return outbox


def demo_context(folder: Path, public_base_url: str = DEFAULT_PUBLIC_URL) -> pipeline.Context:
    """The demo's settings over its folder: its own database, outbox, catalogue and secret key, so
    the letters it wrote and the web app serving it sign and check links with the same key."""
    folder = folder.resolve()
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'fursa.db'}", outbox_dir=folder / "outbox", smtp_url=None,
        catalogue=folder / "catalogue.toml", model_dir=folder / ".fursa", public_base_url=public_base_url,
        # The samples are served on 127.0.0.1; the SSRF guard would rightly refuse that elsewhere.
        allow_private_addresses=True, weekend_days=(),
    )
    return pipeline.make_context(settings)


def demo_curator(ctx: pipeline.Context, now: datetime) -> tuple[str, str]:
    """A curator account of the demo's desk with a fresh password (curators need no second factor)."""
    password = secrets.token_urlsafe(12)
    with ctx.sessions.begin() as session:
        if storage.find_user(session, DEMO_CURATOR) is None:
            storage.add_user(session, DEMO_CURATOR, password, "curator", now, name="Demo curator")
        else:
            storage.set_password(session, DEMO_CURATOR, password)
    return DEMO_CURATOR, password


def _run(ctx: pipeline.Context, now: datetime, echo: Callable[[str], None]) -> None:
    with ctx.sessions.begin() as session:
        for subscriber in SUBSCRIBERS:
            storage.add_subscriber(session, subscriber, now)
    # Every source is crawled, due or not, so a second `fursa demo` shows the validators at work.
    with ctx.sessions() as session:
        names = [row.name for row in storage.list_sources(session)]
    for name in names:
        for outcome in pipeline.crawl_due(ctx, now, source_name=name).outcomes:
            skipped = f", {outcome.items_skipped} skipped (`fursa -v demo` logs why)" if outcome.items_skipped else ""
            echo(f"crawled {outcome.name}: {outcome.status}, {outcome.items_seen} items, {outcome.items_new} new"
                 + skipped + (f" — {outcome.error}" if outcome.error else ""))
    tags = pipeline.tag_new(ctx, now)
    echo(f"tagged {tags.tagged} calls ({tags.flagged} flagged for staff)")
    approved = pipeline.approve_new(ctx, now, actor="fursa demo")
    echo(f"approved {approved} calls, as staff would at the desk")
    report = pipeline.send_due_digests(ctx, now)
    echo(report.describe())
