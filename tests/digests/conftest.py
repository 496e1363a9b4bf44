"""Fixtures of the digest tests: a migrated SQLite file, a real SMTP sink, subscribers and calls."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fursa.storage import Opportunity, SubscriberInput, add_subscriber, make_engine, make_sessionmaker, migrate

from fursa.digests import DeliveryConfig
from tests.digests.smtpsink import SmtpSink
from tests.databases import test_database_url

# Sunday 29 November 2026, 09:00 in Hebron: the default send day, after the default hour, not a weekend.
NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
PERIOD = "weekly:2026-W48"
_urls = itertools.count(1)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = test_database_url(tmp_path)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


@pytest.fixture
def sessions(database_url: str):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def session(sessions):
    with sessions() as session:
        yield session


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_config(tmp_path: Path, sink: SmtpSink) -> DeliveryConfig:
    return DeliveryConfig(outbox_dir=tmp_path / "outbox", smtp_url=sink.url, secret_key="test-secret",
                          public_base_url="https://fursa.ppu.edu", from_address="Fursa <fursa@ppu.edu>",
                          list_id="digest.fursa.ppu.edu", unsubscribe_mailto="unsubscribe@fursa.ppu.edu")


@pytest.fixture
def outbox_config(tmp_path: Path) -> DeliveryConfig:
    return DeliveryConfig(outbox_dir=tmp_path / "outbox", secret_key="test-secret",
                          public_base_url="https://fursa.ppu.edu", from_address="Fursa <fursa@ppu.edu>")


def add_person(session, email: str, *, language: str = "en", disciplines=("0613",), levels=("master",),
               role: str = "student", name: str = "Test Person", frequency: str = "weekly"):
    row, _ = add_subscriber(session, SubscriberInput(
        email=email, name=name, role=role, disciplines=tuple(disciplines), levels=tuple(levels),
        language=language, frequency=frequency, confirmed=True), NOW - timedelta(days=30))
    session.commit()
    return row


def add_call(session, title: str, *, disciplines=("0613",), levels=("master",), kind="scholarship",
             deadline: datetime | None = NOW + timedelta(days=20), deadline_kind: str | None = None,
             featured=False, status="approved", provider="DAAD", url: str | None = None,
             palestinian_eligible: bool | None = True, excluded=()) -> Opportunity:
    number = next(_urls)
    row = Opportunity(
        title=title, url=url or f"https://calls.example.org/{number}", provider=provider, kind=kind,
        levels=list(levels), disciplines=list(disciplines), excluded=list(excluded), regions=[],
        palestinian_eligible=palestinian_eligible,
        deadline_kind=deadline_kind or ("date" if deadline else "unknown"), deadline_at=deadline,
        status=status, featured=featured, first_seen_at=NOW - timedelta(days=3), last_seen_at=NOW,
        approved_at=NOW - timedelta(days=1), content_hash=f"hash-{number}",
    )
    session.add(row)
    session.commit()
    return row
