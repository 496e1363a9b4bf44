"""Staff sessions kept as rows, the sign-in throttle's counts, two-factor sign-in; and migration 0005
that adds them. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import MetaData, Table, func, inspect, select, text

from fursa import storage
from tests.storage.test_migrations import _downgrade_to, _upgrade_to

LIMIT = storage.AttemptLimit("address", 5, timedelta(minutes=15))


@pytest.fixture
def user_id(sessions, now) -> int:
    with sessions.begin() as session:
        return storage.create_user(session, email="amal@ppu.edu", password_hash="x", role="admin", now=now).id


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# ---- migration 0005 -------------------------------------------------------------------------------

def test_0005_adds_sessions_codes_and_counts_and_keeps_the_accounts_when_taken_away(database_url):
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0004")
    new_tables = {"staff_sessions", "recovery_codes", "attempt_counts"}
    assert not new_tables & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        users = Table("users", MetaData(), autoload_with=connection)
        connection.execute(users.insert().values(email="old@ppu.edu", name="", password_hash="h", role="admin",
                                                 language="en", active=True, created_at=datetime(2026, 11, 1)))

    _upgrade_to(engine, "0005")
    assert new_tables <= set(inspect(engine).get_table_names())
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    with storage.make_sessionmaker(engine).begin() as session:
        old = session.scalars(select(storage.User)).one()
        assert (old.totp_secret, old.totp_enabled_at, old.totp_last_step) == (None, None, None)
        assert not storage.has_two_factor(old)   # an admin from before signs in, then enrols
        storage.open_staff_session(session, old, now, verified=True)
        storage.record_attempt(session, LIMIT, "old@ppu.edu", now)

    _downgrade_to(engine, "0004")
    assert not new_tables & set(inspect(engine).get_table_names())
    assert "totp_secret" not in {column["name"] for column in inspect(engine).get_columns("users")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email FROM users")).scalar_one() == "old@ppu.edu"
    _upgrade_to(engine, "head")
    engine.dispose()


# ---- sessions ---------------------------------------------------------------------------------------

def test_a_session_token_opens_its_session_until_it_is_ended_or_expires(sessions, user_id, now):
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        token = storage.open_staff_session(session, user, now, verified=True, agent="Firefox")
        pending = storage.open_staff_session(session, user, now, verified=False)
    with sessions.begin() as session:
        row = storage.find_staff_session(session, token, now + timedelta(hours=11))
        assert row is not None and row.verified and row.user_id == user_id and row.agent == "Firefox"
        assert storage.find_staff_session(session, token, now + storage.SESSION_LIFETIME) is None
        assert storage.find_staff_session(session, pending, now + timedelta(minutes=9)) is not None
        assert storage.find_staff_session(session, pending, now + storage.PENDING_LIFETIME) is None
        for forged in (None, "", "x" * 500, token + "x", 12):
            assert storage.find_staff_session(session, forged, now) is None
        storage.end_staff_session(session, token)
    with sessions() as session:
        assert storage.find_staff_session(session, token, now) is None
        # only a hash is stored
        assert token not in {row.token_hash for row in session.scalars(select(storage.StaffSession))}


def test_ending_an_accounts_sessions_ends_each_of_its_browsers_and_no_one_elses(sessions, user_id, now):
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        other = storage.create_user(session, email="rami@ppu.edu", password_hash="x", role="curator", now=now)
        mine = [storage.open_staff_session(session, user, now, verified=True) for _ in range(3)]
        theirs = storage.open_staff_session(session, other, now, verified=True)
    with sessions.begin() as session:
        assert len(storage.sessions_of(session, user_id, now)) == 3
        assert storage.end_sessions_of(session, user_id) == 3
    with sessions() as session:
        assert all(storage.find_staff_session(session, token, now) is None for token in mine)
        assert storage.find_staff_session(session, theirs, now) is not None


def test_a_new_password_ends_every_session_of_the_account(sessions, user_id, now):
    with sessions.begin() as session:
        token = storage.open_staff_session(session, session.get(storage.User, user_id), now, verified=True)
        storage.set_password(session, "amal@ppu.edu", "a brand new long password")
    with sessions() as session:
        assert storage.find_staff_session(session, token, now) is None


def test_expired_sessions_are_deleted_when_new_ones_open(sessions, user_id, now):
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        for hours in range(5):
            storage.open_staff_session(session, user, now + timedelta(hours=hours * 13), verified=True)
        assert _count(session, storage.StaffSession) == 1


# ---- the throttle's counts --------------------------------------------------------------------------

def test_counts_reach_the_limit_per_key_and_slide_out_of_the_window(sessions, now):
    with sessions.begin() as session:
        for _ in range(5):
            storage.record_attempt(session, LIMIT, "amal@ppu.edu", now)
        storage.record_attempt(session, LIMIT, "rami@ppu.edu", now)
    with sessions() as session:
        assert storage.over_limit(session, LIMIT, "amal@ppu.edu", now)
        assert not storage.over_limit(session, LIMIT, "rami@ppu.edu", now)
        other_scope = storage.AttemptLimit("client", 5, LIMIT.window)
        assert not storage.over_limit(session, other_scope, "amal@ppu.edu", now)
        assert storage.over_limit(session, LIMIT, "amal@ppu.edu", now + timedelta(minutes=14))
        # one window later the old count weighs less and less, two windows later nothing
        assert storage.attempts_of(session, LIMIT, "amal@ppu.edu", now + timedelta(minutes=20)) < 5
        assert storage.attempts_of(session, LIMIT, "amal@ppu.edu", now + timedelta(minutes=30)) == 0


def test_counts_are_one_row_per_key_and_window_and_old_windows_are_pruned(sessions, now):
    with sessions.begin() as session:
        for number in range(200):
            storage.record_attempt(session, LIMIT, f"guess{number}@ppu.edu", now)
            storage.record_attempt(session, LIMIT, "same@ppu.edu", now)
        assert _count(session, storage.AttemptCount) == 201
    with sessions.begin() as session:
        storage.record_attempt(session, LIMIT, "later@ppu.edu", now + timedelta(minutes=31))
        assert _count(session, storage.AttemptCount) == 1
        # the hashes of addresses are kept, never the addresses
        assert "later@ppu.edu" not in session.scalar(select(storage.AttemptCount.key_hash))


def test_clearing_a_key_forgets_its_failures(sessions, now):
    with sessions.begin() as session:
        for _ in range(5):
            storage.record_attempt(session, LIMIT, "amal@ppu.edu", now)
        storage.clear_attempts(session, LIMIT, "amal@ppu.edu")
        assert not storage.over_limit(session, LIMIT, "amal@ppu.edu", now)


# ---- two-factor sign-in -----------------------------------------------------------------------------

def _enrolled(sessions, user_id, now) -> tuple[str, list[str]]:
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        secret = storage.begin_enrolment(user)
        assert storage.begin_enrolment(user) == secret   # a reload shows the same key
        uri = storage.enrolment_uri(user)
        assert uri.startswith("otpauth://totp/Fursa:amal%40ppu.edu?secret=") and "issuer=Fursa" in uri
        wrong = f"{(int(pyotp.TOTP(secret).at(now)) + 1) % 1_000_000:06d}"
        assert storage.confirm_enrolment(session, user, wrong, now) is None
        assert not storage.has_two_factor(user)
        codes = storage.confirm_enrolment(session, user, pyotp.TOTP(secret).at(now), now)
        assert codes is not None and storage.has_two_factor(user)
        return secret, codes


def test_enrolment_needs_a_right_code_and_gives_ten_recovery_codes_kept_only_as_hashes(sessions, user_id, now):
    _secret, codes = _enrolled(sessions, user_id, now)
    assert len(codes) == storage.RECOVERY_CODE_COUNT == len(set(codes)) == 10
    with sessions() as session:
        stored = {row.code_hash for row in session.scalars(select(storage.RecoveryCode))}
        assert len(stored) == 10 and not stored & set(codes) and not stored & {c.replace("-", "") for c in codes}
        with pytest.raises(storage.InvalidUserError, match="already signs in with two factors"):
            storage.begin_enrolment(session.get(storage.User, user_id))


def test_each_code_opens_once_and_codes_from_the_step_before_and_after_are_taken(sessions, user_id, now):
    secret, _codes = _enrolled(sessions, user_id, now)   # the code of `now` was used to enrol
    totp = pyotp.TOTP(secret)
    later = now + timedelta(minutes=5)
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        assert storage.check_second_factor(session, user, totp.at(now), later) is None   # too old
        assert storage.check_second_factor(session, user, totp.at(later - timedelta(seconds=30)), later).kind == "totp"
        assert storage.check_second_factor(session, user, totp.at(later - timedelta(seconds=30)), later) is None
        assert storage.check_second_factor(session, user, totp.at(later), later) is not None
        assert storage.check_second_factor(session, user, totp.at(later), later) is None   # replayed
        spaced = totp.at(later + timedelta(seconds=30))
        assert storage.check_second_factor(session, user, f" {spaced[:3]} {spaced[3:]} ", later) is not None
        assert storage.check_second_factor(session, user, totp.at(later + timedelta(seconds=60)), later) is None


def test_a_recovery_code_opens_once_however_it_is_typed(sessions, user_id, now):
    _secret, codes = _enrolled(sessions, user_id, now)
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        typed = codes[0].upper().replace("-", " ").replace("1", "l").replace("0", "O")
        used = storage.check_second_factor(session, user, typed, now)
        assert used is not None and used.kind == "recovery" and used.recovery_left == 9
        assert storage.check_second_factor(session, user, codes[0], now) is None
        for wrong in ("", "abcd-efgh", codes[1][:-1] + ("x" if codes[1][-1] != "x" else "y"), "12345", "1234567"):
            assert storage.check_second_factor(session, user, wrong, now) is None
        fresh = storage.replace_recovery_codes(session, user, now)
        assert storage.check_second_factor(session, user, codes[1], now) is None   # the old set is void
        assert storage.check_second_factor(session, user, fresh[0], now).recovery_left == 9


def test_turning_two_factor_off_forgets_the_key_and_the_codes(sessions, user_id, now):
    _secret, codes = _enrolled(sessions, user_id, now)
    with sessions.begin() as session:
        user = session.get(storage.User, user_id)
        storage.turn_off_two_factor(session, user)
        assert not storage.has_two_factor(user) and user.totp_secret is None
        assert _count(session, storage.RecoveryCode) == 0
        assert storage.check_second_factor(session, user, codes[0], now) is None
