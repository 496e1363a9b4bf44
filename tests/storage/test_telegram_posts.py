"""The Telegram post ledger in storage (SQLite and PostgreSQL): one claim per call and channel, what is left
to post, interrupted claims, channel health and the counts `fursa telegram status` shows."""
from __future__ import annotations

from datetime import timedelta

from fursa import storage


def _call(session, now, title, *, status="approved", approved_days_ago=1, deadline_days=20):
    row = storage.Opportunity(title=title, url=f"https://example.org/{title}", first_seen_at=now, last_seen_at=now,
                              content_hash=title, status=status, approved_at=now - timedelta(days=approved_days_ago),
                              deadline_kind="date", deadline_at=now + timedelta(days=deadline_days))
    session.add(row)
    session.flush()
    return row


def test_a_call_is_claimed_once_per_channel(sessions, now):
    with sessions.begin() as session:
        call_id = _call(session, now, "grant").id
    with sessions.begin() as session:
        assert storage.claim_post(session, call_id, "@ppu_calls", now) is not None
        assert storage.claim_post(session, call_id, "@ppu_calls_ar", now) is not None
    with sessions.begin() as session:   # a second run, or a second scheduler
        assert storage.claim_post(session, call_id, "@ppu_calls", now) is None
    with sessions() as session:
        assert sorted(p.channel for p in session.query(storage.TelegramPost)) == ["@ppu_calls", "@ppu_calls_ar"]


def test_what_is_left_to_post_in_a_channel(sessions, now):
    with sessions.begin() as session:
        posted = _call(session, now, "posted")
        waiting = _call(session, now, "waiting")
        _call(session, now, "rejected", status="rejected")
        _call(session, now, "closed", deadline_days=-1)
        _call(session, now, "old", approved_days_ago=40)
        row = storage.claim_post(session, posted.id, "@ppu_calls", now)
        storage.record_posted(row, 501, "hash", False, now)
        waiting_id = waiting.id
    with sessions() as session:
        left = storage.unposted_calls(session, "@ppu_calls", now - timedelta(days=7), now)
        assert [c.id for c in left] == [waiting_id]
        assert [p.message_id for p in storage.posts_in(session, "@ppu_calls")] == [501]
        assert len(storage.unposted_calls(session, "@ppu_calls_ar", now - timedelta(days=7), now)) == 2


def test_an_interrupted_claim_becomes_unknown_and_a_released_one_is_posted_again(sessions, now):
    with sessions.begin() as session:
        stuck = _call(session, now, "stuck")
        released = _call(session, now, "released")
        storage.claim_post(session, stuck.id, "@ppu_calls", now - timedelta(hours=1))
        storage.release_claim(session, storage.claim_post(session, released.id, "@ppu_calls", now))
        ids = stuck.id, released.id
    with sessions.begin() as session:
        assert storage.stale_claims(session, now - timedelta(minutes=10), now) == 1
    with sessions() as session:
        left = storage.unposted_calls(session, "@ppu_calls", now - timedelta(days=7), now)
        assert [c.id for c in left] == [ids[1]]
        counts = storage.channel_counts(session, ("@ppu_calls",))
        assert counts[0].posts == {"unknown": 1}


def test_a_failed_channel_keeps_its_reason_until_it_works_again(sessions, now):
    with sessions.begin() as session:
        first = storage.telegram_channel(session, "@ppu_calls", now).first_seen_at
        storage.mark_channel_failed(session, "@ppu_calls", "the chat refuses the bot (Forbidden: bot was kicked)", now)
    with sessions() as session:
        (channel,) = storage.channel_counts(session, ("@ppu_calls",))
        assert (channel.state, channel.failed_at) == ("failed", now) and "kicked" in channel.error
    with sessions.begin() as session:
        storage.mark_channel_ok(session, "@ppu_calls", now + timedelta(hours=1))
        assert storage.telegram_channel(session, "@ppu_calls", now + timedelta(days=9)).first_seen_at == first
    with sessions() as session:
        (channel,) = storage.channel_counts(session, ("@ppu_calls",))
        assert (channel.state, channel.error) == ("ok", None)
