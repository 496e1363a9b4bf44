"""`fursa telegram check|post|status` end to end against a Bot API on loopback: a channel that kicked the bot
is named in the command's output, in `fursa status` and in the ledger, and its calls go out once it is fixed."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from fursa import scheduler, storage
from fursa.cli import app
from fursa.settings import load_settings
from tests.databases import test_database_url
from tests.digests.bot_api import TOKEN, FakeBotApi

runner = CliRunner()
AR, EN = "@ppu_calls_ar", "@ppu_calls"


@pytest.fixture
def bot():
    with FakeBotApi(time.monotonic) as api:
        api.add_channel(AR, title="فرص بوليتكنك فلسطين")
        api.add_channel(EN, title="PPU calls for students")
        yield api


@pytest.fixture
def installation(tmp_path, monkeypatch, bot):
    monkeypatch.chdir(tmp_path)
    url = test_database_url(tmp_path)
    for name, value in {"DATABASE_URL": url, "SECRET_KEY": "test-secret", "OUTBOX_DIR": str(tmp_path / "outbox"),
                        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": bot.url,
                        "TELEGRAM_CHANNELS": json.dumps([{"chat": AR, "language": "ar"},
                                                         {"chat": EN, "language": "en", "audience": "student"}])}.items():
        monkeypatch.setenv(f"FURSA_{name}", value)
    engine = storage.make_engine(url)
    storage.migrate(engine)
    now = datetime.now(timezone.utc)
    with storage.make_sessionmaker(engine).begin() as session:
        session.add(storage.Opportunity(
            title="منح ماجستير في الهندسة", url="https://calls.example.org/1", kind="scholarship", levels=["master"],
            status="approved", approved_at=now - timedelta(hours=1), first_seen_at=now, last_seen_at=now,
            content_hash="1", deadline_kind="date", deadline_at=now + timedelta(days=30)))
    engine.dispose()
    return tmp_path


def test_check_post_and_status_with_a_channel_that_kicked_the_bot(installation, bot):
    checked = runner.invoke(app, ["telegram", "check"])
    assert checked.exit_code == 0, checked.output
    assert "bot: @fursa_ppu_bot" in checked.output and f"ok {AR}: posts to فرص بوليتكنك فلسطين" in checked.output

    bot.chats[AR].kicked = True
    refused = runner.invoke(app, ["telegram", "check"])
    assert refused.exit_code == 1 and f"! {AR}" in refused.output and "kicked" in refused.output

    posted = runner.invoke(app, ["telegram", "post"])
    assert posted.exit_code == 3, posted.output          # degraded: one channel left undone
    assert f"{EN}: 1 posted" in posted.output and f"{AR}: 0 posted" in posted.output
    assert "kicked" in posted.output and "administrator" in posted.output

    status = runner.invoke(app, ["status"])
    assert "telegram" in status.output and "kicked" in status.output and "status: degraded" in status.output
    ledger = runner.invoke(app, ["telegram", "status"])
    assert f"{EN}: 1 posted" in ledger.output and f"{AR}: nothing posted yet" in ledger.output
    assert "! failed" in ledger.output

    bot.chats[AR].kicked = False                         # staff make the bot an administrator again
    assert runner.invoke(app, ["telegram", "check"]).exit_code == 0
    again = runner.invoke(app, ["telegram", "post"])
    assert again.exit_code == 0, again.output
    assert f"{AR}: 1 posted" in again.output and f"{EN}: 0 posted" in again.output
    assert [len(bot.posts(chat)) for chat in (AR, EN)] == [1, 1]
    assert bot.posts(AR)[0].text.startswith("منحة")


def test_without_a_token_the_commands_say_which_variable_to_set(installation, bot, monkeypatch):
    monkeypatch.delenv("FURSA_TELEGRAM_BOT_TOKEN")
    checked = runner.invoke(app, ["telegram", "check"])
    assert checked.exit_code == 2 and "FURSA_TELEGRAM_BOT_TOKEN" in checked.output
    posted = runner.invoke(app, ["telegram", "post"])
    assert posted.exit_code == 1 and "FURSA_TELEGRAM_BOT_TOKEN" in posted.output
    assert bot.calls == []


def test_a_token_in_the_settings_file_is_refused(installation, monkeypatch):
    (installation / "fursa.toml").write_text(f'telegram_bot_token = "{TOKEN}"\n')
    done = runner.invoke(app, ["telegram", "status"])
    assert done.exit_code == 2 and "FURSA_TELEGRAM_BOT_TOKEN" in done.output and TOKEN not in done.output


@pytest.mark.parametrize("channels, words", [
    ('[{"chat": "ppu calls"}]', "'ppu calls' is not a Telegram chat"),
    ('[{"chat": "@ppu_calls", "lang": "ar"}]', "lang is not a key of telegram_channels"),
    ('[{"chat": "@ppu_calls", "audience": "students"}]', "'student', 'faculty' or 'staff'"),
    ('[{"chat": "@ppu_calls"}, {"chat": "@PPU_calls"}]', "@ppu_calls more than once"),
    ('@ppu_calls', "is not a list"),
])
def test_a_bad_channel_setting_exits_2_naming_the_variable_and_the_fault(installation, monkeypatch, channels, words):
    monkeypatch.setenv("FURSA_TELEGRAM_CHANNELS", channels)
    done = runner.invoke(app, ["telegram", "status"])
    assert done.exit_code == 2 and "FURSA_TELEGRAM_CHANNELS" in done.output and words in done.output, done.output


def test_the_scheduler_runs_the_telegram_job_only_when_channels_are_configured():
    without = load_settings(telegram_channels=(), secret_key="test-secret")
    with_channel = load_settings(telegram_channels=[{"chat": AR}], secret_key="test-secret")
    assert "telegram" not in {plan.job for plan in scheduler.plans(without)}
    planned = {plan.job: plan for plan in scheduler.plans(with_channel)}
    assert planned["telegram"].when == "every 10 minutes"
