"""Backups made while Fursa runs restore to the same data (SQLite online backup; pg_dump/pg_restore)."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from sqlalchemy.engine import make_url

from fursa import pipeline, storage
from fursa.settings import load_settings
from tests.databases import postgres_admin_url
from tests.web.damage import damage_header, damage_table, sqlite_file

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


# A damaged database (issue 13, item 11): backups are checked before and after, and never replace
# a good file with a bad one.

def _sqlite_ctx(tmp_path, name: str = "fursa.db"):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text("# no sources\n", encoding="utf-8")
    ctx = pipeline.make_context(load_settings(database_url=f"sqlite:///{tmp_path / name}", catalogue=catalogue,
                                              outbox_dir=tmp_path / "outbox", model_dir=tmp_path / ".fursa"))
    pipeline.init_database(ctx)
    with ctx.sessions.begin() as session:
        for number in range(50):
            storage.add_subscriber(session, storage.SubscriberInput(email=f"s{number}@ppu.edu"), NOW)
    return ctx


def test_a_damaged_database_is_not_backed_up_and_the_last_good_backup_stays(tmp_path):
    ctx = _sqlite_ctx(tmp_path)
    target = tmp_path / "backups" / "fursa-backup.db"
    storage.backup_database(ctx.engine, target)
    good = target.read_bytes()

    damage_table(sqlite_file(ctx.engine), "subscribers")
    with pytest.raises(storage.BackupError, match=r"fursa\.db is damaged .*no backup was written"):
        storage.backup_database(ctx.engine, target)
    assert target.read_bytes() == good
    assert sorted(p.name for p in target.parent.iterdir()) == ["fursa-backup.db"]   # no partial copy left


def test_a_backup_of_a_database_never_made_is_refused(tmp_path):
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'never-initialised.db'}")
    with pytest.raises(storage.BackupError, match="there is no database"):
        storage.backup_database(engine, tmp_path / "backup.db")
    assert not (tmp_path / "backup.db").exists() and not (tmp_path / "never-initialised.db").exists()


def test_a_damaged_backup_is_not_restored(tmp_path):
    ctx = _sqlite_ctx(tmp_path)
    backup = storage.backup_database(ctx.engine, tmp_path / "backup.db")
    damage_table(backup, "subscribers")
    with pytest.raises(storage.BackupError, match=r"the backup .*backup\.db is damaged .*nothing was restored"):
        storage.restore_database(ctx.engine, backup)
    assert len(_emails(ctx)) == 50


@pytest.mark.parametrize("damage", [damage_table, damage_header], ids=["a table", "the file header"])
def test_a_good_backup_restores_over_a_damaged_database(tmp_path, damage):
    ctx = _sqlite_ctx(tmp_path)
    backup = storage.backup_database(ctx.engine, tmp_path / "backup.db")
    live = sqlite_file(ctx.engine)
    damage(live, "subscribers") if damage is damage_table else damage(live)
    storage.restore_database(ctx.engine, backup)
    assert len(_emails(ctx)) == 50
    storage.check_tables(ctx.engine)


def test_a_failed_pg_dump_writes_no_file_and_keeps_the_last_backup(tmp_path):
    admin_url = postgres_admin_url()
    if not admin_url or not shutil.which("pg_dump"):
        pytest.skip("needs a PostgreSQL test server and pg_dump")
    target = tmp_path / "backup.dump"
    target.write_bytes(b"the last good backup")
    missing = make_url(admin_url).set(database="fursa_no_such_database").render_as_string(hide_password=False)
    with pytest.raises(storage.BackupError, match="pg_dump failed: .*no backup was written"):
        storage.backup_database(storage.make_engine(missing), target)
    assert target.read_bytes() == b"the last good backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.dump"]


def test_a_pg_backup_that_does_not_read_back_is_not_restored(ctx, tmp_path, database_url):
    if not database_url.startswith("postgresql") or not shutil.which("pg_restore"):
        pytest.skip("PostgreSQL only (pg_restore)")
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="kept@ppu.edu"), NOW)
    backup = storage.backup_database(ctx.engine, tmp_path / "backup.dump")
    backup.write_bytes(backup.read_bytes()[:200])   # cut short, as a full disk leaves it
    with pytest.raises(storage.BackupError, match="pg_restore --list failed: .*nothing was restored"):
        storage.restore_database(ctx.engine, backup)
    assert _emails(ctx) == ["kept@ppu.edu"]
