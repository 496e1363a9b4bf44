"""A database that fills up in the middle of a send: the run stops with a message (no traceback), what the
SMTP server accepted is recorded as sent (at most one message per connection can miss its record), and once
there is room again the rest go out; duplicates are at most the messages that missed their record.

The disk fills for real while the server holds the 30th message (tests/operations/disks.py): SQLite's
file reaches the cap `PRAGMA max_page_count` puts on Fursa's connections ("database or disk is full"),
and PostgreSQL's ledger table sits on a 1 MB tmpfs that another connection fills (SQLSTATE 53100,
"No space left on device"; needs root to mount, skipped otherwise).
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from fursa import pipeline, storage
from fursa.cli import app
from tests.digests.smtpsink import SmtpSink
from tests.operations.disks import full_disk_for

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)   # Sunday 09:00 in Hebron
SUBSCRIBERS = 150
FULL_AT = 30   # the message during whose DATA the disk fills up
CONNECTIONS = 2


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def fill_at(sink: SmtpSink, disk, number: int) -> None:
    """Fill the disk while the server holds message `number` (before its 250)."""
    def hook(_received) -> None:
        if len(sink.messages) + 1 == number:
            disk.fill()
    sink.behaviour.on_message = hook


def _fill(ctx: pipeline.Context, now: datetime) -> None:
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="s", type="feed", url="http://example.org/feed")])
        drafts = [storage.Draft(source_name="s", url="http://example.org/call/1",
                                title="Master's scholarship in any field of study",
                                text="Open to applicants from all countries, including Palestinians, in all fields.")]
        storage.ingest_drafts(session, storage.get_source(session, "s"), drafts, now)
    pipeline.tag_new(ctx, now)
    pipeline.approve_new(ctx, now, actor="test")
    with ctx.sessions.begin() as session:
        for i in range(SUBSCRIBERS):
            storage.add_subscriber(session, storage.SubscriberInput(
                email=f"student{i:03d}@ppu.example", levels=("master",), confirmed=True), now)


def _sent_addresses(ctx: pipeline.Context) -> Counter:
    with ctx.sessions() as session:
        return Counter(row.subscriber.email for row in session.query(storage.Delivery) if row.state == "sent")


def _copies(sink: SmtpSink) -> Counter:
    return Counter(recipient for message in sink.messages for recipient in message.recipients)


@pytest.fixture
def ctx_and_disk(make_ctx, sink):
    ctx = make_ctx(smtp_url=sink.url, smtp_connections=CONNECTIONS)
    disk = full_disk_for(ctx.engine)
    yield ctx, disk
    sink.behaviour.on_message = None
    disk.close()


def test_a_full_database_mid_send_stops_the_run_with_a_message_and_loses_no_record(ctx_and_disk, sink, caplog):
    ctx, disk = ctx_and_disk
    _fill(ctx, NOW)
    fill_at(sink, disk, FULL_AT)

    outcome = pipeline.run_job(ctx, "weekly_digest", NOW, sleep=lambda _: pytest.fail("a full disk is not retried"))
    sink.behaviour.on_message = None
    received, recorded = _copies(sink), _sent_addresses(ctx)

    assert outcome.status == "failed", outcome
    assert "database or disk is full" in outcome.error or "No space left on device" in outcome.error
    assert "Free space on the disk" in outcome.error and "retry_deliveries" in outcome.error
    assert not [record for record in caplog.records if record.exc_info], "a message, not a traceback"
    assert FULL_AT <= len(received) < SUBSCRIBERS, "the disk filled up in the middle of the run"
    unrecorded = set(received) - set(recorded)
    assert set(recorded) <= set(received) and len(unrecorded) <= CONNECTIONS
    assert (f"of which {len(unrecorded)}" in outcome.error) == bool(unrecorded)

    disk.make_room()
    later = NOW + ctx.delivery_config.sending_lease + ctx.delivery_config.retry_after + timedelta(minutes=1)
    resumed = pipeline.run_job(ctx, "retry_deliveries", later)
    assert resumed.status == "ok", resumed
    copies = _copies(sink)
    assert len(copies) == SUBSCRIBERS, "every digest went out once there was room"
    assert sum(count - 1 for count in copies.values()) <= len(unrecorded), "a copy twice only if its record failed"


def test_fursa_job_says_the_database_is_full_in_one_line(ctx_and_disk, sink, tmp_path, monkeypatch):
    ctx, disk = ctx_and_disk
    _fill(ctx, datetime.now(timezone.utc) - timedelta(hours=1))
    fill_at(sink, disk, FULL_AT)
    monkeypatch.chdir(tmp_path)
    env = {"FURSA_DATABASE_URL": ctx.settings.database_url, "FURSA_SMTP_URL": sink.url,
           "FURSA_CATALOGUE": str(ctx.catalogue_path), "FURSA_MODEL_DIR": str(ctx.settings.model_dir),
           "FURSA_WEEKEND_DAYS": "[]", "FURSA_SECRET_KEY": "test-secret", "FURSA_OUTBOX_DIR": None,
           "FURSA_SMTP_CONNECTIONS": str(CONNECTIONS)}
    try:
        with disk.capping_every_engine():
            result = CliRunner().invoke(app, ["job", "weekly_digest"], env=env)
    finally:
        logging.getLogger().handlers.clear()

    assert result.exit_code == 1, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("weekly_digest: failed — the database stopped recording"), lines
    assert "Free space on the disk" in lines[0]
    assert "Traceback" not in result.output
    assert FULL_AT <= len(_copies(sink)) < SUBSCRIBERS
