"""The ledger's exactly-once state machine: compare-and-set claims, leases, retries, bounces."""
from __future__ import annotations

import os
import threading
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from storage import Delivery, Subscriber, make_engine, migrate
from storage.deliveries import claim_delivery, delivery_counts, mark_failed, mark_sent, sent_item_ids

from digests import send_digests
from tests.conftest import POSTGRES_URL_VARIABLE, _fresh_postgres_database
from tests.digests.conftest import NOW, PERIOD, add_call, add_person

LEASE = timedelta(minutes=30)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """The ledger's compare-and-set is dialect-specific (ON CONFLICT, row locks): run it on both databases."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fursa.db'}"
    else:
        admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
        if not admin_url:
            pytest.skip(f"PostgreSQL path not tested: set {POSTGRES_URL_VARIABLE} (.ci/start-postgres does)")
        url = _fresh_postgres_database(admin_url, f"fursa_d_{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def claim(session, subscriber_id, now=NOW, max_attempts=3):
    result = claim_delivery(session, subscriber_id, PERIOD, message_id="<m@x>", items=[1], transport="smtp",
                            now=now, stale_before=now - LEASE, max_attempts=max_attempts)
    session.commit()
    return result


def test_only_the_first_claim_wins(session):
    person = add_person(session, "lina@ppu.edu")
    first, second = claim(session, person.id), claim(session, person.id)
    assert first.won and first.state == "sending" and first.attempts == 1
    assert not second.won and second.state == "sending"
    assert session.scalar(select(Delivery.attempts)) == 1


def test_a_sent_row_can_never_be_claimed_again(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    assert mark_sent(session, won.delivery_id, NOW)
    session.commit()
    later = claim(session, person.id, now=NOW + timedelta(days=2))
    assert not later.won and later.state == "sent"
    assert not mark_sent(session, won.delivery_id, NOW), "sent → sent is not a transition"


def test_a_sending_row_is_taken_over_only_after_its_lease(session):
    person = add_person(session, "lina@ppu.edu")
    claim(session, person.id)
    assert not claim(session, person.id, now=NOW + LEASE - timedelta(minutes=1)).won
    takeover = claim(session, person.id, now=NOW + LEASE + timedelta(minutes=1))
    assert takeover.won and takeover.attempts == 2


def test_temporary_failures_are_retried_until_max_attempts(session):
    person = add_person(session, "lina@ppu.edu")
    states = []
    for _ in range(3):
        won = claim(session, person.id)
        assert won.won
        states.append(mark_failed(session, won.delivery_id, "451 later", NOW, temporary=True, max_attempts=3))
        session.commit()
    assert states == ["deferred", "deferred", "failed"]
    assert not claim(session, person.id).won


def test_a_permanent_failure_is_final_at_once(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    assert mark_failed(session, won.delivery_id, "550 no", NOW, temporary=False, max_attempts=3) == "failed"
    session.commit()
    assert not claim(session, person.id).won
    assert delivery_counts(session, PERIOD) == {"failed": 1}


def test_sent_items_exclude_the_current_period(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    mark_sent(session, won.delivery_id, NOW)
    session.commit()
    assert sent_item_ids(session) == {person.id: {1}}
    assert sent_item_ids(session, exclude_period=PERIOD) == {}


def test_two_runs_started_at_once_send_each_digest_once(sessions, sink, smtp_config):
    with sessions() as setup:
        for number in range(30):
            add_person(setup, f"person{number}@ppu.edu", language="ar" if number % 2 else "en")
        add_call(setup, "Software engineering scholarship")
    start = threading.Barrier(2)
    reports = []

    def run():
        with sessions() as session:
            start.wait()
            reports.append(send_digests(session, now=NOW, config=smtp_config))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(reports) == 2
    assert sum(report.sent for report in reports) == 30
    assert sum(report.sent + report.already_sent + report.in_progress for report in reports) == 60
    assert all(len(copies) == 1 for copies in sink.by_recipient().values())
    assert len(sink.messages) == 30


def test_repeated_bounces_suspend_the_subscriber_and_a_success_resets_the_count(session, sink, smtp_config):
    config = replace(smtp_config, bounce_threshold=2)
    sink.behaviour.rcpt["gone@ppu.edu"] = "550 5.1.1 no such user"
    gone = add_person(session, "gone@ppu.edu")
    flaky = add_person(session, "flaky@ppu.edu")
    sink.behaviour.rcpt["flaky@ppu.edu"] = "550 5.2.1 mailbox disabled"
    add_call(session, "Software engineering scholarship", deadline=NOW + timedelta(days=60))

    first = send_digests(session, now=NOW, config=config)
    add_call(session, "Another software call", deadline=NOW + timedelta(days=60))
    del sink.behaviour.rcpt["flaky@ppu.edu"]
    second = send_digests(session, now=NOW + timedelta(days=7), config=config)

    assert first.failed == 2 and first.suspended == ()
    assert second.suspended == ("gone@ppu.edu",) and second.sent == 1
    session.expire_all()
    assert session.get(Subscriber, gone.id).status == "suspended"
    assert "2 bounces" in session.get(Subscriber, gone.id).suspended_reason
    assert session.get(Subscriber, flaky.id).bounces == 0
    third = send_digests(session, now=NOW + timedelta(days=14), config=config)
    assert third.failed == 0, "a suspended subscriber is not tried again"
