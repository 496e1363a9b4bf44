"""The scheduler's lock lives in the database: held by one, refused to others, renewed, taken over when dead."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fursa import storage


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(sessions):
    return sessions.kw["bind"]


def test_one_holder_at_a_time_and_free_again_once_released(engine):
    first = storage.SchedulerLock(engine).acquire()
    with pytest.raises(storage.LockHeldError, match="another scheduler"):
        storage.SchedulerLock(engine).acquire()
    first.renew()   # still its own
    first.release()
    storage.SchedulerLock(engine).acquire().release()


def test_a_lease_that_ran_out_is_taken_over_and_its_old_holder_is_told(engine, now):
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's advisory lock has no lease: the server frees it when its holder's connection ends")
    clock = Clock(now)
    lease = timedelta(seconds=60)
    first = storage.SchedulerLock(engine, lease=lease, clock=clock).acquire()
    clock.now = now + timedelta(seconds=45)
    first.renew()   # the lease now runs to now + 105 s
    clock.now = now + timedelta(seconds=100)
    with pytest.raises(storage.LockHeldError, match=r"holds this database's scheduler lock until .*:45 UTC"):
        storage.SchedulerLock(engine, lease=lease, clock=clock).acquire()
    clock.now = now + timedelta(seconds=106)   # the first stopped renewing (killed, suspended)
    second = storage.SchedulerLock(engine, lease=lease, clock=clock).acquire()
    with pytest.raises(storage.LockLostError, match="took over"):
        first.renew()
    first.release()   # lets go of nothing: the lock is the second's
    second.renew()
    with pytest.raises(storage.LockHeldError):
        storage.SchedulerLock(engine, lease=lease, clock=clock).acquire()
    second.release()


def test_the_lease_renews_on_the_real_clock(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("a lease is SQLite's")
    lock = storage.SchedulerLock(engine).acquire()
    try:
        with engine.connect() as connection:
            row = connection.execute(storage.LockLease.__table__.select()).one()
        assert row.holder == lock.holder
        assert timedelta(seconds=55) < row.expires_at.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc) \
            <= storage.SCHEDULER_LEASE
        assert lock.renew_every_s == storage.SCHEDULER_LEASE.total_seconds() / 4
    finally:
        lock.release()
