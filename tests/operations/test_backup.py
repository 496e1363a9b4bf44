"""Backups made while Fursa runs restore to the same data (SQLite online backup; pg_dump/pg_restore)."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from fursa import storage

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)


def _emails(ctx) -> list[str]:
    with ctx.sessions() as session:
        return [s.email for s in storage.list_subscribers(session)]


def test_backup_then_restore_brings_back_the_data(ctx, tmp_path, database_url):
    if database_url.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    engine = ctx.engine
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="kept@ppu.edu"), NOW)
    backup = storage.backup_database(engine, tmp_path / "backup.bin")
    assert backup.stat().st_size > 0

    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="after-backup@ppu.edu"), NOW)
        session.delete(storage.get_subscriber(session, "kept@ppu.edu"))
    assert _emails(ctx) == ["after-backup@ppu.edu"]

    storage.restore_database(engine, backup)
    assert _emails(ctx) == ["kept@ppu.edu"]


def test_restoring_a_missing_file_says_so(ctx, tmp_path):
    with pytest.raises(storage.BackupError, match="does not exist"):
        storage.restore_database(ctx.engine, tmp_path / "nope.bin")
